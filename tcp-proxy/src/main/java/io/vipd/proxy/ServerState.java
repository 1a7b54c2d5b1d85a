package io.vipd.proxy;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** Live state and counters of one server. Shared by all event loops; every field is thread-safe. */
final class ServerState {
  final ServerSettings settings;

  /** Index within its group (primaries or backups): the balancer's index. */
  final int index;

  volatile boolean up = true;

  /** Connections open or being opened: the load seen by leastconn and random. */
  final AtomicInteger active = new AtomicInteger();

  final LongAdder connections = new LongAdder();
  final LongAdder connectFailures = new LongAdder();
  final LongAdder bytesIn = new LongAdder();
  final LongAdder bytesOut = new LongAdder();

  /** Established sessions, for {@link OnMarkedDown#SHUTDOWN_SESSIONS}. */
  final Set<ProxySession> sessions = ConcurrentHashMap.newKeySet();

  ServerState(ServerSettings settings, int index) {
    this.settings = settings;
    this.index = index;
  }

  String name() {
    return settings.name();
  }
}
