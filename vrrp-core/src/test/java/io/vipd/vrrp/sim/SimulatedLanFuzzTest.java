package io.vipd.vrrp.sim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Thousands of seeded random schedules on the simulated LAN (see {@link RandomScenario} for the
 * invariant). {@code -Dvipd.sim.seed=N} replays only seed N, with a trace of its last events;
 * {@code -Dvipd.sim.seeds=K} changes how many seeds a run covers (default 3000, seeds 1..K).
 */
class SimulatedLanFuzzTest {

  private static final int DEFAULT_SEEDS = 3000;
  private static final List<String> FEATURES =
      List.of(
          "2 routers",
          "3 routers",
          "4 routers",
          "5 routers",
          "V2",
          "V3",
          "IPv4",
          "IPv6",
          "unicast",
          "multicast",
          "preempt",
          "nopreempt",
          "preempt delay",
          "owner",
          "password",
          "mixed intervals",
          "initial master");

  @Test
  void everyScheduleConvergesToTheRightSingleMaster() {
    String replay = System.getProperty("vipd.sim.seed");
    if (replay != null) {
      new RandomScenario(Long.parseLong(replay)).run(true);
      return;
    }
    int seeds = Integer.getInteger("vipd.sim.seeds", DEFAULT_SEEDS);
    assertTrue(seeds > 0, "vipd.sim.seeds must be positive");
    long maxSteps = 0;
    long steps = 0;
    long transitions = 0;
    long simulatedNanos = 0;
    int withoutMaster = 0;
    Map<String, Integer> coverage = new TreeMap<>();
    for (long seed = 1; seed <= seeds; seed++) {
      try {
        RandomScenario scenario = new RandomScenario(seed);
        scenario.features().forEach(f -> coverage.merge(f, 1, Integer::sum));
        RandomScenario.Outcome o = scenario.run(false);
        maxSteps = Math.max(maxSteps, o.steps());
        steps += o.steps();
        transitions += o.transitions();
        simulatedNanos += o.simulatedNanos();
        withoutMaster += o.masters() == 0 ? 1 : 0;
      } catch (AssertionError first) { // RandomScenario wraps every failure in one
        // Deterministic: the replay fails the same way, this time with the event trace.
        new RandomScenario(seed).run(true);
        throw first;
      }
    }
    System.out.printf(
        "%d schedules, %.0f h simulated, %d events (max %d in one), %d transitions,"
            + " %d ended with no eligible router%n",
        seeds, simulatedNanos / 3.6e12, steps, maxSteps, transitions, withoutMaster);
    System.out.println("coverage: " + coverage);
    if (seeds >= 1000) {
      // Guards the generator itself: every kind of configuration must really be drawn.
      for (String feature : FEATURES) {
        int runs = coverage.getOrDefault(feature, 0);
        assertTrue(runs >= seeds / 50, feature + " covered by only " + runs + " schedules");
      }
      assertTrue(withoutMaster > 0, "no schedule ended without an eligible router");
    }
  }
}
