package io.vipd.health.check;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.vipd.health.CheckResult;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One run of a network check: completes exactly once (success, failure or timeout), then cancels
 * its timer and closes its channel. The timer runs on the channel's event loop.
 */
final class CheckAttempt {

  private final CompletableFuture<CheckResult> future = new CompletableFuture<>();
  private final long startNanos = System.nanoTime();
  private final long timeoutMillis;
  private final ScheduledFuture<?> timer;
  private volatile String phase = "connect";
  private volatile Channel channel;
  private volatile boolean connected;

  CheckAttempt(EventLoop loop, Duration timeout) {
    this.timeoutMillis = timeout.toMillis();
    this.timer =
        loop.schedule(
            () -> fail("timeout after " + timeoutMillis + " ms (" + phase + ")"),
            timeout.toNanos(),
            TimeUnit.NANOSECONDS);
  }

  CompletableFuture<CheckResult> future() {
    return future;
  }

  /** Names what the run is waiting for, for the timeout's detail. */
  void phase(String phase) {
    this.phase = phase;
  }

  String phase() {
    return phase;
  }

  /** The channel to close when the run ends (closed at once if it already has). */
  void channel(Channel ch) {
    this.channel = ch;
    if (future.isDone()) {
      ch.close();
    }
  }

  void succeed(String detail) {
    if (future.complete(CheckResult.healthy(detail, elapsed()))) {
      finish();
    }
  }

  void fail(String detail) {
    if (future.complete(CheckResult.unhealthy(FailureText.bounded(detail), elapsed()))) {
      finish();
    }
  }

  void fail(Throwable cause) {
    if (!future.isDone()) {
      fail(FailureText.describe(cause, phase));
    }
  }

  /** Called by the connector once the TCP connection is established. */
  void connected() {
    connected = true;
  }

  /**
   * Fails with a cause seen after the connection was established (a TLS handshake). Before that,
   * the pipeline's failures are only echoes of a failed connect (a refused connect closes the
   * channel, which fails the handshake with "SslHandler removed"), and the connect future reports
   * the real cause itself, in whatever order Netty notifies the two.
   */
  void failAfterConnect(Throwable cause) {
    if (connected) {
      fail(cause);
    }
  }

  boolean isDone() {
    return future.isDone();
  }

  private long elapsed() {
    return System.nanoTime() - startNanos;
  }

  private void finish() {
    timer.cancel(false);
    Channel ch = channel;
    if (ch != null) {
      ch.close();
    }
  }
}
