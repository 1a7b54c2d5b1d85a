package io.netty.channel.epoll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The relay's buffer budget: its reserve, and its pause after the direct memory limit refused. */
class RelayBufferBudgetUnitTest {

  @Test
  void aSixteenthIsKeptForSessionsThatHoldABufferAlready() {
    RelayBufferBudget b = new RelayBufferBudget(32);
    assertEquals(2, b.reserve());
    for (int i = 0; i < 30; i++) {
      assertTrue(b.tryAcquire(false), "place " + i);
    }
    assertFalse(b.tryAcquire(false), "the reserve is not for new demand");
    assertTrue(b.tryAcquire(true));
    assertTrue(b.tryAcquire(true));
    assertFalse(b.tryAcquire(true), "all 32 held");
    b.release();
    assertFalse(b.tryAcquire(false));
    assertTrue(b.tryAcquire(true));
    assertEquals(32, b.held());
  }

  @Test
  void aRefusalByTheDirectMemoryLimitSpendsTheBudgetUntilABufferComesBack() {
    RelayBufferBudget b = new RelayBufferBudget(100);
    assertTrue(b.tryAcquire(false));
    assertTrue(b.tryAcquire(false));
    b.refused();
    assertFalse(b.tryAcquire(false), "no new allocation meets the JDK's back-off again");
    assertFalse(b.tryAcquire(true));
    b.release(); // a buffer came back: memory to be had again
    assertTrue(b.tryAcquire(false));
  }

  @Test
  void freedBuffersAreReleasedRatherThanKeptAsSparesWhenTheBudgetIsNearlySpent() {
    RelayBufferBudget b = new RelayBufferBudget(17); // reserve 1: 16 for new demand
    for (int i = 0; i < 11; i++) {
      b.tryAcquire(false);
    }
    assertFalse(b.nearlySpent());
    b.tryAcquire(false);
    assertTrue(b.nearlySpent(), "12 of 16");
  }
}
