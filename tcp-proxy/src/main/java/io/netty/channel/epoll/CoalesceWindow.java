package io.netty.channel.epoll;

/**
 * Whether a relay loop's next wait is a nap, and how long: a NIC's interrupt coalescing ({@code
 * ethtool -C rx-usecs}, Linux's deferred NAPI interrupts) applied to one loop. While its waits find
 * several sockets ready at once, the loop sleeps on a timer of its own instead of in {@code
 * epoll_wait}, so that its sockets' events meanwhile wake nobody, and then takes them all in one
 * poll. A wait that finds fewer than {@value #MIN_READY} ends the naps: the next wait sleeps in
 * {@code epoll_wait} until the first event, as haproxy's loop does.
 *
 * <p>A nap lasts as long as the loop worked since its last wait, and no longer than the window:
 * while it naps the loop works at least half of the time, and an event waits no longer than the
 * work in front of it took. So naps are long only under a load that keeps the loop busy, and a few
 * clients at once are held back by little more than their own turn.
 *
 * <p>Why: a loop asleep in {@code epoll_wait} is woken by an interrupt that the core whose process
 * wrote to one of its sockets sends (an IPI, through the hypervisor on a VM), which slows that
 * core. Under load the writers are the clients and servers, so every wake-up is taken from the work
 * the proxy waits for. A loop that naps is woken by its own timer, and the sockets' writers pay
 * nothing (measured: bench/load/README.md). A client alone exchanging requests and answers, whose
 * request or answer is the loop's only event at a time, never makes it nap.
 *
 * <p>Not thread-safe: one per loop, used on its thread. Holds no clock: the loop passes the times
 * in.
 */
final class CoalesceWindow {
  /** The fewest sockets a wait must find ready for the next wait to be a nap. */
  static final int MIN_READY = 2;

  private final long window;
  private boolean napping;
  private long worked;

  /**
   * @param windowNanos the longest nap; 0 for a loop that never naps
   */
  CoalesceWindow(long windowNanos) {
    if (windowNanos < 0) {
      throw new IllegalArgumentException("windowNanos < 0: " + windowNanos);
    }
    this.window = windowNanos;
  }

  /** Whether the loop naps at all, and so must tell how long it works ({@link #worked}). */
  boolean on() {
    return window > 0;
  }

  /** Nanoseconds the next wait naps for: 0 for a wait in {@code epoll_wait}. */
  long napNanos() {
    return napping ? Math.min(window, worked) : 0;
  }

  /** After a wait (a nap, or a sleep in {@code epoll_wait}): the sockets it found ready. */
  void found(int ready) {
    napping = window > 0 && ready >= MIN_READY;
  }

  /** Before a wait: how long the loop worked since the last wait ended. */
  void worked(long nanos) {
    worked = Math.max(0, nanos);
  }
}
