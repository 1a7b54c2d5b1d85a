package io.vipd.vrrp.linux.netlink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NetlinkMessageTest {

  private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

  // Two messages in one datagram, as a dump delivers them: an RTM_NEWADDR for 10.77.0.50/32 on
  // ifindex 3 labelled eth0:vip with IFA_FLAGS 0x80 (permanent), then NLMSG_DONE.
  private static final String NEWADDR =
      "48000000"
          + "1400"
          + "0200"
          + "05000000"
          + "00000000"
          + "02200000"
          + "03000000"
          + "080001000a4d0032"
          + "080002000a4d0032"
          + "0d000300657468303a76697000000000"
          + "0800080080000000"
          + "0000000000000000"; // 8 bytes of an unknown attribute-free tail (ignored)
  private static final String DONE =
      "14000000" + "0300" + "0200" + "05000000" + "00000000" + "00000000";

  @Test
  void parsesDumpDatagram() throws Exception {
    byte[] d = HexFormat.of().parseHex(NEWADDR + DONE);
    List<NetlinkMessage> ms = NetlinkMessage.parseAll(d, d.length, LE);
    assertEquals(2, ms.size());
    assertEquals(RtNetlink.RTM_NEWADDR, ms.get(0).type());
    assertEquals(5, ms.get(0).sequence());
    assertEquals(RtNetlink.NLMSG_DONE, ms.get(1).type());

    AddressEntry e = AddressEntry.parse(ms.get(0)).orElseThrow();
    assertEquals(3, e.ifIndex());
    assertEquals(32, e.prefixLength());
    assertEquals(0x80, e.flags(), "IFA_FLAGS wins over the 8-bit header field");
    assertEquals(InetAddress.getByName("10.77.0.50"), e.address());
    assertEquals(Optional.of("eth0:vip"), e.label());
  }

  @Test
  void errorAndAck() {
    byte[] err =
        HexFormat.of()
            .parseHex(
                "24000000"
                    + "0200"
                    + "0000"
                    + "09000000"
                    + "00000000"
                    + "efffffff"
                    + "1000000014000506090000000000000000".substring(0, 32));
    NetlinkMessage m = NetlinkMessage.parseAll(err, err.length, LE).get(0);
    assertEquals(17, m.errorCode(), "-EEXIST");
    byte[] ack =
        HexFormat.of()
            .parseHex("14000000" + "0200" + "0000" + "09000000" + "00000000" + "00000000");
    assertEquals(0, NetlinkMessage.parseAll(ack, ack.length, LE).get(0).errorCode());
  }

  @Test
  void parsesLinkNotification() {
    byte[] d =
        HexFormat.of()
            .parseHex(
                "38000000"
                    + "1000"
                    + "0000"
                    + "00000000"
                    + "00000000"
                    + "00000100"
                    + "04000000"
                    + "43100100"
                    + "00000000" // ifi: index 4, UP|RUNNING|LOWER_UP
                    + "0900030065746830000000"
                    + "00" // IFLA_IFNAME eth0
                    + "0a000100027700000011"
                    + "0000"); // IFLA_ADDRESS
    LinkEntry e = LinkEntry.parse(NetlinkMessage.parseAll(d, d.length, LE).get(0)).orElseThrow();
    assertEquals(4, e.ifIndex());
    assertEquals("eth0", e.name());
    assertTrue(e.isUp());
    assertArrayEquals(HexFormat.of().parseHex("027700000011"), e.macAddress());
  }

  @Test
  void upNeedsBothAdminUpAndCarrier() {
    assertFalse(new LinkEntry(1, RtNetlink.IFF_UP, "x", new byte[0], false).isUp());
    assertFalse(new LinkEntry(1, RtNetlink.IFF_RUNNING, "x", new byte[0], false).isUp());
    assertFalse(new LinkEntry(1, 0x41, "x", new byte[0], true).isUp(), "deleted");
  }

  @Test
  void garbageNeverThrows() {
    Random random = new Random(42);
    for (int i = 0; i < 2_000; i++) {
      byte[] d = new byte[random.nextInt(200)];
      random.nextBytes(d);
      if (d.length >= 4 && random.nextBoolean()) {
        d[0] = (byte) d.length; // plausible length so the parse goes deeper
        d[1] = d[2] = d[3] = 0;
      }
      for (NetlinkMessage m : NetlinkMessage.parseAll(d, d.length, LE)) {
        AddressEntry.parse(m);
        LinkEntry.parse(m);
        m.errorCode();
      }
    }
  }

  @Test
  void truncatedDatagramYieldsTheCompleteMessagesOnly() {
    byte[] d = HexFormat.of().parseHex(DONE + NEWADDR);
    assertEquals(1, NetlinkMessage.parseAll(d, d.length - 3, LE).size());
  }
}
