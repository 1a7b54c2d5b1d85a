package io.netty.channel.epoll;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * How many read buffers the relay's loops may hold together, the buffers that slow readers keep
 * included. Past it a loop hands out no new buffer: a session that needs one waits, its bytes left
 * in its socket (TCP holds the sender back), until a buffer comes free, as haproxy's streams wait
 * for a buffer. Without it, the direct memory limit would be reached instead, and there every
 * allocation fails only after the JDK's collection and half a second of back-off on the loop, and
 * the session it was for is lost. Thread-safe.
 */
public final class RelayBufferBudget {
  private final int max;
  private final AtomicInteger held = new AtomicInteger();
  private final LongAdder waits = new LongAdder();

  /**
   * @param max the buffers all loops may hold together, at least 1
   */
  public RelayBufferBudget(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("max < 1: " + max);
    }
    this.max = max;
  }

  /** A budget of {@code share} (0..1) of {@code bytes}, in buffers of {@code bufferSize}. */
  public static RelayBufferBudget ofBytes(long bytes, double share, int bufferSize) {
    return new RelayBufferBudget(
        (int) Math.max(16, Math.min(Integer.MAX_VALUE, (long) (bytes * share) / bufferSize)));
  }

  /** Takes one buffer's place; false if the budget is spent. */
  boolean tryAcquire() {
    for (; ; ) {
      int h = held.get();
      if (h >= max) {
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
}
