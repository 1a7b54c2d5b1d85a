package io.netty.channel.epoll;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * How many read buffers the relay's loops may hold together, the buffers that slow readers keep
 * included. Past it a loop hands out no new buffer: a session that needs one waits, its bytes left
 * in its socket (TCP holds the sender back), until a buffer comes free, as haproxy's streams wait
 * for a buffer. Without it, the direct memory limit would be reached instead, and there every
 * allocation fails only after the JDK's collection and half a second of back-off on the loop, and
 * the session it was for is lost.
 *
 * <p>A reserve (a sixteenth, at least one) is kept for sessions that already hold a buffer in the
 * other direction, as haproxy reserves buffers ({@code tune.buffers.reserve}): a server blocked on
 * a response that no buffer could carry, while its request holds one, would otherwise wait for
 * ever. And should the direct memory limit refuse an allocation below the budget (other users of
 * direct memory), the budget counts as spent until a buffer is given back, or for a second, so that
 * the loop does not pay the JDK's back-off again at every retry. Thread-safe.
 */
public final class RelayBufferBudget {
  private static final long REFUSED_FOR_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final int max;
  private final int reserve;
  private final AtomicInteger held = new AtomicInteger();
  private final LongAdder waits = new LongAdder();

  /** When the direct memory limit last refused (System.nanoTime), 0 if not since a release. */
  private volatile long refusedAt;

  /**
   * @param max the buffers all loops may hold together, at least 1
   */
  public RelayBufferBudget(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("max < 1: " + max);
    }
    this.max = max;
    this.reserve = max < 2 ? 0 : Math.max(1, max / 16);
  }

  /** A budget of {@code share} (0..1) of {@code bytes}, in buffers of {@code bufferSize}. */
  public static RelayBufferBudget ofBytes(long bytes, double share, int bufferSize) {
    return new RelayBufferBudget(
        (int) Math.max(16, Math.min(Integer.MAX_VALUE, (long) (bytes * share) / bufferSize)));
  }

  /**
   * Takes one buffer's place; false if the budget is spent.
   *
   * @param fromReserve whether the reserve may be used (the session holds a buffer already)
   */
  boolean tryAcquire(boolean fromReserve) {
    long refused = refusedAt;
    if (refused != 0) {
      if (System.nanoTime() - refused < REFUSED_FOR_NANOS) {
        return false;
      }
      refusedAt = 0;
    }
    int limit = fromReserve ? max : max - reserve;
    for (; ; ) {
      int h = held.get();
      if (h >= limit) {
        return false;
      }
      if (held.compareAndSet(h, h + 1)) {
        return true;
      }
    }
  }

  /** Gives a place back: its buffer was released. */
  void release() {
    held.decrementAndGet();
    refusedAt = 0;
  }

  /** The direct memory limit refused an allocation the budget allowed (its place given back). */
  void refused() {
    refusedAt = System.nanoTime() | 1;
  }

  /** Whether the loops should give freed buffers back rather than keep them as spares. */
  boolean nearlySpent() {
    return held.get() >= (max - reserve) * 3L / 4;
  }

  void countWait() {
    waits.increment();
  }

  /** How many times a relay had to wait for a buffer, since start. */
  public long waits() {
    return waits.sum();
  }

  /** Buffers held now. */
  public int held() {
    return held.get();
  }

  public int max() {
    return max;
  }

  /** Buffers kept for sessions that hold one already. */
  public int reserve() {
    return reserve;
  }
}
