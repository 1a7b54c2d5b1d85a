package io.vipd.daemon.vrrp;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vipd.daemon.testing.VipCluster;
import io.vipd.vrrp.linux.NetnsRequirement;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code preempt = false} (keepalived's {@code nopreempt}) with real vipd processes (VRRPv3,
 * adverts every 100 ms): a higher-priority backup that joins later leaves the VIP where it is (RFC
 * 5798 6.4.2: with Preempt_Mode False every advert resets its Master_Down_Timer), and takes it when
 * the master stops.
 */
@Tag("netns")
class VrrpNoPreemptNetnsTest {

  private static final Duration START = Duration.ofSeconds(10);
  private static final Duration FAILOVER = Duration.ofSeconds(3);

  /** Several Master_Down_Intervals (about 0.4 s each here) of the joined backup. */
  private static final Duration NO_PREEMPT_WATCH = Duration.ofMillis(1500);

  @BeforeAll
  static void requireNamespaces() {
    NetnsRequirement.require("ip");
  }

  @Test
  void aHigherPriorityBackupJoiningLaterWaitsUntilTheMasterStops() throws Exception {
    try (VipCluster c = new VipCluster(218, 2)) {
      String vip = c.vip(1);
      c.startVipd(1, new InstanceHocon(58, 100, vip + "/24").with("preempt = false").hocon());
      c.awaitHolders(vip, Set.of(1), START);

      c.startVipd(2, new InstanceHocon(58, 200, vip + "/24").with("preempt = false").hocon());
      c.assertStable(vip, Set.of(1), NO_PREEMPT_WATCH);
      String log2 = c.node(2).stdout();
      assertTrue(log2.contains("(VI_1) Entering BACKUP STATE (startup)"), c.logs());
      assertTrue(!log2.contains("Entering MASTER STATE"), "node 2 never preempted\n" + c.logs());

      // The master stops (priority 0): the waiting backup takes over.
      c.node(1).process().destroy();
      c.awaitHolders(vip, Set.of(2), FAILOVER);
      c.node(2).awaitOutput("(VI_1) Entering MASTER STATE", FAILOVER);
    }
  }
}
