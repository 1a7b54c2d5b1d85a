package io.vipd.vrrp.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vipd.vrrp.port.ReceivedDatagram;
import java.net.InetAddress;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** RawVrrpSocket between two namespaces on one bridge. */
@Tag("netns")
class RawVrrpSocketNetnsTest {

  private static final String IF = NetnsLan.INTERFACE;
  private static final long WAIT_NANOS = 2_000_000_000L;
  // VRRPv3 advert for VRID 51, prio 101, 1 s, one address; checksum deliberately arbitrary: the
  // socket layer must neither check nor rewrite it.
  private static final byte[] ADVERT = HexFormat.of().parseHex("3133650100641234" + "0a4d0032");

  private static NetnsLan lan;

  @BeforeAll
  static void createLan() throws Exception {
    NetnsRequirement.require();
    lan = NetnsLan.create(200, 2);
  }

  @AfterAll
  static void removeLan() {
    if (lan != null) {
      lan.close();
    }
  }

  @Test
  void ipv4MulticastArrivesWithTtl255AndTosC0() throws Exception {
    try (RawVrrpSocket s1 = lan.inNode(1, () -> RawVrrpSocket.openIpv4(IF, lan.ipv4(1), true));
        RawVrrpSocket s2 = lan.inNode(2, () -> RawVrrpSocket.openIpv4(IF, lan.ipv4(2), true));
        PacketCapture wire = lan.inNode(2, () -> PacketCapture.open(IF))) {
      s1.send(ADVERT, RawVrrpSocket.IPV4_GROUP);

      ReceivedDatagram d = s2.receive(WAIT_NANOS);
      assertNotNull(d, "advert not received in ns2");
      assertArrayEquals(ADVERT, d.payload(), "payload is the VRRP message only, unchanged");
      assertEquals(lan.ipv4(1), d.ip().source());
      assertEquals(RawVrrpSocket.IPV4_GROUP, d.ip().destination());
      assertEquals(255, d.ip().ttl());

      byte[] frame = wire.await(f -> PacketCapture.isIpv4(f, 112), 2000);
      assertNotNull(frame, "no VRRP frame on the wire");
      assertEquals(0xc0, frame[15] & 0xff, "TOS");
      assertEquals(255, frame[22] & 0xff, "TTL");
      assertArrayEquals(
          HexFormat.of().parseHex("01005e000012"), java.util.Arrays.copyOf(frame, 6), "dst MAC");
      assertArrayEquals(lan.mac(1), java.util.Arrays.copyOfRange(frame, 6, 12), "src MAC");

      assertNull(s1.receive(100_000_000L), "multicast loop is off: no copy of our own advert");
    }
  }

  @Test
  void ipv4UnicastToPeerWithoutGroupMembership() throws Exception {
    try (RawVrrpSocket s1 = lan.inNode(1, () -> RawVrrpSocket.openIpv4(IF, lan.ipv4(1), false));
        RawVrrpSocket s2 = lan.inNode(2, () -> RawVrrpSocket.openIpv4(IF, lan.ipv4(2), false));
        PacketCapture wire = lan.inNode(2, () -> PacketCapture.open(IF))) {
      s1.send(ADVERT, lan.ipv4(2));

      ReceivedDatagram d = s2.receive(WAIT_NANOS);
      assertNotNull(d, "unicast advert not received in ns2");
      assertArrayEquals(ADVERT, d.payload());
      assertEquals(lan.ipv4(1), d.ip().source());
      assertEquals(lan.ipv4(2), d.ip().destination());
      assertEquals(255, d.ip().ttl());
      byte[] frame = wire.await(f -> PacketCapture.isIpv4(f, 112), 2000);
      assertNotNull(frame);
      assertEquals(0xc0, frame[15] & 0xff, "TOS");
    }
  }

  @Test
  void ipv4SourceIsTheConfiguredAddressNotTheKernelChoice() throws Exception {
    InetAddress secondary = lan.spareIpv4(1);
    lan.ip(lan.namespace(1), "addr", "add", secondary.getHostAddress() + "/24", "dev", IF);
    try (RawVrrpSocket s1 =
            lan.inNode(
                1, () -> RawVrrpSocket.openIpv4(IF, (java.net.Inet4Address) secondary, false));
        RawVrrpSocket s2 = lan.inNode(2, () -> RawVrrpSocket.openIpv4(IF, lan.ipv4(2), true))) {
      s1.send(ADVERT, RawVrrpSocket.IPV4_GROUP);
      s1.send(ADVERT, lan.ipv4(2));
      ReceivedDatagram multicast = s2.receive(WAIT_NANOS);
      ReceivedDatagram unicast = s2.receive(WAIT_NANOS);
      assertNotNull(multicast);
      assertNotNull(unicast);
      assertEquals(secondary, multicast.ip().source());
      assertEquals(secondary, unicast.ip().source());
    } finally {
      lan.ip(lan.namespace(1), "addr", "del", secondary.getHostAddress() + "/24", "dev", IF);
    }
  }

  @Test
  void ipv6MulticastFromLinkLocalWithHopLimit255() throws Exception {
    try (RawVrrpSocket s1 =
            lan.inNode(1, () -> RawVrrpSocket.openIpv6(IF, lan.linkLocal(1), true));
        RawVrrpSocket s2 = lan.inNode(2, () -> RawVrrpSocket.openIpv6(IF, lan.linkLocal(2), true));
        PacketCapture wire = lan.inNode(2, () -> PacketCapture.open(IF))) {
      byte[] advert6 =
          HexFormat.of().parseHex("31336501006400fe" + "fd770000000000000000000000000050");
      s1.send(advert6, RawVrrpSocket.IPV6_GROUP);

      ReceivedDatagram d = s2.receive(WAIT_NANOS);
      assertNotNull(d, "IPv6 advert not received in ns2");
      assertArrayEquals(advert6, d.payload(), "the kernel left the checksum alone");
      assertEquals(lan.linkLocal(1), d.ip().source());
      assertEquals(RawVrrpSocket.IPV6_GROUP, d.ip().destination());
      assertEquals(255, d.ip().ttl());

      byte[] frame = wire.await(f -> PacketCapture.isIpv6(f, 112), 2000);
      assertNotNull(frame, "no VRRP frame on the wire");
      int trafficClass = ((frame[14] & 0x0f) << 4) | ((frame[15] & 0xf0) >>> 4);
      assertEquals(0xc0, trafficClass, "traffic class");
      assertEquals(255, frame[21] & 0xff, "hop limit");
      assertArrayEquals(
          HexFormat.of().parseHex("333300000012"), java.util.Arrays.copyOf(frame, 6), "dst MAC");
      assertNull(s1.receive(100_000_000L), "multicast loop is off");
    }
  }

  @Test
  void ipv6UnicastToGlobalAddressOfPeer() throws Exception {
    try (RawVrrpSocket s1 =
            lan.inNode(1, () -> RawVrrpSocket.openIpv6(IF, lan.linkLocal(1), false));
        RawVrrpSocket s2 =
            lan.inNode(2, () -> RawVrrpSocket.openIpv6(IF, lan.linkLocal(2), false))) {
      s1.send(ADVERT, lan.ipv6(2));
      ReceivedDatagram d = s2.receive(WAIT_NANOS);
      assertNotNull(d, "IPv6 unicast advert not received");
      assertEquals(lan.linkLocal(1), d.ip().source());
      assertEquals(lan.ipv6(2), d.ip().destination());
      assertEquals(255, d.ip().ttl());
    }
  }

  @Test
  void receiveTimesOutWithNull() throws Exception {
    try (RawVrrpSocket s2 = lan.inNode(2, () -> RawVrrpSocket.openIpv4(IF, lan.ipv4(2), true))) {
      assertNull(s2.receive(50_000_000L));
      assertNull(s2.receive(0));
    }
  }

  @Test
  void unknownInterfaceIsNamedInTheError() throws Exception {
    SyscallException e =
        assertThrows(
            SyscallException.class,
            () -> lan.inNode(1, () -> RawVrrpSocket.openIpv4("nosuch0", lan.ipv4(1), true)));
    assertTrue(e.getMessage().contains("nosuch0"), e.getMessage());
    assertTrue(e.getMessage().contains("No such device"), e.getMessage());
  }

  @Test
  void sendingOnAClosedSocketFails() throws Exception {
    RawVrrpSocket s1 = lan.inNode(1, () -> RawVrrpSocket.openIpv4(IF, lan.ipv4(1), true));
    s1.close();
    s1.close();
    assertThrows(SyscallException.class, () -> s1.send(ADVERT, RawVrrpSocket.IPV4_GROUP));
  }
}
