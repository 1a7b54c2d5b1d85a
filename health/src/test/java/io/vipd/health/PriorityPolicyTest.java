package io.vipd.health;

import static io.vipd.health.HealthState.DOWN;
import static io.vipd.health.HealthState.UNKNOWN;
import static io.vipd.health.HealthState.UP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class PriorityPolicyTest {

  private static int priority(int base, TrackedCheck... tracked) {
    return PriorityPolicy.evaluate(base, List.of(tracked)).priority();
  }

  @Test
  void negativeWeightSubtractsOnlyWhileFailing() {
    assertEquals(81, priority(101, TrackedCheck.check("apiserver", -20, DOWN)));
    assertEquals(101, priority(101, TrackedCheck.check("apiserver", -20, UP)));
  }

  @Test
  void positiveWeightAddsOnlyWhilePassing() {
    assertEquals(110, priority(100, TrackedCheck.check("apiserver", 10, UP)));
    assertEquals(100, priority(100, TrackedCheck.check("apiserver", 10, DOWN)));
  }

  @Test
  void unknownContributesNothingAndNoFault() {
    EffectivePriority p =
        PriorityPolicy.evaluate(
            100,
            List.of(
                TrackedCheck.check("a", -20, UNKNOWN),
                TrackedCheck.check("b", 20, UNKNOWN),
                TrackedCheck.check("c", 0, UNKNOWN)));
    assertEquals(100, p.priority());
    assertFalse(p.fault());
  }

  @Test
  void weightZeroFailingMeansFault() {
    EffectivePriority p =
        PriorityPolicy.evaluate(100, List.of(TrackedCheck.check("flag", 0, DOWN)));
    assertTrue(p.fault());
    assertEquals(100, p.priority());
    assertEquals("base 100, check flag failed (FAULT) -> 100, FAULT", p.breakdown());
    assertFalse(PriorityPolicy.evaluate(100, List.of(TrackedCheck.check("flag", 0, UP))).fault());
  }

  @Test
  void kubeadmGuideTrapSmallGapFailsOver() {
    // kubeadm docs/ha-considerations.md: MASTER 101, BACKUP 100, weight -2.
    int failedMaster = priority(101, TrackedCheck.check("check_apiserver", -2, DOWN));
    int healthyBackup = priority(100, TrackedCheck.check("check_apiserver", -2, UP));
    assertEquals(99, failedMaster);
    assertTrue(failedMaster < healthyBackup, "the backup must win: 99 < 100");
  }

  @Test
  void kubeadmGuideTrapLargerGapSilentlyDisablesFailover() {
    int failedMaster = priority(110, TrackedCheck.check("check_apiserver", -2, DOWN));
    int healthyBackup = priority(100, TrackedCheck.check("check_apiserver", -2, UP));
    assertEquals(108, failedMaster);
    assertTrue(failedMaster > healthyBackup, "no failover: 108 > 100");
  }

  @Test
  void clampsToOneAnd254() {
    EffectivePriority low =
        PriorityPolicy.evaluate(10, List.of(TrackedCheck.check("apiserver", -200, DOWN)));
    assertEquals(1, low.priority());
    assertEquals(
        "base 10, check apiserver failed (-200) -> 1 (clamped from -190)", low.breakdown());
    assertEquals(254, priority(250, TrackedCheck.check("x", 100, UP)));
  }

  @Test
  void ownerKeeps255WhateverTheWeightsButStillFaults() {
    assertEquals(255, priority(255, TrackedCheck.check("apiserver", -50, DOWN)));
    EffectivePriority p =
        PriorityPolicy.evaluate(255, List.of(TrackedCheck.check("flag", 0, DOWN)));
    assertEquals(255, p.priority());
    assertTrue(p.fault());
  }

  @Test
  void weightsAddUpAndTheBreakdownListsEveryTracker() {
    EffectivePriority p =
        PriorityPolicy.evaluate(
            100,
            List.of(
                TrackedCheck.check("apiserver", -20, DOWN),
                TrackedCheck.check("haproxy", 5, UP),
                new TrackedCheck("interface eth0", -30, UP),
                TrackedCheck.check("script", -10, UNKNOWN)));
    assertEquals(85, p.priority());
    assertFalse(p.fault());
    assertEquals(
        "base 100, check apiserver failed (-20), check haproxy ok (+5),"
            + " interface eth0 ok (0), check script pending (0) -> 85",
        p.breakdown());
  }

  @Test
  void rejectsOutOfRangeInput() {
    assertThrows(IllegalArgumentException.class, () -> TrackedCheck.check("x", 254, UP));
    assertThrows(IllegalArgumentException.class, () -> TrackedCheck.check("x", -254, UP));
    assertThrows(IllegalArgumentException.class, () -> PriorityPolicy.evaluate(0, List.of()));
    assertThrows(IllegalArgumentException.class, () -> PriorityPolicy.evaluate(256, List.of()));
  }
}
