package io.vipd.health;

import static io.vipd.health.HealthState.DOWN;
import static io.vipd.health.HealthState.UNKNOWN;
import static io.vipd.health.HealthState.UP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HealthTrackerTest {

  /** Feeds "+" (success) and "-" (failure) and returns the state after each result. */
  private static List<HealthState> feed(HealthTracker tracker, String results) {
    List<HealthState> states = new ArrayList<>();
    for (char c : results.toCharArray()) {
      if (c == '+') {
        tracker.onSuccess();
      } else if (c == '-') {
        tracker.onFailure();
      } else {
        throw new IllegalArgumentException(results);
      }
      states.add(tracker.state());
    }
    return states;
  }

  @Test
  void fullyUpGoesDownAfterExactlyFallConsecutiveFailures() {
    HealthTracker t = new HealthTracker(2, 3, InitialState.FULLY_UP);
    assertEquals(UP, t.state());
    assertEquals(4, t.health());
    assertEquals(List.of(UP, UP, DOWN), feed(t, "---"));
    assertEquals(0, t.health());
    assertEquals(3, t.consecutiveFailures());
  }

  @Test
  void oneSuccessInAFallingStreakRestoresFullHealth() {
    HealthTracker t = new HealthTracker(2, 3, InitialState.FULLY_UP);
    assertEquals(List.of(UP, UP, UP, UP, UP, DOWN), feed(t, "--+---"));
  }

  @Test
  void downNeedsExactlyRiseConsecutiveSuccessesAndAFailureRestartsTheClimb() {
    HealthTracker t = new HealthTracker(3, 2, InitialState.FULLY_DOWN);
    assertEquals(DOWN, t.state());
    assertEquals(List.of(DOWN, DOWN, DOWN, DOWN, DOWN, UP), feed(t, "++-+++"));
    assertEquals(4, t.health()); // rise + fall - 1
  }

  @Test
  void haproxyDefaultUpGoesDownOnTheFirstFailure() {
    HealthTracker t = new HealthTracker(2, 3, InitialState.UP);
    assertEquals(UP, t.state());
    assertTrue(t.isTransitioning());
    assertTrue(t.onFailure());
    assertEquals(DOWN, t.state());
  }

  @Test
  void haproxyDefaultUpReachesFullHealthAfterOneSuccess() {
    HealthTracker t = new HealthTracker(2, 3, InitialState.UP);
    assertFalse(t.onSuccess());
    assertFalse(t.isTransitioning());
    assertEquals(List.of(UP, UP, DOWN), feed(t, "---"));
  }

  @Test
  void downComesUpOnTheFirstSuccess() {
    HealthTracker t = new HealthTracker(3, 3, InitialState.DOWN);
    assertTrue(t.onSuccess());
    assertEquals(UP, t.state());
  }

  @Test
  void unknownIsDecidedByTheFirstResultEitherWay() {
    for (int rise = 1; rise <= 3; rise++) {
      HealthTracker ok = new HealthTracker(rise, 2, InitialState.UNKNOWN);
      assertEquals(UNKNOWN, ok.state());
      assertTrue(ok.isTransitioning());
      assertTrue(ok.onSuccess(), "rise " + rise);
      assertEquals(UP, ok.state());

      HealthTracker bad = new HealthTracker(rise, 2, InitialState.UNKNOWN);
      assertTrue(bad.onFailure(), "rise " + rise);
      assertEquals(DOWN, bad.state());
      assertTrue(bad.isFullyDown());
    }
  }

  @Test
  void reportsOnlyRealTransitions() {
    HealthTracker t = new HealthTracker(1, 1, InitialState.FULLY_UP);
    assertFalse(t.onSuccess());
    assertTrue(t.onFailure());
    assertFalse(t.onFailure());
    assertTrue(t.onSuccess());
    assertFalse(t.onSuccess());
  }

  @Test
  void riseOneFallOneFollowsEveryResult() {
    HealthTracker t = new HealthTracker(1, 1, InitialState.UNKNOWN);
    assertEquals(List.of(DOWN, UP, DOWN, DOWN, UP), feed(t, "-+--+"));
  }

  @Test
  void consecutiveCountersResetOnTheOtherOutcome() {
    HealthTracker t = new HealthTracker(2, 2, InitialState.FULLY_UP);
    feed(t, "---++");
    assertEquals(2, t.consecutiveSuccesses());
    assertEquals(0, t.consecutiveFailures());
  }

  @Test
  void transitioningAndFullyDownFollowTheCounter() {
    HealthTracker t = new HealthTracker(2, 2, InitialState.FULLY_DOWN);
    assertTrue(t.isFullyDown());
    assertFalse(t.isTransitioning());
    t.onSuccess();
    assertTrue(t.isTransitioning());
    assertFalse(t.isFullyDown());
    t.onSuccess();
    assertFalse(t.isTransitioning());
    t.onFailure();
    assertTrue(t.isTransitioning());
  }

  @Test
  void rejectsNonPositiveRiseOrFall() {
    assertThrows(IllegalArgumentException.class, () -> new HealthTracker(0, 1, InitialState.UP));
    assertThrows(IllegalArgumentException.class, () -> new HealthTracker(1, 0, InitialState.UP));
  }

  @Test
  void suddenDeathLeavesAFullyUpServerOneFailureFromDown() {
    HealthTracker t = new HealthTracker(2, 5, InitialState.FULLY_UP);
    assertFalse(t.onSuddenDeath());
    assertEquals(UP, t.state());
    assertTrue(t.onFailure(), "the next failure marks it down, not the fifth");
    assertEquals(DOWN, t.state());
  }

  @Test
  void suddenDeathOfAServerAlreadyOneFailureFromDownMarksItDown() {
    HealthTracker t = new HealthTracker(2, 3, InitialState.FULLY_UP);
    assertEquals(List.of(UP, UP), feed(t, "--"));
    assertTrue(t.onSuddenDeath());
  }

  @Test
  void suddenDeathWithFallOneIsAPlainFailure() {
    HealthTracker t = new HealthTracker(2, 1, InitialState.FULLY_UP);
    assertTrue(t.onSuddenDeath());
  }

  @Test
  void markDownTurnsAFullyUpServerDownAtOnceAndRiseSuccessesBringItBack() {
    HealthTracker t = new HealthTracker(2, 5, InitialState.FULLY_UP);
    assertTrue(t.onMarkDown());
    assertEquals(0, t.health());
    assertEquals(List.of(DOWN, UP), feed(t, "++"));
  }

  @Test
  void markDownOfADownServerKeepsItDownAndRestartsItsClimb() {
    HealthTracker t = new HealthTracker(3, 2, InitialState.FULLY_DOWN);
    assertEquals(List.of(DOWN, DOWN), feed(t, "++"));
    assertFalse(t.onMarkDown());
    assertEquals(0, t.health());
  }
}
