package io.vipd.daemon.admin;

import io.vipd.daemon.config.DaemonConfig;
import io.vipd.daemon.haproxycli.StatCsv;
import io.vipd.daemon.metrics.MastersSeen;
import io.vipd.daemon.metrics.VipdMetrics;
import io.vipd.daemon.proxy.ProxyService;
import io.vipd.daemon.reload.ReloadResult;
import io.vipd.daemon.track.TrackingService;
import io.vipd.daemon.vrrp.VrrpService;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin side of a running vipd: the metrics registry, the masters-seen sampler and the HTTP
 * endpoint, started after the other components (so that {@code /readyz} and the meters see them)
 * and closed before them.
 */
public final class Admin implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger("vipd.admin");
  private static final long SAMPLE_MILLIS = 100;

  private final MastersSeen masters;
  private volatile DaemonView view;
  private volatile RuntimeOperations operations;
  private VipdMetrics metrics;
  private ScheduledExecutorService sampler;
  private AdminServer server;

  private Admin(
      DaemonConfig config,
      Optional<VrrpService> vrrp,
      Optional<TrackingService> tracking,
      Optional<ProxyService> proxy) {
    // Masters seen count since start, across reloads: one sampler over whatever VRRP runs now.
    this.masters = new MastersSeen(() -> view.vrrp().map(VrrpService::status).orElse(List.of()));
    this.view = new DaemonView(config, vrrp, tracking, proxy, masters);
    this.operations = new RuntimeOperations(proxy, vrrp);
  }

  /**
   * Starts the admin endpoint when {@code admin.enabled}; otherwise returns an admin that serves
   * nothing.
   *
   * @throws IOException when the endpoint cannot bind, or would be exposed without a token
   */
  public static Admin start(
      DaemonConfig config,
      Optional<VrrpService> vrrp,
      Optional<TrackingService> tracking,
      Optional<ProxyService> proxy,
      Supplier<ReloadResult> reload)
      throws IOException {
    return start(config, vrrp, tracking, proxy, reload, Optional::empty);
  }

  /** As above; {@code stuck} says what {@code /healthz} reports stuck ({@code Liveness}). */
  public static Admin start(
      DaemonConfig config,
      Optional<VrrpService> vrrp,
      Optional<TrackingService> tracking,
      Optional<ProxyService> proxy,
      Supplier<ReloadResult> reload,
      Supplier<Optional<String>> stuck)
      throws IOException {
    Admin admin = new Admin(config, vrrp, tracking, proxy);
    if (config.admin().enabled()) {
      admin.serve(config, vrrp, tracking, proxy, reload, stuck);
    }
    return admin;
  }

  /**
   * What {@code vipd status} would print, rendered in-process (the endpoint may be off): the state
   * dump SIGUSR1 writes to the log, as keepalived writes its data on SIGUSR1.
   */
  public String statusTable() {
    @SuppressWarnings("unchecked")
    Map<String, Object> status = (Map<String, Object>) JsonReader.parse(StatusJson.render(view));
    return StatusTable.render(status);
  }

  private void serve(
      DaemonConfig config,
      Optional<VrrpService> vrrp,
      Optional<TrackingService> tracking,
      Optional<ProxyService> proxy,
      Supplier<ReloadResult> reload,
      Supplier<Optional<String>> stuck)
      throws IOException {
    metrics = VipdMetrics.create(config, vrrp, tracking, proxy, masters);
    try {
      server =
          AdminServer.start(
              config.admin(),
              new AdminServer.Content() {
                @Override
                public Readiness readiness() {
                  return view.readiness();
                }

                @Override
                public String statusJson() {
                  return StatusJson.render(view);
                }

                @Override
                public String metrics() {
                  return metrics.scrape();
                }

                @Override
                public String statsCsv() {
                  DaemonView v = view;
                  return v.proxy()
                      .map(p -> StatCsv.render(v.config().proxy(), p.status(), p.checkStatus()))
                      .orElse(StatCsv.header());
                }

                @Override
                public ReloadResult reload() {
                  return reload.get();
                }

                @Override
                public Optional<String> stuck() {
                  return stuck.get();
                }

                @Override
                public OperationResult serverOperation(
                    String backend, String server, String action, Optional<String> value) {
                  return operations.server(backend, server, action, value);
                }

                @Override
                public OperationResult frontendOperation(String frontend, String action) {
                  return operations.frontend(frontend, action);
                }

                @Override
                public OperationResult vrrpOperation(String instance, String action) {
                  return operations.vrrp(instance, action);
                }
              });
    } catch (IOException | RuntimeException e) {
      metrics.close();
      throw e;
    }
    sampler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "vipd-masters-seen");
              t.setDaemon(true);
              return t;
            });
    sampler.scheduleWithFixedDelay(masters::sample, 0, SAMPLE_MILLIS, TimeUnit.MILLISECONDS);
    InetSocketAddress a = server.address();
    LOG.info(
        "admin listening on http://{}:{} (/metrics, /status, /stats, /healthz, /readyz){}",
        a.getAddress().getHostAddress(),
        a.getPort(),
        config.admin().token().isPresent() ? ", bearer token required" : "");
  }

  /**
   * Points every endpoint at what runs after a reload: {@code /status}, {@code /readyz} and the
   * runtime operations see the new configuration and the components a reload started, and the
   * meters of frontends, servers, checks and instances are registered anew (those removed
   * disappear, those added appear). The admin endpoint itself is not reloaded.
   */
  public synchronized void refresh(
      DaemonConfig config,
      Optional<VrrpService> vrrp,
      Optional<TrackingService> tracking,
      Optional<ProxyService> proxy) {
    view = new DaemonView(config, vrrp, tracking, proxy, masters);
    operations = new RuntimeOperations(proxy, vrrp);
    if (metrics != null) {
      metrics.rebind(config, vrrp, tracking, proxy, masters);
    }
  }

  /** The bound address, empty when the endpoint is disabled. */
  public Optional<InetSocketAddress> address() {
    return Optional.ofNullable(server).map(AdminServer::address);
  }

  /** What the endpoints read. */
  public DaemonView view() {
    return view;
  }

  @Override
  public synchronized void close() {
    if (server != null) {
      server.close();
    }
    if (sampler != null) {
      sampler.shutdownNow();
    }
    if (metrics != null) {
      metrics.close();
    }
  }
}
