package io.vipd.daemon.metrics;

import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Every meter vipd exports, in one Prometheus registry: VRRP, tracked checks, proxy frontends and
 * servers, server checks, and the JVM and process. Meter names and labels are documented in {@code
 * docs/operations.md}. Meters read snapshots when scraped; nothing is added to the hot paths.
 */
public final class VipdMetrics implements AutoCloseable {

  private final PrometheusMeterRegistry registry;
  private final JvmGcMetrics gc;

  /**
   * Function counters hold their source weakly (Micrometer): the binders and the snapshots they
   * read must live as long as the registry.
   */
  private final List<MeterBinder> binders;

  private VipdMetrics(
      PrometheusMeterRegistry registry, JvmGcMetrics gc, List<MeterBinder> binders) {
    this.registry = registry;
    this.gc = gc;
    this.binders = List.copyOf(binders);
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
    List<MeterBinder> binders = new ArrayList<>();
    vrrp.ifPresent(
        v -> binders.add(new VrrpMetrics(config.vrrp().instances(), v, tracking, masters)));
    tracking.ifPresent(
        t -> binders.add(new CheckMetrics("vipd.check", t::checkStatus, n -> Tags.of("check", n))));
    proxy.ifPresent(
        p -> {
          binders.add(new ProxyMetrics(p::status));
          binders.add(
              new CheckMetrics("vipd.server.check", p::checkStatus, CheckMetrics::serverTags));
        });
    binders.forEach(b -> b.bindTo(registry));
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    return new VipdMetrics(registry, gc, binders);
  }

  /** The Prometheus text exposition of every meter; safe from any thread. */
  public String scrape() {
    return registry.scrape();
  }

  /** The registry, for tests and further binders. */
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** The vipd binders registered (for tests). */
  List<MeterBinder> binders() {
    return binders;
  }

  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}
