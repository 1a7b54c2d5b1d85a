package io.vipd.vrrp.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vipd.vrrp.announce.GratuitousArpFrame;
import io.vipd.vrrp.announce.UnsolicitedNaFrame;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A GARP / unsolicited NA sent from node 1 reaches node 2 byte for byte, and updates node 2's
 * existing neighbour entry for the virtual address to node 1's MAC (what a takeover relies on).
 */
@Tag("netns")
class PacketSocketAnnouncerNetnsTest {

  private static final String IF = NetnsLan.INTERFACE;
  private static final String STALE_MAC = "02:00:00:00:00:99";
  private static NetnsLan lan;
  private static PacketSocketAnnouncer announcer;

  @BeforeAll
  static void createLan() throws Exception {
    NetnsRequirement.require();
    lan = NetnsLan.create(202, 2);
    announcer = lan.inNode(1, () -> PacketSocketAnnouncer.open(IF));
  }

  @AfterAll
  static void removeLan() throws Exception {
    try {
      if (announcer != null) {
        announcer.close();
      }
    } finally {
      if (lan != null) {
        lan.close();
      }
    }
  }

  @Test
  void usesTheInterfaceMac() {
    assertArrayEquals(lan.mac(1), announcer.macAddress());
  }

  @Test
  void gratuitousArpReachesPeerAndUpdatesItsNeighbourEntry() throws Exception {
    InetAddress vip = lan.spareIpv4(1);
    String mac1 = HexFormat.ofDelimiter(":").formatHex(lan.mac(1));
    staleEntryInNode2(vip);
    try (PacketCapture wire = lan.inNode(2, () -> PacketCapture.open(IF))) {
      announcer.announce(vip);
      byte[] frame = wire.await(f -> PacketCapture.etherType(f) == 0x0806, 2000);
      assertNotNull(frame, "no ARP frame seen in ns2");
      byte[] expected = GratuitousArpFrame.build(lan.mac(1), (java.net.Inet4Address) vip);
      assertArrayEquals(expected, Arrays.copyOf(frame, expected.length));
    }
    String neigh = awaitNeighbour(vip, mac1);
    assertTrue(neigh.contains(mac1), "ns2 neighbour entry not updated: " + neigh);
  }

  @Test
  void unsolicitedNaReachesPeerAndUpdatesItsNeighbourEntry() throws Exception {
    InetAddress vip = lan.spareIpv6(1);
    String mac1 = HexFormat.ofDelimiter(":").formatHex(lan.mac(1));
    staleEntryInNode2(vip);
    try (PacketCapture wire = lan.inNode(2, () -> PacketCapture.open(IF))) {
      announcer.announce(vip);
      byte[] frame = wire.await(f -> PacketCapture.isIpv6(f, 58) && (f[54] & 0xff) == 136, 2000);
      assertNotNull(frame, "no neighbour advertisement seen in ns2");
      byte[] expected = UnsolicitedNaFrame.build(lan.mac(1), (java.net.Inet6Address) vip);
      assertArrayEquals(expected, Arrays.copyOf(frame, expected.length));
    }
    String neigh = awaitNeighbour(vip, mac1);
    assertTrue(neigh.contains(mac1), "ns2 neighbour entry not updated: " + neigh);
  }

  /**
   * With IPv6 forwarding on its interface, the NA carries the Router flag, as keepalived's does:
   * node 2 marks the entry as a router's (hosts that route through the virtual address keep it).
   */
  @Test
  void aForwardingNodesNaMarksItsEntryAsARouters() throws Exception {
    InetAddress vip = lan.spareIpv6(2);
    String mac1 = HexFormat.ofDelimiter(":").formatHex(lan.mac(1));
    String forwarding = "net.ipv6.conf." + IF + ".forwarding";
    staleEntryInNode2(vip);
    lan.exec(1, "sysctl", "-qw", forwarding + "=1").orThrow();
    try {
      lan.inNode( // the setting is read in the announcer's namespace, as vipd runs in it
          1,
          () -> {
            announcer.announce(vip);
            return null;
          });
      String neigh = awaitNeighbour(vip, mac1);
      assertTrue(neigh.contains(mac1) && neigh.contains("router"), "ns2 entry: " + neigh);
    } finally {
      lan.exec(1, "sysctl", "-qw", forwarding + "=0").orThrow();
    }
  }

  /** Gives node 2 an entry for {@code vip} at a MAC nobody has, for an announcement to update. */
  private static void staleEntryInNode2(InetAddress vip) throws Exception {
    String family = vip instanceof java.net.Inet6Address ? "-6" : "-4";
    lan.exec(
            2,
            "ip",
            family,
            "neigh",
            "replace",
            vip.getHostAddress(),
            "lladdr",
            STALE_MAC,
            "dev",
            IF,
            "nud",
            "stale")
        .orThrow();
  }

  /** The kernel processes the frame asynchronously (softirq): allow it a moment. */
  private static String awaitNeighbour(InetAddress ip, String mac) throws Exception {
    String out = "";
    for (int i = 0; i < 40; i++) {
      out = lan.exec(2, "ip", "neigh", "show", ip.getHostAddress(), "dev", IF).orThrow();
      if (out.contains(mac)) {
        return out;
      }
      Thread.sleep(25);
    }
    return out;
  }
}
