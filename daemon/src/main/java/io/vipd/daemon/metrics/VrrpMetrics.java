package io.vipd.daemon.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.vipd.daemon.config.VrrpInstanceConfig;
import io.vipd.daemon.track.InstanceTracker;
import io.vipd.daemon.track.TrackingService;
import io.vipd.daemon.vrrp.VrrpService;
import io.vipd.health.HealthState;
import io.vipd.health.PriorityPolicy;
import io.vipd.health.TrackedCheck;
import io.vipd.vrrp.packet.RxDropReason;
import io.vipd.vrrp.router.VrrpState;
import io.vipd.vrrp.runtime.InstanceStatus;
import io.vipd.vrrp.runtime.VrrpStats;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The {@code vipd_vrrp_*} meters of every instance (label {@code instance}): state, base and
 * effective priority, each tracker's part of it, masters seen, and the runtime's counters. Gauges
 * read the published status snapshot; counters read {@link VrrpStats}' adders. Nothing here runs on
 * the VRRP thread.
 */
final class VrrpMetrics implements MeterBinder {

  private final List<VrrpInstanceConfig> instances;
  private final VrrpService vrrp;
  private final Optional<TrackingService> tracking;
  private final MastersSeen masters;
  private final Supplier<List<InstanceStatus>> status;

  VrrpMetrics(
      List<VrrpInstanceConfig> instances,
      VrrpService vrrp,
      Optional<TrackingService> tracking,
      MastersSeen masters) {
    this.instances = instances;
    this.vrrp = vrrp;
    this.tracking = tracking;
    this.masters = masters;
    this.status = Cached.of(vrrp::status);
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    for (VrrpInstanceConfig cfg : instances) {
      String name = cfg.name();
      // by name: after a reload that could not start an instance, the configured and the running
      // lists differ, and pairing them by position gave one instance another's counters
      Optional<VrrpStats> stats = vrrp.runtime(name).map(r -> r.stats());
      if (stats.isEmpty()) {
        continue; // not running: no series rather than another instance's
      }
      Tags tags = Tags.of("instance", name);
      for (VrrpState state : VrrpState.values()) {
        gauge(
            registry,
            "vipd.vrrp.state",
            "1 for the instance's current state, 0 for the others",
            tags.and("state", state.name().toLowerCase(Locale.ROOT)),
            s -> s.state() == state ? 1 : 0,
            name);
      }
      Gauge.builder("vipd.vrrp.base.priority", cfg, VrrpInstanceConfig::priority)
          .description("Configured priority (255: address owner)")
          .tags(tags)
          .strongReference(true)
          .register(registry);
      gauge(
          registry,
          "vipd.vrrp.effective.priority",
          "Priority advertised now, after tracking",
          tags,
          InstanceStatus::effectivePriority,
          name);
      Gauge.builder("vipd.vrrp.masters.seen", masters, m -> m.count(name))
          .description("Distinct routers seen as master since start, this one included")
          .tags(tags)
          .strongReference(true)
          .register(registry);
      tracking.flatMap(t -> t.tracker(name)).ifPresent(t -> bindTrackers(registry, name, t));
      bindCounters(registry, tags, stats.get());
    }
  }

  private void bindTrackers(MeterRegistry registry, String instance, InstanceTracker tracker) {
    for (TrackedCheck declared : tracker.tracked()) {
      String label = declared.label();
      int space = label.indexOf(' ');
      Tags tags =
          Tags.of(
              "instance",
              instance,
              "type",
              space < 0 ? "" : label.substring(0, space),
              "tracker",
              label.substring(space + 1));
      Gauge.builder(
              "vipd.vrrp.tracker.priority",
              tracker,
              t -> find(t, label).map(PriorityPolicy::contribution).orElse(0))
          .description("This tracker's signed part of the effective priority now")
          .tags(tags)
          .strongReference(true)
          .register(registry);
      Gauge.builder("vipd.vrrp.tracker.weight", declared, TrackedCheck::weight)
          .description("Configured weight (0: FAULT while failing)")
          .tags(tags)
          .strongReference(true)
          .register(registry);
      Gauge.builder(
              "vipd.vrrp.tracker.up",
              tracker,
              t -> find(t, label).map(c -> up(c.state())).orElse(Double.NaN))
          .description(
              "1 while the tracked object is up, 0 while down, NaN before its first result")
          .tags(tags)
          .strongReference(true)
          .register(registry);
    }
  }

  static double up(HealthState state) {
    return switch (state) {
      case UP -> 1;
      case DOWN -> 0;
      case UNKNOWN -> Double.NaN;
    };
  }

  private static Optional<TrackedCheck> find(InstanceTracker tracker, String label) {
    return tracker.tracked().stream().filter(c -> c.label().equals(label)).findFirst();
  }

  private static void bindCounters(MeterRegistry registry, Tags tags, VrrpStats s) {
    counter(
        registry, "vipd.vrrp.adverts.sent", "Advertisements sent", tags, s, VrrpStats::advertsSent);
    counter(
        registry,
        "vipd.vrrp.adverts.received",
        "Advertisements received that passed packet validation",
        tags,
        s,
        VrrpStats::advertsReceived);
    counter(
        registry,
        "vipd.vrrp.garps.sent",
        "Gratuitous ARPs and unsolicited neighbour advertisements sent",
        tags,
        s,
        VrrpStats::announcementsSent);
    counter(
        registry, "vipd.vrrp.transitions", "State transitions", tags, s, VrrpStats::transitions);
    counter(
        registry,
        "vipd.vrrp.send.errors",
        "Failed sends of advertisements or announcements",
        tags,
        s,
        VrrpStats::sendErrors);
    for (RxDropReason reason : RxDropReason.values()) {
      counter(
          registry,
          "vipd.vrrp.drops",
          "Received packets dropped, by reason",
          tags.and("reason", reason.name().toLowerCase(Locale.ROOT)),
          s,
          st -> st.droppedCount(reason));
    }
  }

  private static void counter(
      MeterRegistry registry,
      String name,
      String description,
      Tags tags,
      VrrpStats stats,
      ToDoubleFunction<VrrpStats> f) {
    FunctionCounter.builder(name, stats, f).description(description).tags(tags).register(registry);
  }

  private void gauge(
      MeterRegistry registry,
      String name,
      String description,
      Tags tags,
      ToDoubleFunction<InstanceStatus> f,
      String instance) {
    Gauge.builder(
            name,
            status,
            s ->
                s.get().stream()
                    .filter(st -> st.name().equals(instance))
                    .findFirst()
                    .map(f::applyAsDouble)
                    .orElse(Double.NaN))
        .description(description)
        .tags(tags)
        .strongReference(true)
        .register(registry);
  }
}
