package io.netty.channel.epoll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * The poll window's rules: it grows while wake-ups come within the longest window, else shrinks;
 * and it is polled for only out of a credit of a tenth of the loop's working time.
 */
class PollWindowTest {
  private static final long LONGEST = 20_000;

  @Test
  void startsWithNoWindow() {
    assertEquals(0, new PollWindow(LONGEST).window());
  }

  @Test
  void growsFromTwoMicrosecondsByDoublingUpToTheLongest() {
    PollWindow w = new PollWindow(LONGEST);
    long[] expected = {2_000, 4_000, 8_000, 16_000, 20_000};
    for (long e : expected) {
      w.waited(w.window() + 1_000); // polled the whole window, then slept 1 µs
      assertEquals(e, w.window());
    }
    // at the longest window, a poll that finds nothing means a wait longer than the longest
    w.waited(w.window() + 1_000);
    assertEquals(10_000, w.window());
  }

  @Test
  void aWaitOfExactlyTheLongestStillGrows() {
    PollWindow w = new PollWindow(LONGEST);
    w.waited(LONGEST);
    assertEquals(PollWindow.START_NANOS, w.window());
  }

  @Test
  void halvesAfterALongerWaitAndStopsBelowTheStart() {
    PollWindow w = new PollWindow(LONGEST);
    for (int i = 0; i < 5; i++) {
      w.waited(1_000);
    }
    assertEquals(LONGEST, w.window());
    w.waited(LONGEST + 1);
    assertEquals(10_000, w.window());
    w.waited(1_000_000);
    assertEquals(5_000, w.window());
    w.waited(1_000_000);
    assertEquals(2_500, w.window());
    w.waited(1_000_000);
    assertEquals(0, w.window(), "1,250 ns is below the start: no window");
    w.waited(1_000_000);
    assertEquals(0, w.window());
  }

  @Test
  void anIdleLoopNeverPolls() {
    PollWindow w = new PollWindow(LONGEST);
    for (int i = 0; i < 100; i++) {
      w.waited(50_000_000);
      assertEquals(0, w.window());
    }
  }

  @Test
  void aLongestBelowTheStartIsTheWindow() {
    PollWindow w = new PollWindow(1_000);
    w.waited(500);
    assertEquals(1_000, w.window());
    w.waited(500);
    assertEquals(1_000, w.window());
  }

  @Test
  void noLongestMeansNoWindowEver() {
    PollWindow w = new PollWindow(0);
    for (int i = 0; i < 10; i++) {
      w.waited(0);
      assertEquals(0, w.window());
    }
  }

  @Test
  void pollsOnlyOutOfATenthOfTheWorkingTime() {
    PollWindow w = new PollWindow(LONGEST);
    w.waited(1_000);
    assertEquals(2_000, w.window());
    assertEquals(0, w.pollNanos(), "no work yet, no credit");
    w.worked(19_999);
    assertEquals(0, w.pollNanos(), "1,999 ns of credit, less than the window");
    w.worked(10);
    assertEquals(2_000, w.pollNanos(), "20 µs of work: 2 µs of polling");
    w.polled(1_500);
    assertEquals(0, w.pollNanos(), "500 ns left");
    w.worked(15_000);
    assertEquals(2_000, w.pollNanos());
  }

  @Test
  void aPollPastItsWindowIsChargedInFullAndWorkPaysItBack() {
    PollWindow w = new PollWindow(LONGEST);
    w.waited(1_000);
    w.worked(20_000);
    assertEquals(2_000, w.pollNanos());
    w.polled(3_000); // the last epoll_wait call ran 1 µs past the window
    w.worked(20_000);
    assertEquals(0, w.pollNanos(), "-1 µs + 2 µs of credit: less than the window");
    w.worked(10_000);
    assertEquals(2_000, w.pollNanos());
  }

  @Test
  void creditIsKeptToFourLongestWindows() {
    PollWindow w = new PollWindow(LONGEST);
    for (int i = 0; i < 5; i++) {
      w.waited(1_000);
    }
    assertEquals(LONGEST, w.window());
    w.worked(1_000_000_000); // a second of work banks 80 µs, not 100 ms
    int polls = 0;
    while (w.pollNanos() > 0) {
      w.polled(w.pollNanos());
      polls++;
    }
    assertEquals(4, polls);
  }

  @Test
  void noWindowNoPollWhateverTheCredit() {
    PollWindow w = new PollWindow(LONGEST);
    w.worked(1_000_000);
    assertEquals(0, w.pollNanos());
    assertEquals(0, new PollWindow(0).pollNanos());
  }

  @Test
  void refusesANegativeLongest() {
    assertThrows(IllegalArgumentException.class, () -> new PollWindow(-1));
  }
}
