package io.vipd.daemon.proxy;

import io.netty.channel.EventLoopGroup;
import io.vipd.daemon.config.BackendConfig;
import io.vipd.daemon.config.ProxyConfig;
import io.vipd.daemon.config.ServerConfig;
import io.vipd.daemon.health.CheckFactory;
import io.vipd.daemon.track.TrackingService.StateSink;
import io.vipd.daemon.track.TrackingService.TrackedSource;
import io.vipd.health.HealthCheck;
import io.vipd.health.HealthListener;
import io.vipd.health.HealthMonitor;
import io.vipd.health.HealthState;
import io.vipd.health.HealthStatus;
import io.vipd.health.HealthTransition;
import io.vipd.proxy.ProxyEvents;
import io.vipd.proxy.ProxyServer;
import io.vipd.proxy.ProxySettings;
import io.vipd.proxy.ProxyStatus;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

  private final ProxyConfig config;
  private final ProxyServer server;
  private final Map<String, HealthMonitor> monitors = new LinkedHashMap<>();
  private final Map<String, HealthCheck> checks = new LinkedHashMap<>();
  private final List<Runnable> stateWatchers = new CopyOnWriteArrayList<>();
  private volatile boolean listening;

  private ProxyService(ProxyConfig config, ProxyEvents extraEvents) {
    this.config = config;
    this.server = new ProxyServer(new Events(extraEvents));
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
    ProxySettings settings = ProxySettingsMapper.map(config);
    service.server.start(settings);
    service.listening = true;
    for (BackendConfig b : config.backends().values()) {
      for (ServerConfig s : b.servers()) {
        InetSocketAddress address = ProxySettingsMapper.resolve(s.address());
        factory
            .create(b.check(), address)
            .ifPresent(check -> service.monitor(b, s, check, checkLoops));
      }
    }
    service.monitors.values().forEach(HealthMonitor::start);
    LOG.info(
        "proxy listening: {} ({} transport)",
        config.frontends().stream().map(f -> f.name() + " " + f.bind()).toList(),
        service.server.nativeTransport() ? "epoll" : "nio");
    return service;
  }

  private void monitor(BackendConfig b, ServerConfig s, HealthCheck check, EventLoopGroup loops) {
    String key = b.name() + "/" + s.name();
    checks.put(key, check);
    monitors.put(
        key,
        new HealthMonitor(
            key,
            check,
            CheckFactory.serverSettings(b.check()),
            loops.next(),
            new ServerHealth(b.name(), s.name())));
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
      Runnable evaluate = () -> report(sink, backend, minServersUp);
      stateWatchers.add(evaluate);
      evaluate.run();
    };
  }

  private void report(StateSink sink, String backend, int minServersUp) {
    long up =
        server.status().servers().stream()
            .filter(s -> s.backend().equals(backend) && s.up())
            .count();
    boolean ok = listening && up >= minServersUp;
    String detail =
        !listening
            ? "frontends not listening"
            : up + " of " + config.backends().get(backend).servers().size() + " servers up";
    sink.accept(ok ? HealthState.UP : HealthState.DOWN, detail);
  }

  /** Stops accepting and lets established connections finish for up to {@code grace}. */
  public void stop(Duration grace) {
    listening = false;
    stateWatchers.forEach(Runnable::run);
    monitors.values().forEach(HealthMonitor::close);
    checks.values().forEach(HealthCheck::close);
    server.stop(grace);
  }

  @Override
  public void close() {
    stop(Duration.ZERO);
  }

  /** Active check results of one server become its up/down state. */
  private final class ServerHealth implements HealthListener {
    private final String backend;
    private final String serverName;

    ServerHealth(String backend, String serverName) {
      this.backend = backend;
      this.serverName = serverName;
    }

    @Override
    public void onTransition(HealthTransition t) {
      boolean up = t.to() == HealthState.UP;
      if (server.setServerUp(backend, serverName, up)) {
        long left =
            server.status().servers().stream()
                .filter(s -> s.backend().equals(backend) && s.up())
                .count();
        LOG.info(
            "Server {}/{} is {}, reason: {}, check duration: {}ms. {} servers left up.",
            backend,
            serverName,
            up ? "UP" : "DOWN",
            t.lastResult().detail(),
            t.lastResult().durationNanos() / 1_000_000,
            left);
        stateWatchers.forEach(Runnable::run);
      }
    }
  }

  /** Connect failures count toward a server's fall (passive health), then pass on. */
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
      delegate.onServerConnected(backend, serverName, connectNanos);
    }

    @Override
    public void onConnectFailed(
        String backend, String serverName, boolean timedOut, Throwable cause) {
      HealthMonitor monitor = monitors.get(backend + "/" + serverName);
      if (monitor != null) {
        monitor.reportPassiveFailure(
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
  }
}
