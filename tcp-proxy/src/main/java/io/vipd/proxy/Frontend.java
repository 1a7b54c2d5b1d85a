package io.vipd.proxy;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * One frontend's settings, backend, limit and counters. Counters are thread-safe.
 *
 * <p>Reload: one object per frontend name for as long as the name is configured, so counters and
 * the connection limit carry over. {@link #settings}, {@link #pool} and {@link #timeouts} are
 * replaced by {@link #update} (from the reloading thread) and read by sessions on their event
 * loops: a new connection picks from the current pool, and a running session sees the new timeouts
 * and retries from its next check on.
 */
final class Frontend {
  volatile FrontendSettings settings;
  volatile BackendPool pool;
  volatile SessionTimeouts timeouts;
  final ConnectionLimit limit;
  final LongAdder accepted = new LongAdder();
  final LongAdder refused = new LongAdder();
  final AcceptFailures acceptFailures = new AcceptFailures(System::nanoTime);
  final LongAdder bytesIn = new LongAdder();
  final LongAdder bytesOut = new LongAdder();
  private final AtomicLongArray closed = new AtomicLongArray(CloseReason.values().length);

  /** The listening sockets once bound; replaced by {@link ProxyServer} when the bind changes. */
  volatile Listeners listener;

  /**
   * By the operator, until enabled or the next reload (see {@link ProxyServer#setFrontendEnabled}).
   */
  volatile boolean disabled;

  Frontend(FrontendSettings settings, BackendPool pool) {
    this.settings = settings;
    this.pool = pool;
    this.timeouts = new SessionTimeouts(pool.settings().timeouts());
    this.limit = new ConnectionLimit(settings.maxConnections());
  }

  /** Reload: the new settings and pool apply to connections accepted from now on. */
  void update(FrontendSettings settings, BackendPool pool) {
    this.timeouts = new SessionTimeouts(pool.settings().timeouts());
    this.pool = pool;
    this.settings = settings;
    limit.setMax(settings.maxConnections());
  }

  String name() {
    return settings.name();
  }

  void countClosed(CloseReason reason) {
    closed.incrementAndGet(reason.ordinal());
  }

  FrontendStatus status() {
    Map<CloseReason, Long> byReason = new EnumMap<>(CloseReason.class);
    for (CloseReason r : CloseReason.values()) {
      byReason.put(r, closed.get(r.ordinal()));
    }
    return new FrontendStatus(
        name(),
        limit.active(),
        accepted.sum(),
        refused.sum(),
        bytesIn.sum(),
        bytesOut.sum(),
        byReason,
        limit.max(),
        disabled);
  }
}
