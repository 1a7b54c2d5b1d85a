package io.vipd.daemon.vrrp;

import io.vipd.daemon.testing.VipCluster;
import io.vipd.vrrp.linux.NetnsLan;
import io.vipd.vrrp.linux.NetnsRequirement;
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
 * on the new interface and, having the higher priority, takes the VIP back.
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
      String vip = c.vip(1);
      c.startVipd(1, new InstanceHocon(58, 150, vip + "/24").hocon());
      c.awaitHolders(vip, Set.of(1), START);
      c.startVipd(2, new InstanceHocon(58, 100, vip + "/24").hocon());
      c.assertStable(vip, Set.of(1), Duration.ofMillis(500));

      // Delete node 1's eth0 (its veth peer on the bridge goes with it) and build it again.
      String br = lan.bridgeNamespace();
      lan.ip(br, "link", "del", lan.bridgePort(1));
      c.node(1).awaitOutput("(VI_1) Entering FAULT STATE", Duration.ofSeconds(3));
      String ns = lan.namespace(1);
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
          ns);
      lan.ip(br, "link", "set", lan.bridgePort(1), "master", "br0", "up");
      lan.ip(ns, "link", "set", "eth0", "up");

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
}
