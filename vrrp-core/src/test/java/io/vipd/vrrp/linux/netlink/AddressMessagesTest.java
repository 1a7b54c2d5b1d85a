package io.vipd.vrrp.linux.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.nio.ByteOrder;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Golden bytes, laid out by hand from linux/netlink.h, linux/if_addr.h and rtnetlink(7). */
class AddressMessagesTest {

  private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

  @Test
  void newIpv4AddressWithLabel() throws Exception {
    byte[] m =
        AddressMessages.newAddress(1, 3, InetAddress.getByName("10.77.0.50"), 32, "eth0:vip", LE);
    assertEquals(
        "38000000"
            + "1400"
            + "0506"
            + "01000000"
            + "00000000" // nlmsghdr: 56, NEWADDR, REQ|ACK|EXCL|CREATE
            + "02"
            + "20"
            + "00"
            + "00"
            + "03000000" // ifaddrmsg: AF_INET /32 flags 0 scope 0 if 3
            + "0800"
            + "0200"
            + "0a4d0032" // IFA_LOCAL
            + "0800"
            + "0100"
            + "0a4d0032" // IFA_ADDRESS
            + "0d00"
            + "0300"
            + "657468303a76697000"
            + "000000", // IFA_LABEL "eth0:vip\0" + pad
        hex(m));
  }

  @Test
  void newIpv4AddressWithoutLabel() throws Exception {
    byte[] m = AddressMessages.newAddress(7, 2, InetAddress.getByName("192.0.2.1"), 24, null, LE);
    assertEquals(
        "28000000"
            + "1400"
            + "0506"
            + "07000000"
            + "00000000"
            + "0218000002000000"
            + "08000200c0000201"
            + "08000100c0000201",
        hex(m));
  }

  @Test
  void newIpv6AddressIsNoDadAndDeprecated() throws Exception {
    byte[] m = AddressMessages.newAddress(2, 3, InetAddress.getByName("fd77::50"), 64, null, LE);
    assertEquals(
        "40000000"
            + "1400"
            + "0506"
            + "02000000"
            + "00000000"
            + "0a"
            + "40"
            + "02"
            + "00"
            + "03000000" // AF_INET6 /64 IFA_F_NODAD
            + "1400"
            + "0100"
            + "fd770000000000000000000000000050" // IFA_ADDRESS
            + "1400"
            + "0600" // IFA_CACHEINFO
            + "00000000" // preferred 0: deprecated
            + "ffffffff" // valid forever
            + "0000000000000000",
        hex(m));
  }

  @Test
  void installIpv6IsDeprecatedWithTheValidLifetimeGiven() throws Exception {
    byte[] m =
        AddressMessages.installAddress(7, 3, InetAddress.getByName("fd77::50"), 64, null, 3, LE);
    assertEquals(
        "40000000"
            + "1400"
            + "0505" // NLM_F_REQUEST, NLM_F_ACK, NLM_F_REPLACE, NLM_F_CREATE
            + "07000000"
            + "00000000"
            + "0a40020003000000"
            + "14000100fd770000000000000000000000000050"
            + "14000600"
            + "00000000" // preferred 0
            + "03000000" // valid 3 s
            + "0000000000000000",
        hex(m));
  }

  @Test
  void installIpv4IsPreferredForItsWholeLifetime() throws Exception {
    byte[] m =
        AddressMessages.installAddress(8, 3, InetAddress.getByName("10.77.0.50"), 32, null, 3, LE);
    assertEquals(
        "3c000000"
            + "1400"
            + "0505"
            + "08000000"
            + "00000000"
            + "0220000003000000"
            + "080002000a4d0032"
            + "080001000a4d0032"
            + "14000600"
            + "03000000" // preferred 3 s
            + "03000000" // valid 3 s
            + "0000000000000000",
        hex(m));
  }

  @Test
  void deleteIpv4IgnoresLabel() throws Exception {
    byte[] m = AddressMessages.deleteAddress(3, 3, InetAddress.getByName("10.77.0.50"), 32, LE);
    assertEquals(
        "28000000"
            + "1500"
            + "0500"
            + "03000000"
            + "00000000"
            + "0220000003000000"
            + "080002000a4d0032"
            + "080001000a4d0032",
        hex(m));
  }

  @Test
  void deleteIpv6() throws Exception {
    byte[] m = AddressMessages.deleteAddress(4, 9, InetAddress.getByName("fd77::50"), 64, LE);
    assertEquals(
        "2c000000"
            + "1500"
            + "0500"
            + "04000000"
            + "00000000"
            + "0a40000009000000"
            + "14000100fd770000000000000000000000000050",
        hex(m));
  }

  @Test
  void dumpAllAddresses() {
    assertEquals(
        "18000000" + "1600" + "0103" + "05000000" + "00000000" + "0000000000000000",
        hex(AddressMessages.dumpAddresses(5, LE)));
  }

  @Test
  void bigEndianHostsGetBigEndianHeaders() throws Exception {
    byte[] m =
        AddressMessages.newAddress(
            1, 3, InetAddress.getByName("10.77.0.50"), 32, null, ByteOrder.BIG_ENDIAN);
    assertEquals("00000028" + "0014" + "0605" + "00000001", hex(m).substring(0, 24));
  }

  @Test
  void getLinkByName() {
    assertEquals(
        "2c000000"
            + "1200"
            + "0500"
            + "04000000"
            + "00000000"
            + "00000000000000000000000000000000" // ifinfomsg
            + "0900"
            + "0300"
            + "6574683000"
            + "000000", // IFLA_IFNAME "eth0\0" + pad
        hex(LinkMessages.getLink(4, "eth0", LE)));
  }

  static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }
}
