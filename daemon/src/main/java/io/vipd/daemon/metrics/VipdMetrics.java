package io.vipd.daemon.metrics;

import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vipd.daemon.config.DaemonConfig;
import io.vipd.daemon.proxy.ProxyService;
import io.vipd.daemon.track.TrackingService;
import io.vipd.daemon.vrrp.VrrpService;
import java.util.Optional;

/**
 * Every meter vipd exports, in one Prometheus registry: VRRP, tracked checks, proxy frontends and
 * servers, server checks, and the JVM and process. Meter names and labels are documented in {@code
 * docs/operations.md}. Meters read snapshots when scraped; nothing is added to the hot paths.
 */
public final class VipdMetrics implements AutoCloseable {

  private final PrometheusMeterRegistry registry;
  private final JvmGcMetrics gc;

  private VipdMetrics(PrometheusMeterRegistry registry, JvmGcMetrics gc) {
    this.registry = registry;
    this.gc = gc;
  }

  /**
   * Registers the meters of the components that run.
   *
   * @param config the running configuration (instance order and base priorities)
   * @param masters masters seen, shared with the status endpoint
   */
  public static VipdMetrics create(
      DaemonConfig config,
      Optional<VrrpService> vrrp,
      Optional<TrackingService> tracking,
      Optional<ProxyService> proxy,
      MastersSeen masters) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    vrrp.ifPresent(
        v -> new VrrpMetrics(config.vrrp().instances(), v, tracking, masters).bindTo(registry));
    tracking.ifPresent(
        t ->
            new CheckMetrics("vipd.check", t::checkStatus, name -> Tags.of("check", name))
                .bindTo(registry));
    proxy.ifPresent(
        p -> {
          new ProxyMetrics(p::status).bindTo(registry);
          new CheckMetrics("vipd.server.check", p::checkStatus, CheckMetrics::serverTags)
              .bindTo(registry);
        });
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    return new VipdMetrics(registry, gc);
  }

  /** The Prometheus text exposition of every meter; safe from any thread. */
  public String scrape() {
    return registry.scrape();
  }

  /** The registry, for tests and further binders. */
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}
