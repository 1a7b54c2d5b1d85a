package io.vipd.daemon.admin;

import io.vipd.daemon.config.DaemonConfig;
import io.vipd.daemon.metrics.VipdMetrics;
import io.vipd.daemon.proxy.ProxyService;
import io.vipd.daemon.reload.ReloadResult;
import io.vipd.daemon.track.TrackingService;
import io.vipd.daemon.vrrp.VrrpService;
import java.io.IOException;
import java.net.InetSocketAddress;
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

  private final DaemonView view;
  private final VipdMetrics metrics;
  private final ScheduledExecutorService sampler;
  private final AdminServer server;

  private Admin(
      DaemonView view, VipdMetrics metrics, ScheduledExecutorService sampler, AdminServer server) {
    this.view = view;
    this.metrics = metrics;
    this.sampler = sampler;
    this.server = server;
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
    DaemonView view = new DaemonView(config, vrrp, tracking, proxy);
    if (!config.admin().enabled()) {
      return new Admin(view, null, null, null);
    }
    RuntimeOperations operations = new RuntimeOperations(proxy, vrrp);
    VipdMetrics metrics = VipdMetrics.create(config, vrrp, tracking, proxy, view.masters());
    AdminServer server;
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
                public ReloadResult reload() {
                  return reload.get();
                }

                @Override
                public OperationResult serverOperation(
                    String backend, String server, String action, Optional<String> value) {
                  return operations.server(backend, server, action, value);
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
    ScheduledExecutorService sampler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "vipd-masters-seen");
              t.setDaemon(true);
              return t;
            });
    sampler.scheduleWithFixedDelay(view.masters()::sample, 0, SAMPLE_MILLIS, TimeUnit.MILLISECONDS);
    InetSocketAddress a = server.address();
    LOG.info(
        "admin listening on http://{}:{} (/metrics, /status, /stats, /healthz, /readyz){}",
        a.getAddress().getHostAddress(),
        a.getPort(),
        config.admin().token().isPresent() ? ", bearer token required" : "");
    return new Admin(view, metrics, sampler, server);
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
  public void close() {
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
