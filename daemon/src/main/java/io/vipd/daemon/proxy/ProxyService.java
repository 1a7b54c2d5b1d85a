package io.vipd.daemon.proxy;

import io.netty.channel.EventLoopGroup;
import io.vipd.daemon.config.BackendConfig;
import io.vipd.daemon.config.ProxyConfig;
import io.vipd.daemon.config.ServerConfig;
import io.vipd.daemon.health.CheckFactory;
import io.vipd.daemon.health.CheckFiles;
import io.vipd.daemon.track.TrackingService.StateSink;
import io.vipd.daemon.track.TrackingService.TrackedSource;
import io.vipd.health.CheckResult;
import io.vipd.health.HealthCheck;
import io.vipd.health.HealthListener;
import io.vipd.health.HealthMonitor;
import io.vipd.health.HealthState;
import io.vipd.health.HealthStatus;
import io.vipd.health.HealthTransition;
import io.vipd.proxy.FrontendStatus;
import io.vipd.proxy.ProxyEvents;
import io.vipd.proxy.ProxyOptions;
import io.vipd.proxy.ProxyServer;
import io.vipd.proxy.ProxySettings;
import io.vipd.proxy.ProxyStatus;
import io.vipd.proxy.ServerAdminState;
import io.vipd.proxy.ServerStatus;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy half of vipd: binds the frontends, runs the active checks of every backend server,
 * feeds their results (and the proxy's own connect failures) into server up/down state, and exposes
 * the proxy's ability to serve as a tracked source for VRRP (fate sharing).
 */
public final class ProxyService implements Closeable {

  private static final Logger LOG = LoggerFactory.getLogger("vipd.proxy");

  private volatile ProxyConfig config;
  private final ProxyServer server;

  /**
   * Server monitors and their checks by {@code backend/server}: replaced whole by {@link #apply}
   * (under this object's lock), read lock-free by the proxy's event loops.
   */
  private volatile Map<String, HealthMonitor> monitors = new LinkedHashMap<>();

  private volatile Map<String, HealthCheck> checks = new LinkedHashMap<>();

  /** What each check read from its files when built ({@link CheckFiles}), by the same key. */
  private volatile Map<String, String> checkFiles = new LinkedHashMap<>();

  private final List<Runnable> stateWatchers = new CopyOnWriteArrayList<>();

  /** A monitor a reload made for a server, not started yet. */
  private record NewMonitor(String backend, String server, HealthMonitor monitor) {}

  /** Orders a check's transition against a reload's swap of monitors (see {@link #apply}). */
  private final Object transitions = new Object();

  /** Whether any server has passed an active check since start (see {@link #onFirstAnswer}). */
  private volatile boolean answered;

  private final List<Runnable> answerWatchers = new CopyOnWriteArrayList<>();

  /** Passive health: connect results that become reports to the monitors. */
  private final ConnectErrors connectErrors = new ConnectErrors();

  private volatile boolean listening;

  /** The events beyond the service's own: the connection log, when it is on. */
  private final ProxyEvents extraEvents;

  private ProxyService(ProxyConfig config, ProxyEvents extraEvents) {
    this.config = config;
    this.extraEvents = extraEvents;
    this.server =
        new ProxyServer(
            new Events(extraEvents),
            ProxyOptions.DEFAULTS
                .withBusyPolling(config.busyPolling())
                .withPollWindow(config.pollWindow().toNanos())
                .withCoalesceWindow(config.coalesceWindow().toNanos()));
  }

  /**
   * Connection log lines dropped since start because the log output did not keep up (haproxy's
   * {@code DroppedLogs}); 0 when the connection log is off.
   */
  public long droppedLogLines() {
    return extraEvents instanceof ConnectionLog log ? log.droppedLines() : 0;
  }

  /**
   * Binds every frontend and starts the server checks.
   *
   * @throws IOException if a frontend cannot bind or an address does not resolve
   */
  public static ProxyService start(
      ProxyConfig config, CheckFactory factory, EventLoopGroup checkLoops, ProxyEvents events)
      throws IOException {
    ProxyService service = new ProxyService(config, events);
    DescriptorBudget.warnIfShort(config, LOG);
    ProxySettings settings = ProxySettingsMapper.map(config);
    service.server.start(settings);
    service.listening = true;
    for (BackendConfig b : config.backends().values()) {
      for (ServerConfig s : b.servers()) {
        InetSocketAddress address = ProxySettingsMapper.resolve(s.address());
        String files = CheckFiles.fingerprint(b.check()); // before the check reads them
        factory
            .create(b.check(), address)
            .ifPresent(check -> service.monitor(b, s, check, files, checkLoops));
      }
    }
    if (service.monitors.size() < 2) {
      // Fewer than two checked servers (e.g. only the local API server): this proxy does not see
      // the cluster, so "none answered yet" says nothing about the other nodes: no hold.
      service.answered = true;
    }
    service.monitors.values().forEach(HealthMonitor::start);
    LOG.info(
        "proxy listening: {} ({} transport)",
        config.frontends().stream().map(f -> f.name() + " " + f.bind()).toList(),
        service.server.nativeTransport() ? "epoll" : "nio");
    return service;
  }

  private void monitor(
      BackendConfig b, ServerConfig s, HealthCheck check, String files, EventLoopGroup loops) {
    String key = b.name() + "/" + s.name();
    checks.put(key, check);
    checkFiles.put(key, files);
    monitors.put(key, newMonitor(b, s, check, loops));
  }

  private HealthMonitor newMonitor(
      BackendConfig b, ServerConfig s, HealthCheck check, EventLoopGroup loops) {
    ServerHealth health = new ServerHealth(b.name(), s.name());
    HealthMonitor m =
        new HealthMonitor(
            b.name() + "/" + s.name(),
            check,
            CheckFactory.serverSettings(b.check(), currentUp(b.name(), s)),
            loops.next(),
            health);
    health.monitor = m; // before the monitor starts, so before its first transition
    return m;
  }

  /**
   * The proxy's current up state of a server whose check ran before this reload (empty for a new
   * one, or one not checked until now): a check started anew by a reload starts from it, so that
   * its first transition is a real change the proxy hears about.
   */
  private Optional<Boolean> currentUp(String backend, ServerConfig s) {
    String serverName = s.name();
    if (!monitors.containsKey(backend + "/" + serverName) || !sameAddressAsRunning(backend, s)) {
      return Optional.empty(); // new, or at another address: a new server, up as haproxy's
    }
    for (ServerStatus st : server.status().servers()) {
      if (st.backend().equals(backend) && st.server().equals(serverName)) {
        return Optional.of(st.up());
      }
    }
    return Optional.empty();
  }

  /** Whether the running configuration has {@code s} in {@code backend} at the same address. */
  private boolean sameAddressAsRunning(String backend, ServerConfig s) {
    BackendConfig running = config.backends().get(backend);
    return running != null
        && running.servers().stream()
            .anyMatch(r -> r.name().equals(s.name()) && r.address().equals(s.address()));
  }

  /**
   * Reload in place ({@link ProxyServer#apply}): listeners of unchanged frontends and every
   * established connection are kept. Server checks: a server whose address, backend check settings
   * and check files (CA, client certificate and key, by content: see {@link CheckFiles}) are
   * unchanged keeps its running monitor (and its up/down state); a new or changed one gets a new
   * monitor, which starts from the server's current state; a removed one's monitor stops.
   *
   * @return one human-readable line per change
   * @throws IOException if an address does not resolve, a check cannot be built (a CA, certificate
   *     or key file it cannot read) or a new frontend cannot bind; then nothing changed
   */
  public synchronized List<String> apply(
      ProxyConfig next, CheckFactory factory, EventLoopGroup checkLoops) throws IOException {
    ProxySettings settings = ProxySettingsMapper.map(next);
    DescriptorBudget.warnIfShort(next, LOG);
    ProxyConfig before = config;
    Map<String, HealthMonitor> oldMonitors = monitors;
    Map<String, HealthCheck> oldChecks = checks;
    Map<String, String> oldFiles = checkFiles;
    Map<String, String> newFiles = new LinkedHashMap<>();
    Map<String, HealthMonitor> keptMonitors = new LinkedHashMap<>();
    // The new checks are built before the proxy changes: building one can fail (a CA, certificate
    // or key file that cannot be read), and then nothing may have changed.
    Map<String, HealthCheck> created = new LinkedHashMap<>();
    try {
      for (BackendConfig b : next.backends().values()) {
        BackendConfig old = before.backends().get(b.name());
        for (ServerConfig s : b.servers()) {
          String key = b.name() + "/" + s.name();
          String files = CheckFiles.fingerprint(b.check());
          newFiles.put(key, files);
          if (old != null
              && old.check().equals(b.check())
              && oldMonitors.containsKey(key)
              && files.equals(oldFiles.get(key))
              && old.servers().stream()
                  .anyMatch(o -> o.name().equals(s.name()) && o.address().equals(s.address()))) {
            keptMonitors.put(key, oldMonitors.get(key));
            continue;
          }
          InetSocketAddress address = ProxySettingsMapper.resolve(s.address());
          Optional<HealthCheck> check;
          try {
            check = factory.create(b.check(), address);
          } catch (RuntimeException e) {
            throw new IOException(
                "backend " + b.name() + ", server " + s.name() + ": check: " + e.getMessage(), e);
          }
          check.ifPresent(c -> created.put(key, c));
        }
      }
    } catch (IOException | RuntimeException e) {
      created.values().forEach(HealthCheck::close);
      throw e;
    }
    List<String> changes;
    try {
      changes = new ArrayList<>(server.apply(settings));
    } catch (IOException | RuntimeException e) {
      created.values().forEach(HealthCheck::close);
      throw e;
    }
    List<NewMonitor> started = new ArrayList<>();
    Map<String, HealthMonitor> newMonitors = new LinkedHashMap<>();
    Map<String, HealthCheck> newChecks = new LinkedHashMap<>();
    for (BackendConfig b : next.backends().values()) {
      for (ServerConfig s : b.servers()) {
        String key = b.name() + "/" + s.name();
        if (keptMonitors.containsKey(key)) {
          newMonitors.put(key, keptMonitors.get(key));
          newChecks.put(key, oldChecks.get(key));
          continue;
        }
        HealthCheck check = created.get(key);
        if (check != null) {
          newChecks.put(key, check);
          HealthMonitor m = newMonitor(b, s, check, checkLoops);
          newMonitors.put(key, m);
          started.add(new NewMonitor(b.name(), s.name(), m));
        }
      }
    }
    config = next;
    synchronized (transitions) {
      monitors = newMonitors;
      // A replaced monitor's transition may have changed a server since its new monitor read the
      // server's state: the proxy takes the new monitor's starting state (not started yet, it has
      // nothing to report, and from here on the old one is not heard).
      for (NewMonitor n : started) {
        server.setServerUp(n.backend(), n.server(), n.monitor().state() == HealthState.UP);
      }
    }
    checks = newChecks;
    checkFiles = newFiles;
    for (BackendConfig b : next.backends().values()) {
      for (ServerConfig s : b.servers()) {
        if (!newMonitors.containsKey(b.name() + "/" + s.name())) {
          // no check (type = none): always up, whatever an earlier check had found
          server.setServerUp(b.name(), s.name(), true);
        }
      }
    }
    for (Map.Entry<String, HealthMonitor> e : oldMonitors.entrySet()) {
      if (!keptMonitors.containsKey(e.getKey())) {
        e.getValue().close();
        HealthCheck c = oldChecks.get(e.getKey());
        if (c != null) {
          c.close();
        }
      }
    }
    if (newMonitors.size() < 2) {
      serverAnswered();
    }
    started.forEach(n -> n.monitor().start());
    for (BackendConfig b : next.backends().values()) {
      BackendConfig old = before.backends().get(b.name());
      if (old != null && !old.passive().equals(b.passive())) {
        changes.add("backend " + b.name() + ": passive health now " + b.passive());
      }
    }
    if (!started.isEmpty()) {
      changes.add(started.size() + " server check(s) (re)started");
    }
    stateWatchers.forEach(Runnable::run);
    return changes;
  }

  /**
   * Whether any server of any backend has passed an active check since the proxy started: until
   * then, as during {@code kubeadm init} before the first API server answers, every node sees the
   * same (each node's proxy checks every API server), so tracking holds the weights of failing
   * checks (see {@code TrackingService}) and the VIP does not move between equally failing nodes.
   * Always true for a proxy with fewer than two checked servers, which cannot see the cluster.
   */
  public boolean anyServerAnswered() {
    return answered;
  }

  /** Runs {@code r} once, when a server first passes a check (at once if one already has). */
  public void onFirstAnswer(Runnable r) {
    answerWatchers.add(r);
    if (answered && answerWatchers.remove(r)) {
      r.run();
    }
  }

  private synchronized void serverAnswered() {
    if (answered) {
      return;
    }
    answered = true;
    LOG.info("an API server answered its check: tracked checks weigh from now on");
    for (Runnable r : answerWatchers) {
      if (answerWatchers.remove(r)) {
        r.run();
      }
    }
  }

  /** The proxy, for status and tests. */
  public ProxyServer server() {
    return server;
  }

  /** Counters and states. */
  public ProxyStatus status() {
    return server.status();
  }

  /** Whether the frontends are bound and accepting (false once stopping). */
  public boolean listening() {
    return listening;
  }

  /** Status of every server check. */
  public List<HealthStatus> checkStatus() {
    return monitors.values().stream().map(HealthMonitor::status).toList();
  }

  /**
   * Fate sharing: up while the frontends that use {@code backend} listen and at least {@code
   * minServersUp} of its servers are up.
   */
  public TrackedSource readiness(String backend, int minServersUp) {
    return sink -> {
      // Evaluated on check, admin, reload and stop threads alike: reading the servers and telling
      // the sink happen under one lock, so that the last state told is the last one read (an
      // admin 'enable' racing a server going down must not leave a stale UP behind).
      Object lock = new Object();
      Runnable evaluate =
          () -> {
            synchronized (lock) {
              report(sink, backend, minServersUp);
            }
          };
      stateWatchers.add(evaluate);
      evaluate.run();
      return () -> stateWatchers.remove(evaluate);
    };
  }

  private void report(StateSink sink, String backend, int minServersUp) {
    ProxyStatus now = server.status();
    // A frontend of this backend that the operator disabled refuses the VIP's clients: the node
    // cannot serve them, as when it does not listen at all.
    String disabled =
        now.frontends().stream()
            .filter(FrontendStatus::disabled)
            .map(FrontendStatus::frontend)
            .filter(
                f ->
                    config.frontends().stream()
                        .anyMatch(c -> c.name().equals(f) && c.backend().equals(backend)))
            .findFirst()
            .orElse(null);
    long up = 0;
    long serving = 0;
    for (ServerStatus s : now.servers()) {
      if (s.backend().equals(backend) && s.up()) {
        up++;
        // A drained, disabled or weight-0 server takes no new connection: it cannot serve.
        if (s.adminState() == ServerAdminState.READY && s.weight() > 0) {
          serving++;
        }
      }
    }
    boolean ok = listening && disabled == null && serving >= minServersUp;
    BackendConfig b = config.backends().get(backend);
    String detail =
        !listening
            ? "frontends not listening"
            : disabled != null
                ? "frontend " + disabled + " disabled"
                : b == null
                    ? "backend " + backend + " not configured"
                    : up
                        + " of "
                        + b.servers().size()
                        + " servers up"
                        + (serving < up ? ", " + serving + " taking new connections" : "");
    sink.accept(ok ? HealthState.UP : HealthState.DOWN, detail);
  }

  /**
   * Sets a server's operator state (haproxy's {@code set server ... state}) and re-evaluates the
   * fate-sharing checks: a backend whose servers are all drained cannot serve.
   *
   * @return the state before
   * @throws IllegalArgumentException if there is no such server
   */
  public ServerAdminState setServerAdminState(
      String backend, String serverName, ServerAdminState state) {
    ServerAdminState before = server.setServerAdminState(backend, serverName, state);
    stateWatchers.forEach(Runnable::run);
    return before;
  }

  /**
   * Sets a server's weight for new connections (0: none) and re-evaluates the fate-sharing checks.
   *
   * @return the weight before
   * @throws IllegalArgumentException if there is no such server
   */
  public int setServerWeight(String backend, String serverName, int weight) {
    int before = server.setServerWeight(backend, serverName, weight);
    stateWatchers.forEach(Runnable::run);
    return before;
  }

  /**
   * Sets the most connections a server may have (0: no limit); a raised limit serves those waiting
   * in its backend's queue at once.
   *
   * @return the maxconn before
   * @throws IllegalArgumentException if there is no such server or maxconn is out of range
   */
  public int setServerMaxconn(String backend, String serverName, int maxconn) {
    return server.setServerMaxconn(backend, serverName, maxconn);
  }

  /**
   * A frontend's connection limit (0: none of its own) until the next reload.
   *
   * @return the limit before
   * @throws IllegalArgumentException if there is no such frontend or the limit is out of range
   */
  public int setFrontendMaxconn(String frontend, int maxconn) {
    return server.setFrontendMaxconn(frontend, maxconn);
  }

  /**
   * The global connection limit until the next reload; 0 restores the configured one.
   *
   * @return the limit before
   */
  public int setGlobalMaxconn(int maxconn) {
    return server.setGlobalMaxconn(maxconn == 0 ? config.maxconn() : maxconn);
  }

  /**
   * haproxy's {@code disable frontend} / {@code enable frontend} until the next reload (see {@link
   * ProxyServer#setFrontendEnabled}), then re-evaluates the fate-sharing checks: a node whose
   * frontend refuses connections cannot serve the VIP's clients.
   *
   * @return whether it was enabled before
   * @throws IllegalArgumentException if there is no such frontend
   * @throws IOException if the transport cannot do it or a socket refuses; nothing changed
   */
  public boolean setFrontendEnabled(String frontend, boolean enabled) throws IOException {
    boolean before = server.setFrontendEnabled(frontend, enabled);
    stateWatchers.forEach(Runnable::run);
    return before;
  }

  /** Read buffers the relay holds now (see RelayBufferBudget); 0 on NIO. */
  public int relayBuffersInUse() {
    return server.relayBuffersInUse();
  }

  /** Waits of the relay's loops that an event ended within the poll window, since start. */
  public long loopWakeupsSaved() {
    return server.loopWakeupsSaved();
  }

  /** Waits of the relay's loops that slept, since start. */
  public long loopSleeps() {
    return server.loopSleeps();
  }

  /** Waits of the relay's loops spent napping, since start. */
  public long loopNaps() {
    return server.loopNaps();
  }

  /** Times a connection waited for a read buffer since start. */
  public long relayBufferWaits() {
    return server.relayBufferWaits();
  }

  /** Closes every established session of a server; returns how many. */
  public int shutdownSessions(String backend, String serverName) {
    return server.shutdownSessions(backend, serverName);
  }

  /** Stops accepting and lets established connections finish for up to {@code grace}. */
  public synchronized void stop(Duration grace) {
    listening = false;
    stateWatchers.forEach(Runnable::run);
    monitors.values().forEach(HealthMonitor::close);
    checks.values().forEach(HealthCheck::close);
    server.stop(grace);
  }

  /**
   * Ends the drain of a {@link #stop} under way: established connections are closed now. Not
   * synchronized: the stop holds the lock while it drains.
   */
  public void endDrain() {
    server.endDrain();
  }

  @Override
  public void close() {
    stop(Duration.ZERO);
  }

  /** Active check results of one server become its up/down state. */
  private final class ServerHealth implements HealthListener {
    private final String backend;
    private final String serverName;

    /** The monitor reporting here: only while it is the server's current one is it heard. */
    private volatile HealthMonitor monitor;

    ServerHealth(String backend, String serverName) {
      this.backend = backend;
      this.serverName = serverName;
    }

    @Override
    public void onResult(String checkName, CheckResult result, HealthState state) {
      if (!answered && result.healthy() && !result.detail().startsWith("passive: ")) {
        serverAnswered();
      }
    }

    @Override
    public void onTransition(HealthTransition t) {
      boolean up = t.to() == HealthState.UP;
      boolean changed;
      synchronized (transitions) { // not between a reload's swap of monitors and its re-sync
        if (monitors.get(backend + "/" + serverName) != monitor) {
          // Removed or replaced by a reload while this transition was on its way: a replaced
          // monitor's late DOWN would mark the server down under a new monitor that, having
          // started from UP, sends no UP to undo it.
          return;
        }
        changed = server.setServerUp(backend, serverName, up);
      }
      if (changed) {
        long left =
            server.status().servers().stream()
                .filter(s -> s.backend().equals(backend) && s.up())
                .count();
        // as haproxy: a server going down is worth a warning (journalctl -p warning shows it),
        // a backend left with none an error
        String line = "Server {}/{} is {}, reason: {}, check duration: {}ms. {} servers left up.";
        Object[] args = {
          backend,
          serverName,
          up ? "UP" : "DOWN",
          t.lastResult().detail(),
          t.lastResult().durationNanos() / 1_000_000,
          left
        };
        if (up) {
          LOG.info(line, args);
        } else {
          LOG.warn(line, args);
          if (left == 0) {
            LOG.error("backend {} has no server available!", backend);
          }
        }
        stateWatchers.forEach(Runnable::run);
      }
    }
  }

  /** Connect results go to passive health ({@link ConnectErrors}), then pass on. */
  private final class Events implements ProxyEvents {
    private final ProxyEvents delegate;

    Events(ProxyEvents delegate) {
      this.delegate = delegate;
    }

    @Override
    public void onConnectionAccepted(String frontend, InetSocketAddress client) {
      delegate.onConnectionAccepted(frontend, client);
    }

    @Override
    public void onConnectionRefused(String frontend, InetSocketAddress client) {
      delegate.onConnectionRefused(frontend, client);
    }

    @Override
    public void onServerConnected(String backend, String serverName, long connectNanos) {
      if (connectErrors.pending()) { // false in the normal case: nothing per connection
        String key = backend + "/" + serverName;
        connectErrors.connected(key, monitors.get(key));
      }
      delegate.onServerConnected(backend, serverName, connectNanos);
    }

    @Override
    public void onConnectFailed(
        String backend, String serverName, boolean timedOut, Throwable cause) {
      BackendConfig b = config.backends().get(backend);
      if (b != null) {
        String key = backend + "/" + serverName;
        connectErrors.failed(
            key,
            monitors.get(key),
            b.passive(),
            timedOut ? "connect timeout" : String.valueOf(cause.getMessage()));
      }
      delegate.onConnectFailed(backend, serverName, timedOut, cause);
    }

    @Override
    public void onTimeout(String frontend, io.vipd.proxy.TimeoutKind kind) {
      delegate.onTimeout(frontend, kind);
    }

    @Override
    public void onConnectionClosed(
        String frontend,
        String serverName,
        io.vipd.proxy.CloseReason reason,
        long bytesIn,
        long bytesOut,
        long durationNanos) {
      delegate.onConnectionClosed(frontend, serverName, reason, bytesIn, bytesOut, durationNanos);
    }

    @Override
    public void onSessionClosed(io.vipd.proxy.ClosedSession session) {
      delegate.onSessionClosed(session);
    }

    @Override
    public boolean wantsClosedSessions() {
      return delegate.wantsClosedSessions();
    }
  }
}
