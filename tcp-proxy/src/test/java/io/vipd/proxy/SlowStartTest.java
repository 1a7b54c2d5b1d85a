package io.vipd.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SlowStartTest {
  private static final long PERIOD = 20_000;

  @Test
  void aRampStartsAtTheFirstStepAndEndsAtThePeriod() {
    assertEquals(1, SlowStart.step(0, PERIOD));
    assertEquals(1, SlowStart.step(1_000, PERIOD), "the first 5 % included");
    assertEquals(2, SlowStart.step(1_001, PERIOD));
    assertEquals(10, SlowStart.step(10_000, PERIOD));
    assertEquals(20, SlowStart.step(19_001, PERIOD));
    assertEquals(SlowStart.STEPS, SlowStart.step(PERIOD, PERIOD));
    assertEquals(SlowStart.STEPS, SlowStart.step(Long.MAX_VALUE, PERIOD));
    assertEquals(1, SlowStart.step(-5, PERIOD), "a clock read before the start");
  }

  @Test
  void theNextStepBeginsJustAfterTheCurrentOneEnds() {
    for (int step = 1; step < SlowStart.STEPS; step++) {
      long at = SlowStart.nextStepAt(step, PERIOD);
      assertEquals(step, SlowStart.step(at - 1, PERIOD));
      assertEquals(step + 1, SlowStart.step(at, PERIOD));
    }
    long odd = 999; // a period that 20 does not divide
    assertEquals(2, SlowStart.step(SlowStart.nextStepAt(1, odd), odd));
    assertEquals(1, SlowStart.step(SlowStart.nextStepAt(1, odd) - 1, odd));
  }

  @Test
  void weightsScaleByStepAndZeroStaysZero() {
    assertEquals(3, SlowStart.weight(3, 1));
    assertEquals(60, SlowStart.weight(3, SlowStart.STEPS));
    assertEquals(0, SlowStart.weight(0, 7));
  }
}
