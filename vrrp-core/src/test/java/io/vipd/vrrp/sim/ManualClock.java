package io.vipd.vrrp.sim;

import java.util.function.LongSupplier;

/**
 * A virtual monotonic clock in nanoseconds that only moves when told to. Not thread-safe: the
 * simulation runs on one thread.
 */
public final class ManualClock implements LongSupplier {

  private long nowNanos;

  /** A clock at time 0. */
  public ManualClock() {}

  /** The current virtual time in nanoseconds. */
  public long nanoTime() {
    return nowNanos;
  }

  @Override
  public long getAsLong() {
    return nowNanos;
  }

  /** Moves to {@code timeNanos}; time never goes backwards. */
  public void advanceTo(long timeNanos) {
    if (timeNanos < nowNanos) {
      throw new IllegalArgumentException(
          "time goes forward only: now " + nowNanos + ", asked " + timeNanos);
    }
    nowNanos = timeNanos;
  }

  /** Moves forward by {@code deltaNanos}. */
  public void advanceBy(long deltaNanos) {
    advanceTo(nowNanos + deltaNanos);
  }
}
