package io.vipd.proxy;

/**
 * haproxy's {@code slowstart}: a server that comes back up takes its share of new connections in
 * steps of 5 % over the slow-start period, so that a balancer (leastconn above all, where a server
 * with no connections would take every new one) does not flood it while it warms up. Pure
 * arithmetic over a period and an elapsed time, both in nanoseconds.
 */
final class SlowStart {
  /** Steps of a ramp; a balancer weight is the configured weight times the step. */
  static final int STEPS = 20;

  private SlowStart() {}

  /**
   * The step {@code 1..STEPS} of a server up for {@code elapsed} out of {@code period}: 1 at first,
   * {@link #STEPS} (full weight) from the period's end on.
   */
  static int step(long elapsed, long period) {
    if (elapsed >= period) {
      return STEPS;
    }
    long e = Math.max(0, elapsed);
    return (int) Math.max(1, (e * STEPS + period - 1) / period);
  }

  /**
   * From when, counted from the start of the ramp, a server at {@code step} is at the next one
   * ({@link #step} rounds up: a step lasts until its end included).
   */
  static long nextStepAt(int step, long period) {
    return period * step / STEPS + 1;
  }

  /** The balancer weight of a server of {@code weight} at {@code step}: 0 stays 0. */
  static int weight(int weight, int step) {
    return weight * step;
  }
}
