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
 * Unicast VRRP ({@code unicast { source, peers }}) between real vipd processes (VRRPv3, adverts
 * every 100 ms): nodes 1 and 2 are each other's peers; node 3, a stranger with the same VRID and a
 * higher priority, sends them unicast adverts that they must drop (its address is not in their
 * peers), so it does not take the VIP from them; a SIGKILLed master is replaced by its peer.
 */
@Tag("netns")
class VrrpUnicastNetnsTest {

  private static final Duration START = Duration.ofSeconds(10);
  private static final Duration FAILOVER = Duration.ofSeconds(3);

  /** The killed master's VIP expires with its 3 s lifetime. */
  private static final Duration VIP_EXPIRY = Duration.ofSeconds(6);

  @BeforeAll
  static void requireNamespaces() {
    NetnsRequirement.require("ip");
  }

  private static String unicast(NetnsLan lan, int priority, String vip, int self, int... peers) {
    StringBuilder list = new StringBuilder();
    for (int peer : peers) {
      list.append(list.length() == 0 ? "" : ", ").append(lan.ipv4(peer).getHostAddress());
    }
    return new InstanceHocon(60, priority, vip + "/24")
        .with(
            "unicast { source = " + lan.ipv4(self).getHostAddress() + ", peers = [" + list + "] }")
        .hocon();
  }

  @Test
  void peersIgnoreAStrangerAndFailOverOnKill() throws Exception {
    try (VipCluster c = new VipCluster(227, 3)) {
      NetnsLan lan = c.lan();
      String vip = c.vip(1);
      c.startVipd(1, unicast(lan, 100, vip, 1, 2));
      c.startVipd(2, unicast(lan, 150, vip, 2, 1));
      c.awaitHolders(vip, Set.of(2), START);
      c.assertStable(vip, Set.of(2), Duration.ofMillis(800));

      // The stranger hears nobody (no one sends to it) and becomes master; its priority-200
      // adverts reach nodes 1 and 2 but are dropped there, so node 2 stays master.
      c.startVipd(3, unicast(lan, 200, vip, 3, 1, 2));
      c.awaitHolders(vip, Set.of(2, 3), START);
      c.assertStable(vip, Set.of(2, 3), Duration.ofSeconds(1));
      c.node(1).awaitOutput("(VI_1) advertisement dropped: NOT_A_PEER", FAILOVER);
      c.node(2).awaitOutput("(VI_1) advertisement dropped: NOT_A_PEER", FAILOVER);

      LanProbes.kill9(c.node(2));
      LanProbes.awaitHolding(c, vip, 1, FAILOVER);
      c.awaitHolders(vip, Set.of(1, 3), VIP_EXPIRY);
      c.node(1).awaitOutput("(VI_1) Entering MASTER STATE (master down timer expired)", FAILOVER);
    }
  }
}
