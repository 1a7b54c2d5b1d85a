package io.vipd.daemon.config;

import io.vipd.health.PassiveAction;
import java.util.Objects;

/**
 * Passive health of a backend's servers: haproxy's {@code observe}, {@code error-limit} and {@code
 * on-error}, which haproxy sets per server and vipd per backend.
 *
 * @param observe which errors count
 * @param errorLimit consecutive failed connects to one server that trigger {@code onError}; the
 *     count starts again after each trigger and after each successful connect
 * @param onError what a trigger does to the server's check
 */
public record PassiveHealth(Observe observe, int errorLimit, PassiveAction onError) {
  /** vipd's default: every failed connect counts as a failed check. */
  public static final PassiveHealth DEFAULT =
      new PassiveHealth(Observe.LAYER4, 1, PassiveAction.FAIL_CHECK);

  /** As configured: {@code observe = layer4, error-limit = 1, on-error = fail-check}. */
  @Override
  public String toString() {
    String name = onError.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    return observe == Observe.NONE
        ? "observe = none"
        : "observe = layer4, error-limit = " + errorLimit + ", on-error = " + name;
  }

  public PassiveHealth {
    Objects.requireNonNull(observe, "observe");
    Objects.requireNonNull(onError, "onError");
    if (errorLimit < 1) {
      throw new IllegalArgumentException("errorLimit must be >= 1: " + errorLimit);
    }
  }
}
