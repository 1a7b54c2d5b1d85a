package io.vipd.daemon.vrrp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vipd.daemon.testing.VipCluster;
import io.vipd.vrrp.linux.NetnsLan;
import io.vipd.vrrp.linux.NetnsRequirement;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Split brain and its healing, with real vipd processes (VRRPv3, adverts every 100 ms) on nodes 1
 * and 2 and a client on node 3: the master's bridge port is detached, so both nodes hold the VIP;
 * when it is attached again exactly one keeps it, the one RFC 5798 6.4.3 says wins (higher
 * priority, or equal priority and higher primary address), and the loser's VIP is gone.
 *
 * <p>Bounds: a split is seen within {@link #FAILOVER} (Master_Down_Interval is about 0.4 s); the
 * heal must converge within {@link #HEAL}, a few advert intervals plus slack for a loaded machine.
 */
@Tag("netns")
class VrrpSplitBrainNetnsTest {

  private static final Duration START = Duration.ofSeconds(10);
  private static final Duration FAILOVER = Duration.ofSeconds(3);
  private static final Duration HEAL = Duration.ofSeconds(2);
  private static final int CLIENT = 3;
  private static final int ROUNDS = 4;

  @BeforeAll
  static void requireNamespaces() {
    NetnsRequirement.require("ip", "ping");
  }

  @Test
  void healedSplitLeavesTheHigherPriorityMasterEvenWithTheLowerAddress() throws Exception {
    // Node 1 (lower address, higher priority) is master and is cut off; node 2 takes over; on the
    // heal priority decides: node 1 keeps the VIP.
    try (VipCluster c = new VipCluster(215, 2)) {
      splitAndHeal(c, 200, 100, 1, "higher priority advertisement from ");
    }
  }

  @Test
  void healedSplitWithEqualPrioritiesLeavesTheHigherAddress() throws Exception {
    // Node 1 is master first (an equal-priority backup does not preempt, RFC 5798 6.4.2) and is
    // cut off; node 2 takes over; on the heal the higher address decides: node 2 keeps the VIP.
    try (VipCluster c = new VipCluster(216, 2)) {
      splitAndHeal(c, 100, 100, 2, "equal priority advertisement from higher address ");
    }
  }

  /**
   * Runs vipd on node 1, then, once it is master, on node 2, with the given priorities; cuts node 1
   * off, waits for both to hold the VIP, heals, and asserts that only {@code winner} holds it and
   * that the loser logged stepping down for {@code loserReason}.
   */
  private static void splitAndHeal(
      VipCluster c, int priority1, int priority2, int winner, String loserReason) throws Exception {
    NetnsLan lan = c.lan();
    String vip = c.vip(1);
    int loser = 3 - winner;
    c.startVipd(1, new InstanceHocon(56, priority1, vip + "/24").hocon());
    c.awaitHolders(vip, Set.of(1), START);
    c.startVipd(2, new InstanceHocon(56, priority2, vip + "/24").hocon());
    c.assertStable(vip, Set.of(1), Duration.ofMillis(800));

    LanProbes.cut(lan, 1);
    c.awaitHolders(vip, Set.of(1, 2), FAILOVER);
    // Both stay master while split: neither hears the other.
    c.assertStable(vip, Set.of(1, 2), Duration.ofSeconds(1));

    LanProbes.heal(lan, 1);
    c.awaitHolders(vip, Set.of(winner), HEAL);
    c.assertStable(vip, Set.of(winner), Duration.ofSeconds(1));
    assertTrue(
        c.node(loser)
            .stdout()
            .contains(
                "(VI_1) Entering BACKUP STATE ("
                    + loserReason
                    + lan.ipv4(winner).getHostAddress()
                    + " (prio "
                    + (winner == 1 ? priority1 : priority2)
                    + "))"),
        "the loser steps down for the RFC's reason\n" + c.logs());
    String winnerLog = c.node(winner).stdout();
    assertEquals(
        1,
        VipCluster.count(winnerLog, "(VI_1) Entering MASTER STATE"),
        "the winner became master once and never stepped down\n" + c.logs());
  }

  /**
   * After the heal the client's neighbour entry for the VIP, moved to the loser's MAC by the
   * loser's gratuitous ARP during the split, points at the winner again within {@link #HEAL}
   * without the client sending anything (its own ARP re-resolution takes 5 s or more), and the
   * client reaches the VIP at once. Several rounds, because which master hears the other first
   * after a heal is a race.
   */
  @Test
  void afterTheHealTheClientIsSentBackToTheWinnerAtOnce() throws Exception {
    try (VipCluster c = new VipCluster(217, 3)) {
      NetnsLan lan = c.lan();
      String vip = c.vip(1);
      c.startVipd(1, new InstanceHocon(57, 200, vip + "/24").hocon());
      c.awaitHolders(vip, Set.of(1), START);
      c.startVipd(2, new InstanceHocon(57, 100, vip + "/24").hocon());
      assertEquals(0, lan.exec(CLIENT, "ping", "-c", "1", "-W", "2", vip).exitCode(), c.logs());
      for (int round = 1; round <= ROUNDS; round++) {
        LanProbes.awaitNeighbour(lan, CLIENT, vip, LanProbes.mac(lan, 1), FAILOVER);
        LanProbes.cut(lan, 1);
        c.awaitHolders(vip, Set.of(1, 2), FAILOVER);
        LanProbes.awaitNeighbour(lan, CLIENT, vip, LanProbes.mac(lan, 2), FAILOVER);

        LanProbes.heal(lan, 1);
        c.awaitHolders(vip, Set.of(1), HEAL);
        try {
          LanProbes.awaitNeighbour(lan, CLIENT, vip, LanProbes.mac(lan, 1), HEAL);
        } catch (AssertionError e) {
          throw new AssertionError("round " + round + ": " + e.getMessage() + "\n" + c.logs(), e);
        }
        assertEquals(
            0,
            lan.exec(CLIENT, "ping", "-c", "1", "-W", "1", vip).exitCode(),
            "round " + round + ": the client reaches the VIP right after the heal\n" + c.logs());
      }
    }
  }
}
