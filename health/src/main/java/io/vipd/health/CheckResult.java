package io.vipd.health;

import java.util.Objects;

/**
 * The outcome of one run of a {@link HealthCheck}.
 *
 * <p>Failures are results, not exceptions: a refused connection, an HTTP 500 or a timeout are all
 * {@code healthy == false} with a short human-readable {@code detail} such as {@code "connection
 * refused"}, {@code "HTTP 500 (expected 200)"} or {@code "timeout after 1000 ms (connect)"}.
 *
 * @param healthy whether the check passed
 * @param detail one line for logs and status output, never null
 * @param durationNanos how long the run took, in nanoseconds (0 for passive reports)
 */
public record CheckResult(boolean healthy, String detail, long durationNanos) {

  public CheckResult {
    Objects.requireNonNull(detail, "detail");
  }

  /** A passing result. */
  public static CheckResult healthy(String detail, long durationNanos) {
    return new CheckResult(true, detail, durationNanos);
  }

  /** A failing result. */
  public static CheckResult unhealthy(String detail, long durationNanos) {
    return new CheckResult(false, detail, durationNanos);
  }
}
