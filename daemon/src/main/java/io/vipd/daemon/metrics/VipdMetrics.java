package io.vipd.daemon.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
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
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

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
   * read must live as long as their meters.
   */
  private List<MeterBinder> binders;

  /** The meters the vipd binders registered: removed when a reload rebinds them. */
  private List<Meter.Id> bound;

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
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    VipdMetrics metrics = new VipdMetrics(registry, gc);
    metrics.rebind(config, vrrp, tracking, proxy, masters);
    return metrics;
  }

  /**
   * Replaces the vipd meters with those of what runs now (after a reload): frontends, servers,
   * checks and instances that were removed lose their meters, added ones get theirs. Counters keep
   * counting where their source was kept (they read the components' own adders).
   */
  public synchronized void rebind(
      DaemonConfig config,
      Optional<VrrpService> vrrp,
      Optional<TrackingService> tracking,
      Optional<ProxyService> proxy,
      MastersSeen masters) {
    if (bound != null) {
      bound.forEach(registry::remove);
    }
    List<MeterBinder> next = new ArrayList<>();
    vrrp.ifPresent(v -> next.add(new VrrpMetrics(config.vrrp().instances(), v, tracking, masters)));
    tracking.ifPresent(
        t -> next.add(new CheckMetrics("vipd.check", t::checkStatus, n -> Tags.of("check", n))));
    proxy.ifPresent(
        p -> {
          next.add(new ProxyMetrics(p::status));
          next.add(
              r ->
                  FunctionCounter.builder(
                          "vipd.connection.log.dropped", p, ProxyService::droppedLogLines)
                      .description(
                          "Connection log lines dropped because the log output did not keep up"
                              + " (haproxy: DroppedLogs)")
                      .register(r));
          next.add(
              r -> {
                Gauge.builder("vipd.proxy.relay.buffers", p, ProxyService::relayBuffersInUse)
                    .description(
                        "Read buffers the relay holds now, slow readers' included; past its"
                            + " budget a connection waits for one")
                    .strongReference(true)
                    .register(r);
                FunctionCounter.builder(
                        "vipd.proxy.relay.buffer.waits", p, ProxyService::relayBufferWaits)
                    .description(
                        "Failed attempts to get a read buffer (the budget spent, or the direct"
                            + " memory limit), about one per 20 ms per waiting direction")
                    .register(r);
                FunctionCounter.builder("vipd.proxy.loop.sleeps", p, ProxyService::loopSleeps)
                    .description("Waits of the relay's event loops that slept in epoll_wait")
                    .register(r);
                FunctionCounter.builder(
                        "vipd.proxy.loop.wakeups.saved", p, ProxyService::loopWakeupsSaved)
                    .description(
                        "Waits of the relay's event loops that an event ended within the poll"
                            + " window (proxy.poll-window), so that the loop did not sleep")
                    .register(r);
                FunctionCounter.builder("vipd.proxy.loop.naps", p, ProxyService::loopNaps)
                    .description(
                        "Waits of the relay's event loops spent napping on their own timer, the"
                            + " sockets' events gathering meanwhile (proxy.coalesce-window)")
                    .register(r);
              });
          next.add(new CheckMetrics("vipd.server.check", p::checkStatus, CheckMetrics::serverTags));
        });
    Set<Meter.Id> before = ids();
    next.forEach(b -> b.bindTo(registry));
    List<Meter.Id> added = new ArrayList<>();
    for (Meter.Id id : ids()) {
      if (!before.contains(id)) {
        added.add(id);
      }
    }
    binders = List.copyOf(next);
    bound = added;
  }

  private Set<Meter.Id> ids() {
    Set<Meter.Id> ids = new HashSet<>();
    registry.getMeters().forEach(m -> ids.add(m.getId()));
    return ids;
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
  synchronized List<MeterBinder> binders() {
    return binders;
  }

  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}
