package io.netty.channel.epoll;

/**
 * How long a relay loop polls before it sleeps in {@code epoll_wait}.
 *
 * <p>Why poll at all: a loop that sleeps is woken by an interrupt sent from the core whose process
 * wrote to a socket (an IPI, through the hypervisor on a VM), which costs that core more than a
 * short poll costs the loop once events come a few tens of microseconds apart.
 *
 * <p>Two rules keep the poll from costing more than it saves:
 *
 * <ul>
 *   <li>the window follows KVM's halt-polling: it grows (from 2 µs, doubling, up to the longest)
 *       while the loop is woken within the longest window of starting to wait, and halves, down to
 *       none, when it waits longer. A loop whose events come further apart polls for none of them;
 *   <li>the loop polls only out of a credit of one tenth of the time it has spent working (wall
 *       time from a wake-up to its next wait), each poll charged in full, so that polling takes
 *       about a tenth of that time at most (plus at most four longest windows banked), whatever the
 *       traffic.
 * </ul>
 *
 * <p>Not thread-safe: one per loop, used on its thread. Holds no clock: the loop passes the times
 * in.
 */
final class PollWindow {
  /** The first window after none, in nanoseconds. */
  static final long START_NANOS = 2_000;

  /** Polling may take this share of the loop's working time: one part in ten. */
  static final int WORK_PER_POLL = 10;

  private final long longest;

  /** Credit is kept to this many longest windows: a long busy spell banks no long poll. */
  private final long maxCredit;

  private long current;
  private long credit;

  /**
   * @param longestNanos the longest window; 0 for a loop that never polls before sleeping
   */
  PollWindow(long longestNanos) {
    if (longestNanos < 0) {
      throw new IllegalArgumentException("longestNanos < 0: " + longestNanos);
    }
    this.longest = longestNanos;
    this.maxCredit = 4 * longestNanos;
  }

  /** The window as the rule has it, credit aside. */
  long window() {
    return current;
  }

  /**
   * Nanoseconds to poll for before the next sleep: 0 for none (no window, or not enough credit).
   */
  long pollNanos() {
    return current > 0 && credit >= current ? current : 0;
  }

  /** The loop worked this long since it last woke: a tenth of it is credit for polling. */
  void worked(long nanos) {
    if (longest > 0 && nanos > 0) {
      credit = Math.min(maxCredit, credit + nanos / WORK_PER_POLL);
    }
  }

  /**
   * The loop polled this long (whether or not an event came), which may exceed the window by the
   * last poll's call: the credit may go below zero, and work pays it back.
   */
  void polled(long nanos) {
    credit -= nanos;
  }

  /**
   * After a wait that ended in a sleep: {@code idleNanos} is how long the loop waited in all, its
   * poll before the sleep included.
   */
  void waited(long idleNanos) {
    if (longest == 0) {
      return;
    }
    if (idleNanos > longest) {
      long half = current / 2;
      current = half < START_NANOS ? 0 : half;
    } else {
      current = current == 0 ? Math.min(longest, START_NANOS) : Math.min(longest, current * 2);
    }
  }
}
