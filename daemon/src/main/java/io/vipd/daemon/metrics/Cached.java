package io.vipd.daemon.metrics;

import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A value read through a supplier at most once per {@code ttlNanos}: one scrape reads dozens of
 * gauges, and they should all see the same status snapshot (and take it once). Thread-safe.
 *
 * @param <T> the snapshot type
 */
final class Cached<T> implements Supplier<T> {

  private final Supplier<T> source;
  private final long ttlNanos;
  private final LongSupplier clock;
  private T value;
  private long readAt;
  private boolean present;

  Cached(Supplier<T> source, long ttlNanos, LongSupplier clock) {
    this.source = source;
    this.ttlNanos = ttlNanos;
    this.clock = clock;
  }

  /** With {@link System#nanoTime()} and a 100 ms lifetime, long enough for one scrape. */
  static <T> Cached<T> of(Supplier<T> source) {
    return new Cached<>(source, 100_000_000L, System::nanoTime);
  }

  @Override
  public synchronized T get() {
    long now = clock.getAsLong();
    if (!present || now - readAt >= ttlNanos) {
      value = source.get();
      readAt = now;
      present = true;
    }
    return value;
  }
}
