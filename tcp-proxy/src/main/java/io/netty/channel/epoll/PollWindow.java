package io.netty.channel.epoll;

/**
 * How long a relay loop polls before it sleeps in {@code epoll_wait}: the rule of KVM's
 * halt-polling, applied to one loop. The window grows (from 2 µs, doubling, up to the longest)
 * while the loop is woken within the longest window of starting to wait, and halves, down to none,
 * when it waits longer.
 *
 * <p>Why: a loop that sleeps is woken by an interrupt sent from the core whose process wrote to a
 * socket (an IPI, through the hypervisor on a VM), which slows that core; a loop that is polling
 * when the write comes needs none. The poll costs the loop's own core about as much as it spares
 * the writer's (measured: bench/load/README.md), hence off by default. A loop whose events come
 * further apart than the longest window polls for none of them, so an idle or lightly loaded proxy
 * sleeps at once as one without a window does. Not thread-safe: one per loop, used on its thread.
 * Holds no clock: the loop passes the times in.
 */
final class PollWindow {
  /** The first window after none, in nanoseconds. */
  static final long START_NANOS = 2_000;

  private final long longest;
  private long current;

  /**
   * @param longestNanos the longest window; 0 for a loop that never polls before sleeping
   */
  PollWindow(long longestNanos) {
    if (longestNanos < 0) {
      throw new IllegalArgumentException("longestNanos < 0: " + longestNanos);
    }
    this.longest = longestNanos;
  }

  /** Whether there is a window at all (a longest above 0). */
  boolean on() {
    return longest > 0;
  }

  /** Nanoseconds to poll for before the next sleep: 0 for none. */
  long nanos() {
    return current;
  }

  /**
   * After a wait that ended in a sleep: {@code idleNanos} is how long the loop waited in all, its
   * poll before the sleep included.
   */
  void waited(long idleNanos) {
    if (!on()) {
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
