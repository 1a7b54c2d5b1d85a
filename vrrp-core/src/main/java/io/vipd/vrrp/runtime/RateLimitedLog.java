package io.vipd.vrrp.runtime;

import io.vipd.vrrp.packet.RxDropReason;
import java.net.InetAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * Logs dropped packets at most once per second per process: a flood of bad packets on a shared
 * segment must not flood the log (keepalived's {@code log_rate_limited_error}). Every drop is still
 * counted in {@link VrrpStats}.
 */
final class RateLimitedLog {

  private static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static volatile long lastLogNanos = System.nanoTime() - INTERVAL_NANOS;

  private RateLimitedLog() {}

  static void dropped(Logger log, RxDropReason reason, String instance, InetAddress source) {
    long now = System.nanoTime();
    if (now - lastLogNanos >= INTERVAL_NANOS) {
      lastLogNanos = now;
      log.info(
          "({}) dropped packet from {}: {} (rate-limited; see vrrp drop counters)",
          instance,
          source == null ? "?" : source.getHostAddress(),
          reason);
    }
  }
}
