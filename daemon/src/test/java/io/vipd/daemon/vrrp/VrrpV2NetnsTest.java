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
 * VRRPv2 (RFC 3768) between real vipd processes, adverts every second as keepalived users run it:
 * failover on SIGKILL, and PASS authentication where a wrong password splits the group.
 *
 * <p>Bounds: Master_Down_Interval is 3 s plus Skew_Time (at most 1 s), so an election or failover
 * is given {@link #FAILOVER} = 8 s; a SIGKILLed master's VIP expires with its 3 s lifetime within
 * that too.
 */
@Tag("netns")
class VrrpV2NetnsTest {

  private static final Duration START = Duration.ofSeconds(15);
  private static final Duration FAILOVER = Duration.ofSeconds(8);

  /** Longer than node 1's Master_Down_Interval (3 s + 0.61 s), counted from its start. */
  private static final Duration BEYOND_MASTER_DOWN = Duration.ofMillis(4500);

  @BeforeAll
  static void requireNamespaces() {
    NetnsRequirement.require("ip");
  }

  private static InstanceHocon v2(int priority, String vip, String password) {
    InstanceHocon h =
        new InstanceHocon(59, priority, vip + "/24").advertInterval("1s").with("version = 2");
    return password == null
        ? h
        : h.with("authentication { type = pass, password = \"" + password + "\" }");
  }

  @Test
  void backupTakesOverWhenTheMasterIsKilled() throws Exception {
    try (VipCluster c = new VipCluster(225, 2)) {
      String vip = c.vip(1);
      c.startVipd(2, v2(150, vip, null).hocon());
      c.startVipd(1, v2(100, vip, null).hocon());
      long started1 = System.nanoTime();
      c.awaitHolders(vip, Set.of(2), START);
      // Node 1 accepts node 2's v2 adverts: it stays backup past its own Master_Down_Interval.
      c.assertStable(vip, Set.of(2), remaining(started1, BEYOND_MASTER_DOWN));

      LanProbes.kill9(c.node(2));
      LanProbes.awaitHolding(c, vip, 1, FAILOVER);
      c.awaitHolders(vip, Set.of(1), FAILOVER);
      c.node(1).awaitOutput("(VI_1) Entering MASTER STATE (master down timer expired)", FAILOVER);
    }
  }

  @Test
  void aWrongPasswordSplitsTheGroupAndIsLogged() throws Exception {
    try (VipCluster c = new VipCluster(226, 2)) {
      String vip = c.vip(1);
      c.startVipd(2, v2(150, vip, "s3cret").hocon());
      c.startVipd(1, v2(100, vip, "wr0ngpw").hocon());
      // Node 1 drops node 2's adverts, so both are master.
      c.awaitHolders(vip, Set.of(1, 2), START);
      c.assertStable(vip, Set.of(1, 2), Duration.ofMillis(1500));
      c.node(1).awaitOutput("(VI_1) advertisement dropped: AUTH_MISMATCH", FAILOVER);
      // Node 2 drops node 1's adverts once node 1 sends them as master.
      c.node(2).awaitOutput("(VI_1) advertisement dropped: AUTH_MISMATCH", FAILOVER);
      String logs = c.logs();
      assertTrue(!logs.contains("s3cret") && !logs.contains("wr0ngpw"), "passwords never logged");
    }
  }

  private static Duration remaining(long sinceNanos, Duration total) {
    long left = total.toNanos() - (System.nanoTime() - sinceNanos);
    return Duration.ofNanos(Math.max(0, left));
  }
}
