package io.vipd.proxy;

import io.vipd.proxy.balance.Balancer;
import io.vipd.proxy.balance.Candidates;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * The servers of one backend, their health and the balancers over them.
 *
 * <p>Health seam: the integrator feeds active-check results (and its verdict on passive failures
 * reported through {@link ProxyEvents#onConnectFailed}) into {@link #setServerUp}. Servers start
 * up. Thread-safe: selection runs on every event loop, health updates come from any thread.
 */
public final class BackendPool {
  private final BackendSettings settings;
  private final ServerState[] primaries;
  private final ServerState[] backups;
  private final RandomGenerator random;
  private final LongSupplier clock;
  private final long slowstart;

  /** Servers in their slow start: while there is one, {@link #select} looks at the clock. */
  private volatile int ramping;

  /** When the next ramping server moves to its next step (the clock's time). */
  private volatile long nextRamp = Long.MAX_VALUE;

  /**
   * Rebuilt (under this pool's monitor) when the operator changes a weight or a slow start moves
   * on; read lock-free.
   */
  private volatile Balancer primaryBalancer;

  private volatile Balancer backupBalancer;

  private final Map<String, ServerState> byName = new HashMap<>();

  /** Connections waiting for a slot: this backend's since it was first configured. */
  final BackendQueue queue;

  /**
   * Where the steps of a slow start are timed while connections wait (a relay loop; null until the
   * proxy gives one): each step may raise a limit with no slot freed, as haproxy's warm-up task
   * serves its queue at each step.
   */
  private volatile ScheduledExecutorService stepTimer;

  private final AtomicBoolean stepArmed = new AtomicBoolean();

  /** The backend's {@code rebalance-rate}, run by {@link #rebalanceTask} under this monitor. */
  private final Rebalancer rebalancer;

  /** The rebalancer's periodic run on a relay loop, while it has one. */
  private ScheduledFuture<?> rebalanceTask;

  /** Replaced or stopped: its rebalancer no longer runs. Under the monitor. */
  private boolean timersStopped;

  BackendPool(BackendSettings settings) {
    this(settings, ThreadLocalRandomGenerator.INSTANCE, null, System::nanoTime);
  }

  BackendPool(BackendSettings settings, RandomGenerator random) {
    this(settings, random, null, System::nanoTime);
  }

  /**
   * The pool of {@code settings} after a reload: every server of {@code previous} with the same
   * name and address is carried over (up/down state, active count, counters, established sessions
   * and slow start); the others start fresh and up. Balancer state starts afresh.
   *
   * @param previous the pool being replaced, or null for a new backend
   */
  BackendPool(BackendSettings settings, BackendPool previous) {
    this(
        settings,
        ThreadLocalRandomGenerator.INSTANCE,
        previous,
        previous == null ? System::nanoTime : previous.clock);
  }

  /** A pool on another clock (nanoseconds, for slow start): tests. */
  BackendPool(BackendSettings settings, RandomGenerator random, LongSupplier clock) {
    this(settings, random, null, clock);
  }

  private BackendPool(
      BackendSettings settings, RandomGenerator random, BackendPool previous, LongSupplier clock) {
    this.settings = settings;
    this.random = random;
    this.clock = clock;
    this.slowstart = settings.slowstart().toNanos();
    this.queue = previous == null ? new BackendQueue(this) : previous.queue;
    this.rebalancer = new Rebalancer(settings.rebalanceRate());
    List<ServerState> p = new ArrayList<>();
    List<ServerState> b = new ArrayList<>();
    for (ServerSettings s : settings.servers()) {
      List<ServerState> group = s.backup() ? b : p;
      ServerState old = previous == null ? null : previous.byName.get(s.name());
      ServerState state =
          old != null && old.sameServer(s)
              ? new ServerState(s, group.size(), old)
              : new ServerState(s, group.size());
      if (old != null && !old.sameServer(s)) {
        state.replaces(old); // its sessions stay within reach of shutdown sessions
      }
      if (state.rampStep < SlowStart.STEPS) {
        if (slowstart == 0) {
          state.rampTo(SlowStart.STEPS);
        } else {
          ramping++;
        }
      }
      state.queue = queue;
      group.add(state);
      byName.put(s.name(), state);
    }
    this.primaries = p.toArray(new ServerState[0]);
    this.backups = b.toArray(new ServerState[0]);
    if (ramping > 0) {
      nextRamp = clock.getAsLong(); // the new period may have moved the steps: ramp at once
    }
    this.primaryBalancer = newBalancer(primaries, random);
    this.backupBalancer = newBalancer(backups, random);
  }

  private Balancer newBalancer(ServerState[] group, RandomGenerator random) {
    int[] weights = new int[group.length];
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < group.length; i++) {
      weights[i] = SlowStart.weight(group[i].weight, group[i].rampStep);
      keys.add(group[i].name());
    }
    return settings.balance().newBalancer(weights, keys, random);
  }

  /** Backend name. */
  public String name() {
    return settings.name();
  }

  /** The settings this pool was built from. */
  public BackendSettings settings() {
    return settings;
  }

  /**
   * Marks a server up or down. Down servers get no new connections; with {@link
   * OnMarkedDown#SHUTDOWN_SESSIONS} their established sessions are closed too (asynchronously, each
   * on its own event loop), and with {@link OnMarkedUp#SHUTDOWN_BACKUP_SESSIONS} a primary back up
   * closes those of the backup servers. Callable from any thread.
   *
   * @return true if the state changed
   * @throws IllegalArgumentException if the backend has no such server
   */
  public boolean setServerUp(String server, boolean up) {
    ServerState s = state(server);
    if (s.up == up) {
      return false;
    }
    if (slowstart > 0) {
      slowStart(s, up); // before it takes connections again: from its first step on
    }
    s.up = up;
    if (!up && settings.onMarkedDown() == OnMarkedDown.SHUTDOWN_SESSIONS) {
      for (RelaySession session : s.sessions) {
        session.closeFromAnyThread(CloseReason.SERVER_MARKED_DOWN);
      }
    }
    if (up
        && settings.onMarkedUp() == OnMarkedUp.SHUTDOWN_BACKUP_SESSIONS
        && !s.settings.backup()
        && s.adminState == ServerAdminState.READY
        && s.weight > 0) {
      // as haproxy: only a primary that takes connections again sends the backups' clients back
      for (ServerState b : backups) {
        for (RelaySession session : b.sessions) {
          session.closeFromAnyThread(CloseReason.PRIMARY_BACK_UP);
        }
      }
    }
    serveQueue(); // up: room; down: the backups may now be the ones to serve
    return true;
  }

  /** A server back up starts its slow start; one that goes down ends it. */
  private synchronized void slowStart(ServerState s, boolean up) {
    boolean wasRamping = s.rampStep < SlowStart.STEPS;
    if (up) {
      s.rampSince = clock.getAsLong();
      s.rampTo(1);
      ramping += wasRamping ? 0 : 1;
      nextRamp = Math.min(nextRamp, s.rampSince + SlowStart.nextStepAt(1, slowstart));
      armStepTimer();
    } else if (wasRamping) {
      s.rampTo(SlowStart.STEPS);
      ramping--;
    } else {
      return;
    }
    rebuild(s.settings.backup());
  }

  /** Nanoseconds until a ramping server's next step; {@link Long#MAX_VALUE} while none ramps. */
  private long nanosToNextRamp() {
    return ramping == 0 ? Long.MAX_VALUE : Math.max(1, nextRamp - clock.getAsLong());
  }

  /**
   * This pool is the backend's now (its reload can no longer fail): it takes the queue over and
   * runs its timed work on {@code timer} (a relay loop): a slow start's steps while connections
   * wait (see stepTimer), and the rebalancer if {@code rebalanceRate} is set. Until then a new pool
   * has no effect on anything live.
   */
  synchronized void commit(ScheduledExecutorService timer) {
    queue.owner = this;
    this.stepTimer = timer;
    armStepTimer();
    if (settings.rebalanceRate() > 0 && rebalanceTask == null) {
      try {
        rebalanceTask =
            timer.scheduleAtFixedRate(
                this::rebalance,
                Rebalancer.TICK_MILLIS,
                Rebalancer.TICK_MILLIS,
                TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException e) { // the proxy stops
        rebalanceTask = null;
      }
    }
    serveQueue(); // new servers, or a higher maxconn, may make room for those waiting
  }

  /** One run of the rebalancer ({@link Rebalancer}), over the servers that take connections. */
  private synchronized void rebalance() {
    if (timersStopped) {
      return; // a run that waited for the lock while the pool was retired
    }
    rampIfDue(); // the weights in effect, should no connection have moved the steps
    if (usable(primaries)) {
      rebalancer.run(primaries, clock.getAsLong());
    } else if (settings.allBackups()) {
      rebalancer.run(backups, clock.getAsLong());
    }
    // else the first backup takes every connection: there is no share to even out, and a closed
    // client would come straight back to it
  }

  /** While a slow start runs and connections wait: serve the queue at the next step. */
  private void armStepTimer() {
    ScheduledExecutorService t = stepTimer;
    if (t == null || ramping == 0 || queue.isEmpty() || !stepArmed.compareAndSet(false, true)) {
      return;
    }
    try {
      t.schedule(
          () -> {
            stepArmed.set(false);
            BackendPool owner = queue.owner; // a reload's pool, if one replaced this one
            owner.serveQueue();
            owner.armStepTimer();
          },
          nanosToNextRamp(),
          TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) { // the proxy stops
      stepArmed.set(false);
    }
  }

  /** Ramps when a ramping server is due for its next step: one volatile read while none ramps. */
  private void rampIfDue() {
    if (ramping != 0 && clock.getAsLong() - nextRamp >= 0) {
      ramp();
    }
  }

  /** Moves every ramping server to its current step; rebuilds the balancers whose weights moved. */
  private synchronized void ramp() {
    long now = clock.getAsLong();
    if (now - nextRamp < 0) {
      return; // another thread was here first
    }
    boolean primary = false;
    boolean backup = false;
    long next = Long.MAX_VALUE;
    for (ServerState s : byName.values()) {
      if (s.rampStep == SlowStart.STEPS) {
        continue;
      }
      int step = SlowStart.step(now - s.rampSince, slowstart);
      if (step != s.rampStep) {
        s.rampTo(step);
        primary |= !s.settings.backup();
        backup |= s.settings.backup();
      }
      if (step == SlowStart.STEPS) {
        ramping--;
      } else {
        next = Math.min(next, s.rampSince + SlowStart.nextStepAt(step, slowstart));
      }
    }
    nextRamp = next;
    if (primary) {
      rebuild(false);
    }
    if (backup) {
      rebuild(true);
    }
    if (primary || backup) {
      serveQueue(); // the limits rose with the weights
    }
    armStepTimer();
  }

  private void rebuild(boolean backup) {
    Balancer next = newBalancer(backup ? backups : primaries, random);
    next.continueFrom(backup ? backupBalancer : primaryBalancer);
    if (backup) {
      backupBalancer = next;
    } else {
      primaryBalancer = next;
    }
  }

  /**
   * Sets a server's operator state (haproxy {@code set server ... state}). {@link
   * ServerAdminState#DRAIN} and {@link ServerAdminState#MAINT} stop new connections at once;
   * established sessions are never closed by this. Health checks keep feeding {@link #setServerUp}
   * meanwhile, and do not change the operator state. With a slow start, an up server set back to
   * {@link ServerAdminState#READY} ramps up as one whose check passes again. Callable from any
   * thread.
   *
   * @return the previous state
   * @throws IllegalArgumentException if the backend has no such server
   */
  public ServerAdminState setServerAdminState(String server, ServerAdminState state) {
    java.util.Objects.requireNonNull(state, "state");
    ServerState s = state(server);
    ServerAdminState before = s.adminState;
    if (slowstart > 0 && before != state && s.up) {
      // Back from drain or maintenance is back too, as in haproxy: the ramp starts (before the
      // server takes connections again); leaving ready ends a ramp under way.
      slowStart(s, state == ServerAdminState.READY);
    }
    s.adminState = state;
    serveQueue(); // ready: room; drained: the backups may now be the ones to serve
    return before;
  }

  /**
   * Closes every established session of {@code server} (haproxy {@code shutdown sessions server}),
   * and those of the servers of its name that reloads replaced at another address, each on its own
   * event loop; its clients reconnect, to another server if this one no longer takes connections.
   * Callable from any thread.
   *
   * @return how many sessions were asked to close
   * @throws IllegalArgumentException if the backend has no such server
   */
  public int shutdownSessions(String server) {
    ServerState current = state(server);
    List<ServerState> all = new ArrayList<>(current.formers);
    all.add(current);
    int n = 0;
    for (ServerState s : all) { // this server, and those of its name a reload moved away from
      s.shutdowns.incrementAndGet(); // first: a connect that ends after the walk below sees it
      for (RelaySession session : s.sessions) {
        session.closeFromAnyThread(CloseReason.SHUT_DOWN_BY_OPERATOR);
        n++;
      }
    }
    return n;
  }

  /** The operator state of {@code server}. */
  public ServerAdminState serverAdminState(String server) {
    return state(server).adminState;
  }

  /**
   * Sets the weight {@code server} gets for new connections from now on (haproxy {@code set
   * weight}); 0 gives it none. The balancer of its group starts afresh. Callable from any thread.
   *
   * @param weight 0..256
   * @return the previous weight
   * @throws IllegalArgumentException if the backend has no such server or the weight is out of
   *     range
   */
  public synchronized int setServerWeight(String server, int weight) {
    if (weight < 0 || weight > 256) {
      throw new IllegalArgumentException("weight out of 0..256: " + weight);
    }
    ServerState s = state(server);
    int before = s.weight;
    if (before == weight) {
      return before;
    }
    s.weight = weight;
    rebuild(s.settings.backup());
    serveQueue(); // a weight: room; none: the backups may now be the ones to serve
    return before;
  }

  /**
   * Sets the most connections {@code server} may have (haproxy {@code set maxconn server}); 0 for
   * no limit. Connections over a lowered limit go on; new ones wait in the queue until it has room
   * again, and a raised one serves the queue at once. Callable from any thread.
   *
   * @param maxconn 0..1,000,000
   * @return the previous maxconn
   * @throws IllegalArgumentException if the backend has no such server or maxconn is out of range
   */
  public synchronized int setServerMaxconn(String server, int maxconn) {
    if (maxconn < 0 || maxconn > 1_000_000) {
      throw new IllegalArgumentException("maxconn out of 0..1000000: " + maxconn);
    }
    ServerState s = state(server);
    int before = s.maxconn;
    s.setMaxconn(maxconn);
    serveQueue();
    return before;
  }

  /** The most connections {@code server} may have now, 0 for no limit (before slow start). */
  public int serverMaxconn(String server) {
    return state(server).maxconn;
  }

  /**
   * Retires the servers of this (replaced) pool that {@code next} does not carry over: they get no
   * new connection, and their established sessions follow {@code onMarkedDown} (closed for {@link
   * OnMarkedDown#SHUTDOWN_SESSIONS}, left to finish otherwise).
   *
   * @param next the replacing pool, or null if the backend was removed
   * @return the names of the retired servers
   */
  /** Stops the rebalancer: the pool is replaced (the next one runs its own) or the proxy stops. */
  synchronized void stopTimers() {
    timersStopped = true;
    if (rebalanceTask != null) {
      rebalanceTask.cancel(false);
      rebalanceTask = null;
    }
  }

  List<String> retire(BackendPool next, OnMarkedDown onMarkedDown) {
    stopTimers();
    List<String> retired = new ArrayList<>();
    for (ServerState s : byName.values()) {
      ServerState kept = next == null ? null : next.byName.get(s.name());
      if (kept != null && kept.sessions == s.sessions) {
        continue;
      }
      retired.add(s.name());
      s.up = false;
      // the reload succeeded: the server that replaced it holds its formers (and it), flattened
      s.formers.clear();
      if (onMarkedDown == OnMarkedDown.SHUTDOWN_SESSIONS) {
        for (RelaySession session : s.sessions) {
          session.closeFromAnyThread(CloseReason.SERVER_MARKED_DOWN);
        }
      }
    }
    if (next == null) {
      for (RelaySession waiting : queue.close()) { // the backend is gone: nothing to wait for
        waiting.closeFromAnyThread(CloseReason.NO_SERVER);
      }
    }
    return retired;
  }

  /**
   * Whether {@code s}, a server of this pool or of one a reload replaced with it, is up now: a kept
   * server's new state holds the flag that health checks set from then on (the replaced state keeps
   * the one it had); a server the reload retired is down.
   */
  boolean isUpNow(ServerState s) {
    ServerState now = byName.get(s.name());
    return now != null && now.sessions == s.sessions ? now.up : s.up;
  }

  /** Whether {@code server} is currently up. */
  public boolean isServerUp(String server) {
    return state(server).up;
  }

  ServerState state(String server) {
    ServerState s = byName.get(server);
    if (s == null) {
      throw new IllegalArgumentException("backend " + name() + " has no server " + server);
    }
    return s;
  }

  /**
   * Chooses the server for a connect attempt: an up primary not yet tried by this session, else any
   * up primary (a retry to the same server), else the same over the backups when no primary is up
   * at all, as haproxy: primaries that are only full (at their maxconn) keep the backups out.
   *
   * @return null if no server can take a connection now: none is up, or every one that is up is
   *     full (the caller may {@link #enqueue})
   */
  ServerState select(BitSet triedPrimaries, BitSet triedBackups, long sourceHash) {
    rampIfDue();
    ServerState s = pick(primaries, primaryBalancer, triedPrimaries, sourceHash);
    if (s != null || usable(primaries)) {
      return s;
    }
    return settings.allBackups()
        ? pick(backups, backupBalancer, triedBackups, sourceHash)
        : firstBackup(triedBackups);
  }

  /** No server tried yet: shared, never changed. */
  static final BitSet NONE_TRIED = new BitSet();

  /**
   * haproxy's default (no {@code option allbackups}): the first usable backup in configuration
   * order takes every connection, and when it is full they wait for it; a retry goes to the next
   * usable backup not yet tried that has room, else to the first. Whenever {@link #hasRoom} says
   * yes (the first usable backup has room) this finds a server, so a queued session is never handed
   * a turn it cannot use.
   */
  private ServerState firstBackup(BitSet tried) {
    ServerState first = null;
    for (int i = 0; i < backups.length; i++) {
      ServerState b = backups[i];
      if (!b.usable()) {
        continue;
      }
      if (first == null) {
        if (!b.hasRoom()) {
          return null; // the first is full: connections wait for it, as haproxy's
        }
        first = b;
      }
      if (!tried.get(i) && b.hasRoom()) {
        return b;
      }
    }
    return first;
  }

  /**
   * {@code s}, a server of {@code in}, as this pool has it: itself, or after a reload the server of
   * the same name here (null if the reload removed it).
   */
  ServerState current(ServerState s, BackendPool in) {
    return in == this ? s : byName.get(s.name());
  }

  /**
   * {@code tried}, indexes of this pool's primaries (or backups), as indexes of the same servers
   * (by name, in the same group) in {@code to}, a pool that replaced this one: a session's retry
   * after a reload must still skip the servers it tried.
   */
  BitSet sameServersIn(BackendPool to, BitSet tried, boolean backup) {
    ServerState[] from = backup ? backups : primaries;
    BitSet out = new BitSet();
    for (int i = tried.nextSetBit(0); i >= 0 && i < from.length; i = tried.nextSetBit(i + 1)) {
      ServerState now = to.byName.get(from[i].name());
      if (now != null && now.settings.backup() == backup) {
        out.set(now.index);
      }
    }
    return out;
  }

  /** True if a server of {@code group} would take connections if it had room for them. */
  private static boolean usable(ServerState[] group) {
    for (ServerState s : group) {
      if (s.usable()) {
        return true;
      }
    }
    return false;
  }

  /** True if a server of the group {@link #select} draws from has room for a connection. */
  private boolean hasRoom() {
    boolean primary = usable(primaries);
    if (!primary && !settings.allBackups()) {
      ServerState first = firstBackup(NONE_TRIED); // the one a queued session would get
      return first != null;
    }
    ServerState[] group = primary ? primaries : backups;
    for (ServerState s : group) {
      if (s.usable() && s.hasRoom()) {
        return true;
      }
    }
    return false;
  }

  /**
   * Puts {@code session} in the queue (last, or {@code first} when back from a turn it could not
   * use) if waiting makes sense: some server is up, and so will free a slot some time.
   *
   * @return false if no server is up: the session has nothing to wait for
   */
  boolean enqueue(RelaySession session, boolean first) {
    if (!usable(primaries) && !usable(backups)) {
      return false;
    }
    if (!queue.add(session, first)) {
      return false;
    }
    serveQueue();
    armStepTimer();
    return true;
  }

  /**
   * Hands the oldest waiting session its turn if a server has room for it; called whenever a slot
   * may have freed up. One read of a volatile while none waits. Any thread.
   */
  void serveQueue() {
    if (queue.isEmpty()) {
      return;
    }
    rampIfDue(); // a slow start's next step may have raised a limit
    if (!hasRoom()) {
      return;
    }
    RelaySession next = queue.nextTurn();
    if (next == null) {
      return;
    }
    try {
      next.takeTurnFromAnyThread(queue);
    } catch (RuntimeException e) { // its loop is shutting down: the proxy stops
      queue.endTurn();
    }
  }

  private static ServerState pick(
      ServerState[] group, Balancer balancer, BitSet tried, long sourceHash) {
    int i = balancer.pick(new GroupView(group, tried), sourceHash);
    if (i == Balancer.NONE && !tried.isEmpty()) {
      i = balancer.pick(new GroupView(group, null), sourceHash);
    }
    return i == Balancer.NONE ? null : group[i];
  }

  /** Sessions open to any server of this pool (counts may be a moment stale). */
  int activeSessions() {
    int n = 0;
    for (ServerState s : byName.values()) {
      n += s.active.get();
    }
    return n;
  }

  void addStatus(List<ServerStatus> out) {
    rampIfDue(); // the steps move on selection: without new connections, the throttle would lag
    for (ServerSettings s : settings.servers()) {
      ServerState st = byName.get(s.name());
      out.add(
          new ServerStatus(
              name(),
              s.name(),
              st.up,
              s.backup(),
              st.active.get(),
              st.connections.sum(),
              st.connectFailures.sum(),
              st.bytesIn.sum(),
              st.bytesOut.sum(),
              st.adminState,
              st.weight,
              st.rampStep * 100 / SlowStart.STEPS,
              st.maxconn));
    }
  }

  /** One group as the balancer sees it for one attempt: up and, if {@code tried} given, untried. */
  private static final class GroupView implements Candidates {
    private final ServerState[] group;
    private final BitSet tried;

    GroupView(ServerState[] group, BitSet tried) {
      this.group = group;
      this.tried = tried;
    }

    @Override
    public boolean eligible(int index) {
      return group[index].takesConnections() && (tried == null || !tried.get(index));
    }

    @Override
    public int activeConnections(int index) {
      return group[index].active.get();
    }
  }

  /** Delegates to the calling thread's {@link ThreadLocalRandom}: safe from every event loop. */
  private enum ThreadLocalRandomGenerator implements RandomGenerator {
    INSTANCE;

    @Override
    public long nextLong() {
      return ThreadLocalRandom.current().nextLong();
    }

    @Override
    public long nextLong(long bound) {
      return ThreadLocalRandom.current().nextLong(bound);
    }
  }
}
