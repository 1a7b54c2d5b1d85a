package io.vipd.daemon.config;

import java.math.BigDecimal;
import java.time.Duration;

/**
 * Renders durations the way users write them in HOCON ({@code 100ms}, {@code 1s}, {@code 40.95s}).
 */
final class Durations {

  private Durations() {}

  static String format(Duration d) {
    long ms = d.toMillis();
    if (d.toNanos() % 1_000_000 != 0) {
      return d.toNanos() + "ns";
    }
    if (ms % 86_400_000 == 0 && ms != 0) {
      return ms / 86_400_000 + "d";
    }
    if (ms % 3_600_000 == 0 && ms != 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms % 60_000 == 0 && ms != 0 && ms >= 600_000) {
      return ms / 60_000 + "m";
    }
    if (ms % 1000 == 0) {
      return ms / 1000 + "s";
    }
    if (Math.abs(ms) < 1000) {
      return ms + "ms";
    }
    return BigDecimal.valueOf(ms, 3).stripTrailingZeros().toPlainString() + "s";
  }
}
