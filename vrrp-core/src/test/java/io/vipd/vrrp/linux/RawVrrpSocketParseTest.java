package io.vipd.vrrp.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.vipd.vrrp.packet.IpHeaderInfo;
import io.vipd.vrrp.port.ReceivedDatagram;
import java.io.ByteArrayOutputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * What RawVrrpSocket makes of the bytes and control messages recvmsg hands it, without a socket: a
 * datagram it cannot read must come back as {@link ReceivedDatagram#unreadable()} (counted by the
 * runtime), never as {@code null}, which the runtime takes for "nothing arrived".
 */
class RawVrrpSocketParseTest {

  // Linux uapi values; RawVrrpSocket keeps its own private.
  private static final int IPPROTO_IPV6 = 41;
  private static final int IPV6_PKTINFO = 50;
  private static final int IPV6_HOPLIMIT = 52;

  private static final String VRRP = "3133650100641234" + "0a4d0032";
  // IPv4, IHL 5, TOS c0, total 32, id 0, DF, TTL 255, proto 112, checksum (not checked here),
  // 10.77.0.1 -> 224.0.0.18
  private static final String IPV4_HEADER =
      "45c00020" + "00004000" + "ff70" + "0000" + "0a4d0001" + "e0000012";

  // ---------------------------------------------------------------- IPv4

  @Test
  void ipv4GoodHeaderIsCutOffAndReported() throws Exception {
    ReceivedDatagram d = RawVrrpSocket.ipv4Datagram(hex(IPV4_HEADER + VRRP));
    assertFalse(d.isUnreadable());
    assertArrayEquals(hex(VRRP), d.payload());
    assertEquals(
        new IpHeaderInfo(
            InetAddress.getByName("10.77.0.1"), InetAddress.getByName("224.0.0.18"), 255),
        d.ip());
  }

  @Test
  void ipv4OptionsAreCutOffWithTheHeader() throws Exception {
    // IHL 6: one 4-byte option word (router alert) before the VRRP message
    String header = "46" + IPV4_HEADER.substring(2) + "94040000";
    ReceivedDatagram d = RawVrrpSocket.ipv4Datagram(hex(header + VRRP));
    assertArrayEquals(hex(VRRP), d.payload());
    assertEquals(255, d.ip().ttl());
  }

  @Test
  void ipv4HeaderAloneIsReadableWithAnEmptyMessage() throws Exception {
    // the codec, not the socket, reports the missing message (TRUNCATED)
    ReceivedDatagram d = RawVrrpSocket.ipv4Datagram(hex(IPV4_HEADER));
    assertFalse(d.isUnreadable());
    assertEquals(0, d.payload().length);
  }

  @Test
  void ipv4ShorterThanAHeaderIsUnreadable() throws Exception {
    assertUnreadable(RawVrrpSocket.ipv4Datagram(new byte[0]));
    assertUnreadable(RawVrrpSocket.ipv4Datagram(hex(IPV4_HEADER.substring(0, 38))));
  }

  @Test
  void ipv4WrongVersionIsUnreadable() throws Exception {
    assertUnreadable(RawVrrpSocket.ipv4Datagram(hex("65" + IPV4_HEADER.substring(2) + VRRP)));
    assertUnreadable(RawVrrpSocket.ipv4Datagram(hex("05" + IPV4_HEADER.substring(2) + VRRP)));
  }

  @Test
  void ipv4BadHeaderLengthIsUnreadable() throws Exception {
    // IHL 4 (16 bytes) is below the minimum of 5
    assertUnreadable(RawVrrpSocket.ipv4Datagram(hex("44" + IPV4_HEADER.substring(2) + VRRP)));
    // IHL 15 (60 bytes) is longer than the 32-byte datagram
    assertUnreadable(RawVrrpSocket.ipv4Datagram(hex("4f" + IPV4_HEADER.substring(2) + VRRP)));
  }

  // ---------------------------------------------------------------- IPv6

  private static final Inet6Address PEER = v6("fe80::1");
  private static final Inet6Address GROUP = v6("ff02::12");

  @Test
  void ipv6WithSenderHopLimitAndDestinationIsReported() throws Exception {
    ReceivedDatagram d =
        RawVrrpSocket.ipv6Datagram(hex(VRRP), received(28, hopLimit(255), pktinfo(GROUP)));
    assertFalse(d.isUnreadable());
    assertArrayEquals(hex(VRRP), d.payload());
    assertEquals(new IpHeaderInfo(PEER, GROUP, 255), d.ip());
  }

  @Test
  void ipv6ShortSenderNameIsUnreadable() throws Exception {
    assertUnreadable(
        RawVrrpSocket.ipv6Datagram(hex(VRRP), received(23, hopLimit(255), pktinfo(GROUP))));
  }

  @Test
  void ipv6WithoutHopLimitIsUnreadable() throws Exception {
    assertUnreadable(RawVrrpSocket.ipv6Datagram(hex(VRRP), received(28, pktinfo(GROUP))));
  }

  @Test
  void ipv6WithoutPktinfoIsUnreadable() throws Exception {
    assertUnreadable(RawVrrpSocket.ipv6Datagram(hex(VRRP), received(28, hopLimit(255))));
  }

  // ---------------------------------------------------------------- helpers

  private static void assertUnreadable(ReceivedDatagram d) {
    assertSame(ReceivedDatagram.unreadable(), d);
  }

  /** Buffers as recvmsg leaves them: the sender's sockaddr_in6 and the given control messages. */
  private static MessageBuffers received(int nameLength, byte[]... controlMessages) {
    ByteArrayOutputStream control = new ByteArrayOutputStream();
    for (byte[] c : controlMessages) {
      control.writeBytes(c);
    }
    MessageBuffers rx = new MessageBuffers(0, 28, 256);
    byte[] name = SockAddrs.sockaddrIn6(PEER, 2);
    rx.name().put(0, name, 0, name.length);
    rx.control().put(0, control.toByteArray(), 0, control.size());
    rx.prepare(0, nameLength, control.size());
    return rx;
  }

  private static byte[] hopLimit(int hops) {
    byte[] data = SockAddrs.nativeBuffer(4).putInt(hops).array();
    return ControlMessages.of(IPPROTO_IPV6, IPV6_HOPLIMIT, data);
  }

  private static byte[] pktinfo(Inet6Address destination) {
    return ControlMessages.of(IPPROTO_IPV6, IPV6_PKTINFO, SockAddrs.in6Pktinfo(destination, 2));
  }

  private static byte[] hex(String s) {
    return HexFormat.of().parseHex(s);
  }

  private static Inet6Address v6(String literal) {
    try {
      return (Inet6Address) InetAddress.getByName(literal);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
