package io.netty.channel.epoll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The poll window's rule: grow while wake-ups come within the longest window, else shrink. */
class PollWindowTest {
  private static final long LONGEST = 20_000;

  @Test
  void startsWithNoWindow() {
    assertEquals(0, new PollWindow(LONGEST).nanos());
  }

  @Test
  void growsFromTwoMicrosecondsByDoublingUpToTheLongest() {
    PollWindow w = new PollWindow(LONGEST);
    long[] expected = {2_000, 4_000, 8_000, 16_000, 20_000};
    for (long e : expected) {
      w.waited(w.nanos() + 1_000); // polled the whole window, then slept 1 µs
      assertEquals(e, w.nanos());
    }
    // at the longest window, a poll that finds nothing means a wait longer than the longest
    w.waited(w.nanos() + 1_000);
    assertEquals(10_000, w.nanos());
  }

  @Test
  void aWaitOfExactlyTheLongestStillGrows() {
    PollWindow w = new PollWindow(LONGEST);
    w.waited(LONGEST);
    assertEquals(PollWindow.START_NANOS, w.nanos());
  }

  @Test
  void halvesAfterALongerWaitAndStopsBelowTheStart() {
    PollWindow w = new PollWindow(LONGEST);
    for (int i = 0; i < 5; i++) {
      w.waited(1_000);
    }
    assertEquals(LONGEST, w.nanos());
    w.waited(LONGEST + 1);
    assertEquals(10_000, w.nanos());
    w.waited(1_000_000);
    assertEquals(5_000, w.nanos());
    w.waited(1_000_000);
    assertEquals(2_500, w.nanos());
    w.waited(1_000_000);
    assertEquals(0, w.nanos(), "1,250 ns is below the start: no window");
    w.waited(1_000_000);
    assertEquals(0, w.nanos());
  }

  @Test
  void anIdleLoopNeverPolls() {
    PollWindow w = new PollWindow(LONGEST);
    for (int i = 0; i < 100; i++) {
      w.waited(50_000_000);
      assertEquals(0, w.nanos());
    }
  }

  @Test
  void aLongestBelowTheStartIsTheWindow() {
    PollWindow w = new PollWindow(1_000);
    w.waited(500);
    assertEquals(1_000, w.nanos());
    w.waited(500);
    assertEquals(1_000, w.nanos());
  }

  @Test
  void noLongestMeansNoWindowEver() {
    PollWindow w = new PollWindow(0);
    for (int i = 0; i < 10; i++) {
      w.waited(0);
      assertEquals(0, w.nanos());
    }
  }

  @Test
  void refusesANegativeLongest() {
    assertThrows(IllegalArgumentException.class, () -> new PollWindow(-1));
  }
}
