package io.netty.channel.epoll;

/**
 * How a relay loop waits for its sockets' events.
 *
 * @param busyPolling haproxy's {@code busy-polling}: the loop never sleeps, it polls without a
 *     timeout (the others then do not apply)
 * @param pollWindowNanos the longest the loop polls before it sleeps ({@link PollWindow}); 0: none
 * @param coalesceWindowNanos how long a busy loop sleeps on a timer of its own, letting its
 *     sockets' events gather, before it takes them in one poll ({@link CoalesceWindow}); 0: never,
 *     the loop sleeps in epoll_wait until the first event
 */
public record RelayWaits(boolean busyPolling, long pollWindowNanos, long coalesceWindowNanos) {
  /** Sleeping in epoll_wait at once, as haproxy's loop does by default. */
  public static final RelayWaits SLEEP = new RelayWaits(false, 0, 0);

  public RelayWaits {
    if (pollWindowNanos < 0 || coalesceWindowNanos < 0) {
      throw new IllegalArgumentException(
          "negative window: poll " + pollWindowNanos + ", coalesce " + coalesceWindowNanos);
    }
  }
}
