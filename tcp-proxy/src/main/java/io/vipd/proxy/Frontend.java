package io.vipd.proxy;

import io.netty.channel.Channel;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/** One frontend's settings, backend, limit and counters. Counters are thread-safe. */
final class Frontend {
  final FrontendSettings settings;
  final BackendPool pool;
  final SessionTimeouts timeouts;
  final ConnectionLimit limit;
  final LongAdder accepted = new LongAdder();
  final LongAdder refused = new LongAdder();
  final LongAdder bytesIn = new LongAdder();
  final LongAdder bytesOut = new LongAdder();
  private final AtomicLongArray closed = new AtomicLongArray(CloseReason.values().length);

  /** The listening channel once bound; written once by {@link ProxyServer}. */
  volatile Channel listener;

  Frontend(FrontendSettings settings, BackendPool pool) {
    this.settings = settings;
    this.pool = pool;
    this.timeouts = new SessionTimeouts(pool.settings().timeouts());
    this.limit = new ConnectionLimit(settings.maxConnections());
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
        byReason);
  }
}
