package io.vipd.proxy;

import java.util.ArrayList;
import java.util.List;
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

  /** Operator state; see {@link ServerAdminState}. */
  volatile ServerAdminState adminState = ServerAdminState.READY;

  /** Weight for new connections: the configured one until the operator sets another. */
  volatile int weight;

  /** Connections at most (0: no limit): the configured maxconn until the operator sets another. */
  volatile int maxconn;

  /**
   * The limit in effect: {@link #maxconn} scaled by the slow start's step, at least 1, as haproxy
   * ramps a server's maxconn with its weight; 0 for none. See {@link #updateLimit}.
   */
  private volatile int limit;

  /** Its backend's queue, served when this server frees a slot; set by the pool that owns it. */
  BackendQueue queue;

  /**
   * Where its slow start is ({@link SlowStart}): {@link SlowStart#STEPS} when not ramping up. With
   * {@link #rampSince}, guarded by the pool's monitor.
   */
  int rampStep = SlowStart.STEPS;

  /** When its slow start began (the pool's clock), while {@link #rampStep} is below the last. */
  long rampSince;

  /**
   * How many times an operator shut this server's sessions down: a session whose connect was under
   * way meanwhile sees it change and ends too.
   */
  final AtomicInteger shutdowns;

  /** Connections open or being opened: the load seen by leastconn and random. */
  final AtomicInteger active;

  final LongAdder connections;
  final LongAdder connectFailures;
  final LongAdder bytesIn;
  final LongAdder bytesOut;

  /** Established sessions, for {@link OnMarkedDown#SHUTDOWN_SESSIONS}. */
  final Set<RelaySession> sessions;

  /**
   * The servers of this name that reloads replaced with this one at another address, while their
   * sessions run on: an operator's {@code shutdown sessions} of the name reaches them too.
   */
  final List<ServerState> formers = new ArrayList<>();

  ServerState(ServerSettings settings, int index) {
    this.settings = settings;
    this.index = index;
    this.weight = settings.weight();
    this.maxconn = settings.maxconn();
    this.limit = maxconn;
    this.active = new AtomicInteger();
    this.shutdowns = new AtomicInteger();
    this.connections = new LongAdder();
    this.connectFailures = new LongAdder();
    this.bytesIn = new LongAdder();
    this.bytesOut = new LongAdder();
    this.sessions = ConcurrentHashMap.newKeySet();
  }

  /**
   * The same server after a reload, with possibly new settings and index: shares the live counts,
   * counters and session set of {@code previous} (sessions still running update them through the
   * old object) and starts in its up/down and operator state, and where its slow start is. A weight
   * or maxconn set at runtime is kept unless the reload changes the configured one, which then
   * wins.
   */
  ServerState(ServerSettings settings, int index, ServerState previous) {
    this.settings = settings;
    this.index = index;
    this.up = previous.up;
    this.adminState = previous.adminState;
    this.weight =
        previous.settings.weight() == settings.weight() ? previous.weight : settings.weight();
    this.active = previous.active;
    this.shutdowns = previous.shutdowns;
    this.connections = previous.connections;
    this.connectFailures = previous.connectFailures;
    this.bytesIn = previous.bytesIn;
    this.bytesOut = previous.bytesOut;
    this.sessions = previous.sessions;
    this.maxconn =
        previous.settings.maxconn() == settings.maxconn() ? previous.maxconn : settings.maxconn();
    this.rampStep = previous.rampStep;
    this.rampSince = previous.rampSince;
    keepFormers(previous.formers);
    updateLimit();
  }

  /**
   * Replaces {@code former}, a server of the same name at another address (a reload). Reads {@code
   * former} only: the reload may still fail, and {@code former} then runs on with its own formers.
   * Flattened, so no chain of formers is walked through it.
   */
  void replaces(ServerState former) {
    keepFormers(former.formers);
    keepFormers(List.of(former));
  }

  /** Those of {@code others} whose sessions still run (ended ones are forgotten). */
  private void keepFormers(List<ServerState> others) {
    for (ServerState f : others) {
      if (!f.sessions.isEmpty() || f.active.get() > 0) {
        formers.add(f);
      }
    }
  }

  /** Moves its slow start to {@code step}, and its limit with it. Under the pool's monitor. */
  void rampTo(int step) {
    rampStep = step;
    updateLimit();
  }

  /** Sets its maxconn (0: no limit), and the limit in effect with it. */
  void setMaxconn(int maxconn) {
    this.maxconn = maxconn;
    updateLimit();
  }

  /** Recomputes the limit in effect: after {@link #maxconn} or {@link #rampStep} changed. */
  private void updateLimit() {
    int m = maxconn;
    limit = m == 0 ? 0 : Math.max(1, (int) ((long) m * rampStep / SlowStart.STEPS));
  }

  /** True if a reload may carry this server's state over to {@code next}: same address. */
  boolean sameServer(ServerSettings next) {
    return settings.name().equals(next.name()) && settings.address().equals(next.address());
  }

  /** True if this server may receive a new connection: up and ready, with room for it. */
  boolean takesConnections() {
    return up && adminState == ServerAdminState.READY && hasRoom();
  }

  /**
   * Takes a slot if the server has room (atomically: concurrent loops never overshoot maxconn).
   *
   * @return false if it is at its maxconn
   */
  boolean tryAcquire() {
    int limit = this.limit;
    if (limit == 0) {
      active.incrementAndGet();
      return true;
    }
    for (int a = active.get(); a < limit; a = active.get()) {
      if (active.compareAndSet(a, a + 1)) {
        return true;
      }
    }
    return false;
  }

  /** True if this server would take new connections if it had room: up, ready, of some weight. */
  boolean usable() {
    return up && adminState == ServerAdminState.READY && weight > 0;
  }

  /** True if this server is below its maxconn (or has none). */
  boolean hasRoom() {
    int limit = this.limit;
    return limit == 0 || active.get() < limit;
  }

  String name() {
    return settings.name();
  }
}
