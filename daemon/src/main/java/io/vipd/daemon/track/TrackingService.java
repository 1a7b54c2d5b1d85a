package io.vipd.daemon.track;

import io.netty.channel.EventLoopGroup;
import io.vipd.daemon.config.CheckConfig;
import io.vipd.daemon.config.TrackConfig;
import io.vipd.daemon.config.VrrpInstanceConfig;
import io.vipd.daemon.health.CheckFactory;
import io.vipd.daemon.health.CheckFiles;
import io.vipd.health.HealthCheck;
import io.vipd.health.HealthListener;
import io.vipd.health.HealthMonitor;
import io.vipd.health.HealthState;
import io.vipd.health.HealthStatus;
import io.vipd.health.HealthTransition;
import io.vipd.health.TrackedCheck;
import io.vipd.vrrp.linux.NetlinkLinkMonitor;
import io.vipd.vrrp.port.LinkMonitor;
import io.vipd.vrrp.port.LinkState;
import io.vipd.vrrp.port.ReopeningLinkMonitor;
import io.vipd.vrrp.runtime.VrrpRuntime;
import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
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

  private final Map<String, HealthMonitor> monitors = new ConcurrentHashMap<>();
  private final Map<String, HealthCheck> checks = new ConcurrentHashMap<>();
  private final Map<String, CheckConfig> monitoredConfigs = new HashMap<>();

  /** {@link CheckFiles#fingerprint} of each running check's TLS files when it was built. */
  private final Map<String, String> monitoredFiles = new HashMap<>();

  private final Map<String, List<InstanceTracker>> byCheck = new ConcurrentHashMap<>();
  private final Map<String, InstanceTracker> trackers = new ConcurrentHashMap<>();
  private final Map<String, VrrpInstanceConfig> trackedConfigs = new HashMap<>();
  private final Map<String, List<LinkWatch>> linkWatches = new HashMap<>();

  /** Daemon-provided sources subscribed to, and the last state each reported. */
  private final Map<String, Reported> extraStates = new ConcurrentHashMap<>();

  /** How to cancel each subscription to a daemon-provided source. */
  private final Map<String, Runnable> extraSubscriptions = new HashMap<>();

  /** The live subscription of each source: deliveries of an older one are ignored. */
  private final Map<String, Object> extraTokens = new ConcurrentHashMap<>();

  private volatile boolean closed;
  private BooleanSupplier hold = () -> false;

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
    return start(instances, checkConfigs, runtimes, factory, loops, extraChecks, () -> false);
  }

  /**
   * As above, with the bootstrap hold: while {@code holdCheckWeights} is true (no API server has
   * answered a check yet), failing checks weigh nothing; {@link #releaseHold} applies them.
   */
  public static TrackingService start(
      List<VrrpInstanceConfig> instances,
      Map<String, CheckConfig> checkConfigs,
      Function<String, Optional<VrrpRuntime>> runtimes,
      CheckFactory factory,
      EventLoopGroup loops,
      Map<String, TrackedSource> extraChecks,
      BooleanSupplier holdCheckWeights)
      throws IOException {
    TrackingService service = new TrackingService();
    service.hold = holdCheckWeights;
    try {
      service.reconcile(instances, checkConfigs, Set.of(), runtimes, factory, loops, extraChecks);
    } catch (IOException | RuntimeException e) {
      service.close();
      throw e;
    }
    return service;
  }

  /**
   * Reload: brings tracking in line with {@code instances} while leaving alone what did not change.
   * The tracker of an instance is kept (state, effective priority, no new push to its runtime) when
   * the instance is not in {@code restarted}, its priority and {@code track} are unchanged and no
   * check it tracks changed; otherwise it is rebuilt, seeded with the current state of the checks
   * that keep running and of its interfaces, and then {@link InstanceTracker#publish() published}:
   * it pushes the priority and fault those give to the runtime, which matters for a runtime that
   * kept running through the reload (its instance changed in place). An instance that tracked
   * something and no longer does gets its configured priority back and its tracking fault cleared.
   * A check's monitor is kept while its configuration is unchanged and some instance tracks it.
   *
   * @param restarted instances whose runtime was replaced: their trackers must be rebuilt
   * @return the names of the instances whose trackers were (re)built
   * @throws IOException if a new check or interface watch cannot be set up
   */
  public synchronized List<String> reconcile(
      List<VrrpInstanceConfig> instances,
      Map<String, CheckConfig> checkConfigs,
      Set<String> restarted,
      Function<String, Optional<VrrpRuntime>> runtimes,
      CheckFactory factory,
      EventLoopGroup loops,
      Map<String, TrackedSource> extraChecks)
      throws IOException {
    Map<String, Renewed> renewed = renewedChecks(checkConfigs, factory);
    Set<String> changedChecks = new HashSet<>();
    monitoredConfigs.forEach(
        (name, cfg) -> {
          if (!cfg.equals(checkConfigs.get(name))) {
            changedChecks.add(name);
          }
        });
    Map<String, VrrpInstanceConfig> wanted = new LinkedHashMap<>();
    Map<String, VrrpInstanceConfig> all = new LinkedHashMap<>();
    for (VrrpInstanceConfig i : instances) {
      all.put(i.name(), i);
      if (!i.track().isEmpty()) {
        wanted.put(i.name(), i);
      }
    }
    // drop trackers that are gone or must be rebuilt
    for (String name : new ArrayList<>(trackers.keySet())) {
      VrrpInstanceConfig next = wanted.get(name);
      VrrpInstanceConfig before = trackedConfigs.get(name);
      boolean keep =
          next != null
              && !restarted.contains(name)
              && next.priority() == before.priority()
              && next.track().equals(before.track())
              && next.track().checks().stream().noneMatch(t -> changedChecks.contains(t.name()));
      if (!keep) {
        InstanceTracker t = trackers.remove(name);
        trackedConfigs.remove(name);
        byCheck.values().forEach(list -> list.remove(t));
        linkWatches.getOrDefault(name, List.of()).forEach(LinkWatch::close);
        linkWatches.remove(name);
        VrrpInstanceConfig untracked = all.get(name);
        if (next == null && untracked != null) {
          // Still running, tracking nothing now: undo what the tracker pushed. Also for an
          // instance counted as restarted: after a partly failed reload it may have been changed
          // in place instead, keeping the old offset (a fresh runtime is at its base already).
          runtimes
              .apply(name)
              .ifPresent(
                  r -> {
                    r.setTrackedPriority(untracked.priority());
                    r.setFault(InstanceTracker.FAULT_SOURCE, false, "tracking removed");
                  });
        }
      }
    }
    // checks nobody tracks any more, or whose settings changed, stop; a check whose only tracker
    // is rebuilt keeps running, so that the new tracker starts from its state (stopped, it would
    // start anew, unknown: an instance it holds in FAULT would leave the fault at the reload)
    Set<String> stillTracked = new HashSet<>();
    wanted.values().forEach(i -> i.track().checks().forEach(t -> stillTracked.add(t.name())));
    // a check rebuilt because its settings changed starts from the state its monitor had, as a
    // renewed one does (replaceCheck): started unknown, it would lift the FAULT or the weight it
    // holds an instance under until its first result
    Map<String, HealthState> carriedStates = new HashMap<>();
    for (String name : changedChecks) {
      HealthMonitor m = monitors.get(name);
      if (m != null && m.state() != HealthState.UNKNOWN && stillTracked.contains(name)) {
        carriedStates.put(name, m.state());
      }
    }
    for (String name : new ArrayList<>(byCheck.keySet())) {
      if (!stillTracked.contains(name) || changedChecks.contains(name)) {
        stopCheck(name);
      }
    }
    renewed.forEach(
        (name, r) -> {
          if (monitors.containsKey(name)) {
            replaceCheck(name, checkConfigs.get(name), r, loops);
          } else {
            r.check().close(); // stopped above: nobody tracks it any more
          }
        });
    // build the missing trackers
    List<String> built = new ArrayList<>();
    List<LinkWatch> newWatches = new ArrayList<>();
    List<InstanceTracker> newTrackers = new ArrayList<>();
    for (VrrpInstanceConfig instance : wanted.values()) {
      if (trackers.containsKey(instance.name())) {
        continue;
      }
      VrrpRuntime runtime = runtimes.apply(instance.name()).orElseThrow();
      InstanceTracker tracker = new InstanceTracker(instance.name(), instance.priority(), runtime);
      tracker.holdCheckWeights(hold);
      for (TrackConfig.Tracked t : instance.track().checks()) {
        tracker.track(label(t.name()), t.weight());
        byCheck.computeIfAbsent(t.name(), n -> new CopyOnWriteArrayList<>()).add(tracker);
      }
      List<LinkWatch> watches = new ArrayList<>();
      for (TrackConfig.Tracked t : instance.track().interfaces()) {
        String label = "interface " + t.name();
        tracker.track(label, t.weight());
        watches.add(new LinkWatch(t.name(), tracker, label));
      }
      trackers.put(instance.name(), tracker);
      trackedConfigs.put(instance.name(), instance);
      linkWatches.put(instance.name(), watches);
      newWatches.addAll(watches);
      newTrackers.add(tracker);
      built.add(instance.name());
    }
    try {
      startTracking(
          newTrackers, newWatches, carriedStates, checkConfigs, factory, loops, extraChecks);
    } catch (IOException | RuntimeException e) {
      // not kept as if built (a tracked interface missing, a check that cannot be built): the
      // next reload, of the same file once the interface exists, builds them again
      newTrackers.forEach(this::forget);
      throw e;
    } finally {
      // Also after a failure: a tracker that never publishes would hold its instance's priority
      // where the previous one left it, whatever its checks say.
      newTrackers.forEach(InstanceTracker::publish);
    }
    return built;
  }

  /**
   * Seeds the new trackers, subscribes, starts the missing checks and the new link watches.
   *
   * @param carriedStates the states of checks rebuilt because their settings changed
   */
  private void startTracking(
      List<InstanceTracker> newTrackers,
      List<LinkWatch> newWatches,
      Map<String, HealthState> carriedStates,
      Map<String, CheckConfig> checkConfigs,
      CheckFactory factory,
      EventLoopGroup loops,
      Map<String, TrackedSource> extraChecks)
      throws IOException {
    // a daemon-provided source whose check is another type now (a proxy check made an exec
    // check): its feed ends first, so that new trackers do not take its last state, or it would
    // go on writing the check's state beside the new monitor
    for (String name : new ArrayList<>(extraSubscriptions.keySet())) {
      if (!extraChecks.containsKey(name)) {
        endFeed(name);
      }
    }
    // new trackers learn the state of checks that keep running, and of changed ones rebuilt
    for (InstanceTracker tracker : newTrackers) {
      for (Map.Entry<String, List<InstanceTracker>> e : byCheck.entrySet()) {
        if (!e.getValue().contains(tracker)) {
          continue;
        }
        HealthMonitor m = monitors.get(e.getKey());
        Reported r = extraStates.get(e.getKey());
        HealthState carried = carriedStates.get(e.getKey());
        if (m != null && m.state() != HealthState.UNKNOWN) {
          tracker.update(label(e.getKey()), m.state(), "state kept across reload");
        } else if (carried != null) {
          tracker.update(label(e.getKey()), carried, "state kept across reload, check changed");
        } else if (r != null) {
          tracker.update(label(e.getKey()), r.state(), r.detail());
        }
      }
    }
    // start the checks that are tracked but not running; daemon-provided sources are subscribed
    // to anew on every reload (the source may be another one now, e.g. a proxy the reload
    // started), and report their current state at once
    for (String name : byCheck.keySet()) {
      TrackedSource extra = extraChecks.get(name);
      if (extra != null) {
        subscribe(name, extra);
        continue;
      }
      if (monitors.containsKey(name)) {
        continue;
      }
      CheckConfig cfg = checkConfigs.get(name);
      String files = CheckFiles.fingerprint(cfg); // before the build: see renewedChecks
      HealthCheck check = factory.create(cfg);
      checks.put(name, check);
      monitoredConfigs.put(name, cfg);
      monitoredFiles.put(name, files);
      HealthState carried = carriedStates.get(name);
      HealthMonitor monitor =
          new HealthMonitor(
              name,
              check,
              carried == null
                  ? CheckFactory.trackingSettings(cfg)
                  : CheckFactory.trackingSettings(cfg, carried),
              loops.next(),
              listener(name, cfg, check));
      monitors.put(name, monitor);
      monitor.start(); // at once: a later check that cannot be built leaves none registered idle
    }
    for (LinkWatch w : newWatches) {
      w.start();
    }
  }

  /** Drops a tracker built by a reconcile that failed: its watches close, its checks stay. */
  private void forget(InstanceTracker tracker) {
    String name = tracker.instance();
    if (trackers.get(name) != tracker) {
      return;
    }
    trackers.remove(name);
    trackedConfigs.remove(name);
    byCheck.values().forEach(list -> list.remove(tracker));
    linkWatches.getOrDefault(name, List.of()).forEach(LinkWatch::close);
    linkWatches.remove(name);
  }

  private void subscribe(String name, TrackedSource source) {
    Runnable previous = extraSubscriptions.remove(name);
    if (previous != null) {
      previous.run();
    }
    extraStates.putIfAbsent(name, new Reported(HealthState.UNKNOWN, ""));
    Object token = new Object();
    extraTokens.put(name, token);
    Runnable cancel =
        source.subscribe(
            (state, detail) -> {
              // a cancelled subscription may still deliver once, racing the cancel
              if (closed || extraTokens.get(name) != token) {
                return;
              }
              extraStates.put(name, new Reported(state, detail));
              byCheck
                  .getOrDefault(name, List.of())
                  .forEach(t -> t.update(label(name), state, detail));
            });
    extraSubscriptions.put(name, cancel);
  }

  private void stopCheck(String name) {
    byCheck.remove(name);
    endFeed(name);
    monitoredConfigs.remove(name);
    monitoredFiles.remove(name);
    HealthMonitor m = monitors.remove(name);
    if (m != null) {
      m.close();
    }
    HealthCheck c = checks.remove(name);
    if (c != null) {
      c.close();
    }
  }

  /** Ends the subscription to a daemon-provided source, if any; a late delivery is dropped. */
  private void endFeed(String name) {
    extraStates.remove(name);
    extraTokens.remove(name);
    Runnable cancel = extraSubscriptions.remove(name);
    if (cancel != null) {
      cancel.run();
    }
  }

  /** The bootstrap hold ended: every tracker applies the weights of its failing checks now. */
  public void releaseHold() {
    trackers.values().forEach(t -> t.reevaluate("an API server answered: failing checks weigh"));
  }

  /** The tracker of an instance, if it tracks anything. */
  public Optional<InstanceTracker> tracker(String instance) {
    return Optional.ofNullable(trackers.get(instance));
  }

  /** Status of every tracked check, by check name (the configuration's order). */
  public List<HealthStatus> checkStatus() {
    return monitors.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .map(e -> e.getValue().status())
        .toList();
  }

  /**
   * The running checks whose settings {@code checkConfigs} keeps but whose TLS files changed since
   * they were built (certificates renewed under the same paths), each with its replacement, built
   * before the reload changes anything. A renewal that cannot be used (the configuration was read
   * before the files changed again) keeps the running check, said in the log: the reload's other
   * changes, already applied to VRRP and the proxy, must not be cut short by it.
   */
  private Map<String, Renewed> renewedChecks(
      Map<String, CheckConfig> checkConfigs, CheckFactory factory) {
    Map<String, Renewed> renewed = new LinkedHashMap<>();
    for (Map.Entry<String, CheckConfig> e : monitoredConfigs.entrySet()) {
      CheckConfig cfg = e.getValue();
      if (!cfg.equals(checkConfigs.get(e.getKey()))) {
        continue;
      }
      // the fingerprint first: a file that changes again while the check is built is seen as
      // changed at the next reload, not recorded as taken
      String files = CheckFiles.fingerprint(cfg);
      if (files.equals(monitoredFiles.get(e.getKey()))) {
        continue;
      }
      try {
        renewed.put(e.getKey(), new Renewed(factory.create(cfg), files));
      } catch (IOException | RuntimeException ex) {
        LOG.warn(
            "check {}: its TLS files changed but cannot be used ({}); it keeps running as built",
            e.getKey(),
            ex.getMessage());
      }
    }
    return renewed;
  }

  /** A check built anew from renewed files, and the fingerprint of the files it read. */
  private record Renewed(HealthCheck check, String files) {}

  /**
   * Puts {@code check} in place of the running check {@code name}, its trackers untouched: the new
   * monitor starts from the state they hold for it, so a renewal moves no priority. Under this
   * object's lock, which the listener takes to deliver a transition, so that the old monitor's last
   * transition either reached the trackers before the swap (and is the state the new one starts
   * from) or is dropped.
   */
  private void replaceCheck(String name, CheckConfig cfg, Renewed renewed, EventLoopGroup loops) {
    HealthCheck check = renewed.check();
    HealthCheck old = checks.put(name, check);
    // the running monitor's state: the trackers may have been rebuilt by this reload (emptied)
    HealthMonitor running = monitors.get(name);
    HealthState current =
        running != null && running.state() != HealthState.UNKNOWN
            ? running.state()
            : byCheck.getOrDefault(name, List.of()).stream()
                .flatMap(t -> t.tracked().stream())
                .filter(c -> c.label().equals(label(name)))
                .map(TrackedCheck::state)
                .findFirst()
                .orElse(HealthState.UNKNOWN);
    HealthMonitor monitor =
        new HealthMonitor(
            name,
            check,
            CheckFactory.trackingSettings(cfg, current),
            loops.next(),
            listener(name, cfg, check));
    monitors.put(name, monitor).close();
    old.close();
    monitoredFiles.put(name, renewed.files());
    monitor.start();
    LOG.info("check {}: TLS files changed, rebuilt from state {}", name, current);
  }

  private HealthListener listener(String name, CheckConfig cfg, HealthCheck check) {
    return new HealthListener() {
      @Override
      public void onTransition(HealthTransition t) {
        int count = t.to() == HealthState.DOWN ? t.consecutiveFailures() : t.consecutiveSuccesses();
        int of = t.to() == HealthState.DOWN ? cfg.fall() : cfg.rise();
        String detail = t.lastResult().detail() + ", " + count + " of " + of;
        synchronized (TrackingService.this) {
          if (checks.get(name) != check) {
            return; // stopped or replaced by a reload
          }
          byCheck
              .getOrDefault(name, List.of())
              .forEach(tracker -> tracker.update(label(name), t.to(), detail));
        }
      }
    };
  }

  private static String label(String checkName) {
    return "check " + checkName;
  }

  @Override
  public synchronized void close() {
    closed = true;
    extraSubscriptions.values().forEach(Runnable::run);
    extraSubscriptions.clear();
    monitors.values().forEach(HealthMonitor::close);
    checks.values().forEach(HealthCheck::close);
    linkWatches.values().forEach(ws -> ws.forEach(LinkWatch::close));
  }

  private record Reported(HealthState state, String detail) {}

  /** A state source the daemon provides itself instead of a configured check. */
  public interface TrackedSource {
    /**
     * Delivers every state change (and the current state at once) to {@code sink}.
     *
     * @return cancels the subscription (a reload or close no longer wants the states)
     */
    Runnable subscribe(StateSink sink);
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
    private LinkMonitor monitor;
    private Thread thread;

    LinkWatch(String ifName, InstanceTracker tracker, String label) {
      this.ifName = ifName;
      this.tracker = tracker;
      this.label = label;
    }

    void start() throws IOException {
      // reopened should it fail: a tracked interface is watched for as long as it is tracked
      LinkMonitor opened;
      try {
        opened = NetlinkLinkMonitor.open(ifName);
      } catch (IOException e) {
        // not there (yet): down until it is, as an instance's own missing interface is FAULT;
        // failing here failed the whole reload's tracking, the instance's working tracker with it
        LOG.warn("tracked interface {}: {}; down until it exists", ifName, e.getMessage());
        opened = null;
      }
      monitor =
          opened != null
              ? new ReopeningLinkMonitor(
                  "track " + ifName, opened, () -> NetlinkLinkMonitor.open(ifName))
              : ReopeningLinkMonitor.waitingFor(
                  "track " + ifName, ifName, () -> NetlinkLinkMonitor.open(ifName));
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
