package io.vipd.vrrp.linux;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vipd.vrrp.port.VirtualAddress;
import java.net.InetAddress;
import java.util.HexFormat;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A virtual address on another device than the instance's ({@code dev} in its line) is announced on
 * that device, from its MAC, as keepalived does: node 2, which reaches it over a second link,
 * learns it there. It used to go out on the instance's interface with that interface's MAC, and
 * hosts behind the second link kept the old master's MAC after a failover.
 */
@Tag("netns")
class DeviceAnnouncersNetnsTest {

  private static final String IF = NetnsLan.INTERFACE;
  private static final String SECOND = "vb1";
  private static final String PEER = "vb2";
  private static final String STALE_MAC = "02:00:00:00:00:99";
  private static NetnsLan lan;

  @BeforeAll
  static void createLan() throws Exception {
    NetnsRequirement.require();
    lan = NetnsLan.create(205, 2);
    // a second link between the two nodes, beside the LAN
    lan.exec(1, "ip", "link", "add", SECOND, "type", "veth", "peer", "name", PEER).orThrow();
    lan.exec(1, "ip", "link", "set", PEER, "netns", lan.namespace(2)).orThrow();
    lan.exec(1, "ip", "addr", "add", "198.51.100.1/24", "dev", SECOND).orThrow();
    lan.exec(2, "ip", "addr", "add", "198.51.100.2/24", "dev", PEER).orThrow();
    lan.exec(1, "ip", "link", "set", SECOND, "up").orThrow();
    lan.exec(2, "ip", "link", "set", PEER, "up").orThrow();
  }

  @AfterAll
  static void removeLan() {
    if (lan != null) {
      lan.close();
    }
  }

  @Test
  void anAddressOnAnotherDeviceIsAnnouncedThereFromItsMac() throws Exception {
    InetAddress vip = InetAddress.getByName("198.51.100.100");
    String secondMac =
        lan.exec(1, "cat", "/sys/class/net/" + SECOND + "/address").orThrow().strip();
    lan.exec(
            2,
            "ip",
            "neigh",
            "replace",
            "198.51.100.100",
            "lladdr",
            STALE_MAC,
            "dev",
            PEER,
            "nud",
            "stale")
        .orThrow();
    VirtualAddress onSecond = new VirtualAddress(vip, 24, SECOND, Optional.empty());
    lan.inNode(
        1,
        () -> { // the device is opened when first announced on: in node 1, as vipd runs there
          try (DeviceAnnouncers announcers = DeviceAnnouncers.open(IF)) {
            announcers.announce(onSecond);
          }
          return null;
        });
    String neigh = "";
    for (int i = 0; i < 80 && !neigh.contains(secondMac); i++) {
      neigh = lan.exec(2, "ip", "neigh", "show", "198.51.100.100", "dev", PEER).orThrow();
      Thread.sleep(25);
    }
    assertTrue(neigh.contains(secondMac), "node 2's entry on the second link: " + neigh);
    assertTrue(!secondMac.equals(HexFormat.ofDelimiter(":").formatHex(lan.mac(1))), "two MACs");
  }
}
