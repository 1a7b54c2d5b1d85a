package io.vipd.daemon.vrrp;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vipd.daemon.testing.VipCluster;
import io.vipd.vrrp.linux.NetnsLan;
import io.vipd.vrrp.linux.NetnsRequirement;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The master's VRRP interface is deleted and created again under the same name (a network manager
 * rebuilding it), as keepalived survives it: the backup takes over; the old master stays in FAULT
 * while the new interface lacks its address (with sockets bound to the deleted interface, or no
 * address to send from, it would be a deaf or mute master: two masters), then reopens its sockets
 * on the new interface and, having the higher priority, takes the VIP back. If the interface comes
 * back with another address, it advertises from that one.
 */
@Tag("netns")
class VrrpInterfaceRecreatedNetnsTest {

  private static final Duration START = Duration.ofSeconds(15);

  @BeforeAll
  static void requireNamespaces() {
    NetnsRequirement.require("ip");
  }

  @Test
  void aRecreatedInterfaceGetsNewSocketsOnceItHasItsAddressAgain() throws Exception {
    try (VipCluster c = new VipCluster(230, 2)) {
      NetnsLan lan = c.lan();
      String vip = masterAndBackup(c, 58);

      recreateEth0(c, lan);
      String ns = lan.namespace(1);

      c.awaitHolders(vip, Set.of(2), Duration.ofSeconds(3));
      c.node(1).awaitOutput("was deleted and created again", Duration.ofSeconds(5));
      c.node(1).awaitOutput("waiting for it to reopen its sockets", Duration.ofSeconds(5));
      // No address yet: a master now would be deaf or mute and keep the VIP beside node 2.
      c.assertStable(vip, Set.of(2), Duration.ofSeconds(2));

      lan.ip(ns, "addr", "add", lan.ipv4(1).getHostAddress() + "/24", "dev", "eth0");
      c.node(1).awaitOutput("sockets reopened on it", Duration.ofSeconds(5));
      // Node 1 (priority 150, preempting) hears node 2 again and takes the VIP back; node 2
      // hears it and steps down: one holder.
      c.awaitHolders(vip, Set.of(1), Duration.ofSeconds(5));
      c.assertStable(vip, Set.of(1), Duration.ofSeconds(2));
    }
  }

  /**
   * The interface comes back with another address (a DHCP lease, a renumbered node), as keepalived
   * takes an interface's new primary address: the instance advertises from the new one, and node 2
   * hears it from there.
   */
  @Test
  void aRecreatedInterfaceWithAnotherAddressAdvertisesFromIt() throws Exception {
    try (VipCluster c = new VipCluster(231, 2)) {
      NetnsLan lan = c.lan();
      String vip = masterAndBackup(c, 59);

      recreateEth0(c, lan);
      c.awaitHolders(vip, Set.of(2), Duration.ofSeconds(3));
      c.node(1).awaitOutput("waiting for it to reopen its sockets", Duration.ofSeconds(5));

      byte[] b = lan.ipv4(1).getAddress();
      b[3] += 100;
      String renumbered = InetAddress.getByAddress(b).getHostAddress();
      lan.ip(lan.namespace(1), "addr", "add", renumbered + "/24", "dev", "eth0");
      c.node(1)
          .awaitOutput("advertising from its new address " + renumbered, Duration.ofSeconds(5));
      c.node(2)
          .awaitOutput(
              "higher priority advertisement from " + renumbered + " (prio 150)",
              Duration.ofSeconds(5));
      c.awaitHolders(vip, Set.of(1), Duration.ofSeconds(5));
      c.assertStable(vip, Set.of(1), Duration.ofSeconds(2));
    }
  }

  /**
   * The master's interface, still up, loses the address its adverts are sent from (removed by hand,
   * a lost DHCP lease): as keepalived, it goes to FAULT and gives up the VIP rather than stay a
   * mute master beside the backup that takes over; given another address, it advertises from it and
   * takes the VIP back.
   */
  @Test
  void aMasterThatLosesItsAddressGoesToFaultAndComesBackWithAnother() throws Exception {
    try (VipCluster c = new VipCluster(232, 2)) {
      NetnsLan lan = c.lan();
      String vip = masterAndBackup(c, 60);
      String ns = lan.namespace(1);

      lan.ip(ns, "addr", "del", lan.ipv4(1).getHostAddress() + "/24", "dev", "eth0");
      c.node(1).awaitOutput("lost its address " + lan.ipv4(1).getHostAddress(), START);
      c.node(1).awaitOutput("(VI_1) Entering FAULT STATE", Duration.ofSeconds(3));
      c.awaitHolders(vip, Set.of(2), Duration.ofSeconds(5));
      c.assertStable(vip, Set.of(2), Duration.ofSeconds(1));

      byte[] b = lan.ipv4(1).getAddress();
      b[3] += 100;
      String renumbered = InetAddress.getByAddress(b).getHostAddress();
      lan.ip(ns, "addr", "add", renumbered + "/24", "dev", "eth0");
      c.node(1)
          .awaitOutput("advertising from its new address " + renumbered, Duration.ofSeconds(5));
      c.awaitHolders(vip, Set.of(1), Duration.ofSeconds(5));
      c.assertStable(vip, Set.of(1), Duration.ofSeconds(2));
    }
  }

  /**
   * vipd starts before the instance's interface exists (a VLAN or bond configured later): as
   * keepalived, it starts the instance in FAULT instead of refusing to start, and once the
   * interface is up with an address, the instance advertises from it and, alone, takes the VIP.
   */
  @Test
  void anInstanceWhoseInterfaceIsMissingAtStartWaitsInFaultAndRunsOnceItIsThere() throws Exception {
    try (VipCluster c = new VipCluster(233, 1)) {
      NetnsLan lan = c.lan();
      String vip = c.vip(1);
      String ns = lan.namespace(1);
      c.startVipd(
          1,
          new InstanceHocon(61, 150, vip + "/24")
              .hocon()
              .replace("interface = eth0", "interface = eth1"));
      c.node(1).awaitOutput("starts in FAULT and waits for it", START);
      c.node(1).awaitOutput("(VI_1) Entering FAULT STATE", Duration.ofSeconds(5));
      Thread.sleep(1500);
      assertFalse(addresses(lan, ns, "eth1").contains(vip), "no interface, no VIP");

      lan.ip(ns, "link", "add", "eth1", "type", "veth", "peer", "name", "eth1p");
      lan.ip(ns, "addr", "add", "10.99.233.11/24", "dev", "eth1");
      lan.ip(ns, "link", "set", "eth1p", "up");
      lan.ip(ns, "link", "set", "eth1", "up");
      c.node(1)
          .awaitOutput("advertising from its new address 10.99.233.11", Duration.ofSeconds(10));
      c.node(1).awaitOutput("(VI_1) Entering MASTER STATE", Duration.ofSeconds(10));
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (!addresses(lan, ns, "eth1").contains(" " + vip + "/")
          && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertTrue(addresses(lan, ns, "eth1").contains(" " + vip + "/"), addresses(lan, ns, "eth1"));
    }
  }

  private static String addresses(NetnsLan lan, String ns, String dev) throws Exception {
    try {
      return lan.ip(ns, "-o", "addr", "show", "dev", dev);
    } catch (java.io.IOException | RuntimeException e) {
      return ""; // no such device yet
    }
  }

  /** Node 1 (priority 150) holds the VIP, node 2 (100) backs it up; returns the VIP. */
  private static String masterAndBackup(VipCluster c, int vrid) throws Exception {
    String vip = c.vip(1);
    c.startVipd(1, new InstanceHocon(vrid, 150, vip + "/24").hocon());
    c.awaitHolders(vip, Set.of(1), START);
    c.startVipd(2, new InstanceHocon(vrid, 100, vip + "/24").hocon());
    c.assertStable(vip, Set.of(1), Duration.ofMillis(500));
    return vip;
  }

  /** Deletes node 1's eth0 (its veth peer on the bridge goes with it) and builds it again. */
  private static void recreateEth0(VipCluster c, NetnsLan lan) throws Exception {
    String br = lan.bridgeNamespace();
    lan.ip(br, "link", "del", lan.bridgePort(1));
    c.node(1).awaitOutput("(VI_1) Entering FAULT STATE", Duration.ofSeconds(3));
    lan.ip(
        br,
        "link",
        "add",
        lan.bridgePort(1),
        "type",
        "veth",
        "peer",
        "name",
        "eth0",
        "netns",
        lan.namespace(1));
    lan.ip(br, "link", "set", lan.bridgePort(1), "master", "br0", "up");
    lan.ip(lan.namespace(1), "link", "set", "eth0", "up");
  }
}
