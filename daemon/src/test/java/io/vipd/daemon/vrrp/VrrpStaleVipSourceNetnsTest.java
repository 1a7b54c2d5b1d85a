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
 * A VIP left on the interface by an earlier run (keepalived's have no lifetime), listed before the
 * node's own address, is removed before vipd picks the adverts' source: taken for the node's
 * address, it would vanish with the removal, and a unicast instance, whose peers know it by that
 * address, would wait for it for ever while a lower-priority peer holds the VIP.
 */
@Tag("netns")
class VrrpStaleVipSourceNetnsTest {

  private static final Duration START = Duration.ofSeconds(10);

  @BeforeAll
  static void requireNamespaces() {
    NetnsRequirement.require("ip");
  }

  private static String unicast(NetnsLan lan, int priority, String vip, int peer) {
    return new InstanceHocon(61, priority, vip + "/32")
        .with("unicast { peers = [" + lan.ipv4(peer).getHostAddress() + "] }")
        .hocon();
  }

  @Test
  void aStaleVipListedFirstIsNotTakenForTheSource() throws Exception {
    try (VipCluster c = new VipCluster(237, 2)) {
      NetnsLan lan = c.lan();
      String vip = c.vip(1);
      String ns = lan.namespace(1);
      String self = lan.ipv4(1).getHostAddress();
      // the VIP an earlier run left (a /32, as keepalived adds them: deleting a /24 listed first
      // would take the node's address in the same subnet with it), then the node's own address
      lan.ip(ns, "addr", "del", self + "/24", "dev", NetnsLan.INTERFACE);
      lan.ip(ns, "addr", "add", vip + "/32", "dev", NetnsLan.INTERFACE); // keepalived's default
      lan.ip(ns, "addr", "add", self + "/24", "dev", NetnsLan.INTERFACE);

      c.startVipd(1, unicast(lan, 200, vip, 2));
      c.node(1).awaitOutput("removed stale VIP", START);
      c.startVipd(2, unicast(lan, 100, vip, 1));

      c.awaitHolders(vip, Set.of(1), START);
      c.assertStable(vip, Set.of(1), Duration.ofSeconds(1));
    }
  }
}
