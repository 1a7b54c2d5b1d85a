package io.vipd.proxy;

import java.util.concurrent.atomic.AtomicInteger;

/** A maxconn counter shared by event loops: acquire on accept, release when the session ends. */
final class ConnectionLimit {
  private volatile int max;
  private final AtomicInteger active = new AtomicInteger();

  /**
   * @param max concurrent holders allowed; 0 means unlimited (only counted)
   */
  ConnectionLimit(int max) {
    this.max = max;
  }

  /** Changes the limit at once (reload); holders above a lowered limit keep their place. */
  void setMax(int max) {
    this.max = max;
  }

  boolean tryAcquire() {
    int max = this.max;
    if (max == 0) {
      active.incrementAndGet();
      return true;
    }
    while (true) {
      int n = active.get();
      if (n >= max) {
        return false;
      }
      if (active.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  void release() {
    active.decrementAndGet();
  }

  int active() {
    return active.get();
  }

  /** The limit in effect, 0 for none. */
  int max() {
    return max;
  }
}
