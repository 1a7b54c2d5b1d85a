package io.vipd.daemon.track;

import io.netty.channel.EventLoopGroup;
import io.vipd.daemon.config.CheckConfig;
import io.vipd.daemon.config.TrackConfig;
import io.vipd.daemon.config.VrrpInstanceConfig;
import io.vipd.daemon.health.CheckFactory;
import io.vipd.health.HealthCheck;
import io.vipd.health.HealthListener;
import io.vipd.health.HealthMonitor;
import io.vipd.health.HealthState;
import io.vipd.health.HealthStatus;
import io.vipd.health.HealthTransition;
import io.vipd.vrrp.linux.NetlinkLinkMonitor;
import io.vipd.vrrp.port.LinkState;
import io.vipd.vrrp.runtime.VrrpRuntime;
import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the checks and interface watches that VRRP instances track and feeds each instance's {@link
 * InstanceTracker}. One monitor per named check, shared by every instance that tracks it.
 */
public final class TrackingService implements Closeable {

  private static final Logger LOG = LoggerFactory.getLogger(TrackingService.class);
  private static final long LINK_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

  private final Map<String, HealthMonitor> monitors = new LinkedHashMap<>();
  private final Map<String, HealthCheck> checks = new LinkedHashMap<>();
  private final Map<String, List<InstanceTracker>> byCheck = new LinkedHashMap<>();
  private final Map<String, InstanceTracker> trackers = new LinkedHashMap<>();
  private final List<LinkWatch> linkWatches = new ArrayList<>();

  private TrackingService() {}

  /**
   * Starts tracking for every instance that tracks something.
   *
   * @param instances the configured instances
   * @param checkConfigs {@code checks.*}
   * @param runtimes finds the runtime of an instance by name
   * @param factory builds the checks
   * @param loops the event loops checks run on
   * @param extraChecks checks provided by the daemon itself (e.g. the proxy's own health), by name
   */
  public static TrackingService start(
      List<VrrpInstanceConfig> instances,
      Map<String, CheckConfig> checkConfigs,
      Function<String, Optional<VrrpRuntime>> runtimes,
      CheckFactory factory,
      EventLoopGroup loops,
      Map<String, TrackedSource> extraChecks)
      throws IOException {
    TrackingService service = new TrackingService();
    try {
      for (VrrpInstanceConfig instance : instances) {
        TrackConfig track = instance.track();
        if (track.isEmpty()) {
          continue;
        }
        VrrpRuntime runtime = runtimes.apply(instance.name()).orElseThrow();
        InstanceTracker tracker =
            new InstanceTracker(instance.name(), instance.priority(), runtime);
        service.trackers.put(instance.name(), tracker);
        for (TrackConfig.Tracked t : track.checks()) {
          tracker.track(label(t.name()), t.weight());
          service.byCheck.computeIfAbsent(t.name(), n -> new CopyOnWriteArrayList<>()).add(tracker);
        }
        for (TrackConfig.Tracked t : track.interfaces()) {
          String label = "interface " + t.name();
          tracker.track(label, t.weight());
          service.linkWatches.add(new LinkWatch(t.name(), tracker, label));
        }
      }
      for (String name : service.byCheck.keySet()) {
        TrackedSource extra = extraChecks.get(name);
        if (extra != null) {
          extra.subscribe(
              (state, detail) ->
                  service.byCheck.get(name).forEach(t -> t.update(label(name), state, detail)));
          continue;
        }
        CheckConfig cfg = checkConfigs.get(name);
        HealthCheck check = factory.create(cfg);
        service.checks.put(name, check);
        HealthMonitor monitor =
            new HealthMonitor(
                name,
                check,
                CheckFactory.trackingSettings(cfg),
                loops.next(),
                service.listener(name, cfg));
        service.monitors.put(name, monitor);
      }
    } catch (IOException | RuntimeException e) {
      service.close();
      throw e;
    }
    service.monitors.values().forEach(HealthMonitor::start);
    for (LinkWatch w : service.linkWatches) {
      w.start();
    }
    return service;
  }

  /** The tracker of an instance, if it tracks anything. */
  public Optional<InstanceTracker> tracker(String instance) {
    return Optional.ofNullable(trackers.get(instance));
  }

  /** Status of every tracked check, in configuration order. */
  public List<HealthStatus> checkStatus() {
    return monitors.values().stream().map(HealthMonitor::status).toList();
  }

  private HealthListener listener(String name, CheckConfig cfg) {
    return new HealthListener() {
      @Override
      public void onTransition(HealthTransition t) {
        int count = t.to() == HealthState.DOWN ? t.consecutiveFailures() : t.consecutiveSuccesses();
        int of = t.to() == HealthState.DOWN ? cfg.fall() : cfg.rise();
        String detail = t.lastResult().detail() + ", " + count + " of " + of;
        byCheck.get(name).forEach(tracker -> tracker.update(label(name), t.to(), detail));
      }
    };
  }

  private static String label(String checkName) {
    return "check " + checkName;
  }

  @Override
  public void close() {
    monitors.values().forEach(HealthMonitor::close);
    checks.values().forEach(HealthCheck::close);
    linkWatches.forEach(LinkWatch::close);
  }

  /** A state source the daemon provides itself instead of a configured check. */
  public interface TrackedSource {
    /** Delivers every state change (and the current state at once) to {@code sink}. */
    void subscribe(StateSink sink);
  }

  /** Receives the states of a {@link TrackedSource}. */
  @FunctionalInterface
  public interface StateSink {
    void accept(HealthState state, String detail);
  }

  /** Watches one tracked interface's link and reports it to one tracker. */
  private static final class LinkWatch {
    private final String ifName;
    private final InstanceTracker tracker;
    private final String label;
    private volatile boolean running = true;
    private NetlinkLinkMonitor monitor;
    private Thread thread;

    LinkWatch(String ifName, InstanceTracker tracker, String label) {
      this.ifName = ifName;
      this.tracker = tracker;
      this.label = label;
    }

    void start() throws IOException {
      monitor = NetlinkLinkMonitor.open(ifName);
      report(monitor.current());
      thread = new Thread(this::watch, "track-" + ifName);
      thread.setDaemon(true);
      thread.start();
    }

    private void report(LinkState s) {
      tracker.update(label, s.up() ? HealthState.UP : HealthState.DOWN, s.up() ? "up" : "down");
    }

    private void watch() {
      while (running) {
        try {
          LinkState change = monitor.poll(LINK_POLL_NANOS);
          if (change != null) {
            report(change);
          }
        } catch (IOException e) {
          if (running) {
            LOG.warn("tracked interface {}: monitor failed: {}", ifName, e.getMessage());
          }
          return;
        }
      }
    }

    void close() {
      running = false;
      if (monitor != null) {
        try {
          if (thread != null) {
            thread.join(1000);
          }
          monitor.close();
        } catch (IOException e) {
          LOG.debug("closing link monitor of {}: {}", ifName, e.getMessage());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }
}
