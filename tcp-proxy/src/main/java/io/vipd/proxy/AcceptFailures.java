package io.vipd.proxy;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A frontend's accepts that failed for want of a descriptor or of memory, said in the log at most
 * once every ten seconds, whichever of its listeners failed. While the process stays at its limit
 * every connection that closes lets one more in and the next accept fails again (Linux takes the
 * descriptor before it looks at the queue, so even an accept with nothing waiting fails): said per
 * failure, that would be a line or two per connection. Thread-safe.
 */
final class AcceptFailures {
  private static final Logger log = LoggerFactory.getLogger("vipd.proxy");

  static final long QUIET_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final LongSupplier nanoClock;

  /** When the last line was said; {@link Long#MIN_VALUE} before the first. */
  private final AtomicLong saidAt = new AtomicLong(Long.MIN_VALUE);

  /** Failures since the last line. */
  private final AtomicLong unsaid = new AtomicLong();

  AcceptFailures(LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
  }

  /**
   * An accept of {@code frontend} failed with {@code cause} and its listener waits.
   *
   * @return whether this failure was said in the log (else it is counted for the next line)
   */
  boolean failed(String frontend, Throwable cause) {
    long now = nanoClock.getAsLong();
    long last = saidAt.get();
    if ((last != Long.MIN_VALUE && now - last < QUIET_NANOS) || !saidAt.compareAndSet(last, now)) {
      unsaid.incrementAndGet();
      return false;
    }
    long before = unsaid.getAndSet(0);
    if (last == Long.MIN_VALUE) {
      log.warn(
          "frontend {}: cannot accept ({}): new connections wait in the backlog, tried again"
              + " every {} ms and whenever a connection closes; raise the open-files limit or"
              + " lower maxconn",
          frontend,
          cause.getMessage(),
          AcceptRetries.RETRY_MILLIS);
    } else {
      log.warn(
          "frontend {}: cannot accept ({}): {} more failed accepts since {} s ago",
          frontend,
          cause.getMessage(),
          before + 1,
          TimeUnit.NANOSECONDS.toSeconds(now - last));
    }
    return true;
  }
}
