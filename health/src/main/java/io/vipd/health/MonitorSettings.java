package io.vipd.health;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link HealthMonitor} runs one check: haproxy's {@code inter}, {@code fastinter}, {@code
 * downinter}, {@code timeout check}, {@code rise}, {@code fall}, {@code init-state}, and a jitter.
 *
 * @param interval time between the starts of two runs while the state is settled
 * @param fastInterval used while the state is transitioning (haproxy {@code fastinter})
 * @param downInterval used while fully down (haproxy {@code downinter})
 * @param timeout limit for one run
 * @param rise consecutive successes to go up
 * @param fall consecutive failures to go down
 * @param initialState where the tracker starts
 * @param jitterFraction each delay is multiplied by a uniform factor in {@code [1-j, 1+j]}, {@code
 *     0 <= j <= 0.5}, so that checks of many servers do not run in lockstep
 */
public record MonitorSettings(
    Duration interval,
    Duration fastInterval,
    Duration downInterval,
    Duration timeout,
    int rise,
    int fall,
    InitialState initialState,
    double jitterFraction) {

  /** Default jitter: +-10%. */
  public static final double DEFAULT_JITTER = 0.1;

  public MonitorSettings {
    requirePositive(interval, "interval");
    requirePositive(fastInterval, "fastInterval");
    requirePositive(downInterval, "downInterval");
    requirePositive(timeout, "timeout");
    Objects.requireNonNull(initialState, "initialState");
    if (rise < 1 || fall < 1) {
      throw new IllegalArgumentException("rise and fall must be >= 1");
    }
    if (!(jitterFraction >= 0 && jitterFraction <= 0.5)) {
      throw new IllegalArgumentException("jitterFraction must be in 0..0.5: " + jitterFraction);
    }
  }

  /**
   * Settings with {@code fastInterval = downInterval = interval} and {@link #DEFAULT_JITTER}.
   *
   * <p>Typical choices: proxy servers like haproxy ({@code 2s, 2s, rise 2, fall 3, UP}); VRRP
   * tracking like keepalived's {@code vrrp_script} ({@code UNKNOWN}).
   */
  public static MonitorSettings of(
      Duration interval, Duration timeout, int rise, int fall, InitialState initialState) {
    return new MonitorSettings(
        interval, interval, interval, timeout, rise, fall, initialState, DEFAULT_JITTER);
  }

  /** A copy with another {@code fastInterval}. */
  public MonitorSettings withFastInterval(Duration fast) {
    return new MonitorSettings(
        interval, fast, downInterval, timeout, rise, fall, initialState, jitterFraction);
  }

  /** A copy with another {@code downInterval}. */
  public MonitorSettings withDownInterval(Duration down) {
    return new MonitorSettings(
        interval, fastInterval, down, timeout, rise, fall, initialState, jitterFraction);
  }

  /** A copy with another jitter fraction. */
  public MonitorSettings withJitter(double fraction) {
    return new MonitorSettings(
        interval, fastInterval, downInterval, timeout, rise, fall, initialState, fraction);
  }

  private static void requirePositive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive: " + d);
    }
  }
}
