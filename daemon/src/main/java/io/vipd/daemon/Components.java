package io.vipd.daemon;

import io.netty.channel.EventLoopGroup;
import io.vipd.daemon.admin.Admin;
import io.vipd.daemon.admin.DaemonView;
import io.vipd.daemon.config.CheckConfig;
import io.vipd.daemon.config.CheckType;
import io.vipd.daemon.config.DaemonConfig;
import io.vipd.daemon.config.ProxyConfig;
import io.vipd.daemon.config.VrrpInstanceConfig;
import io.vipd.daemon.haproxycli.ProxyView;
import io.vipd.daemon.haproxycli.StatsSocket;
import io.vipd.daemon.health.CheckFactory;
import io.vipd.daemon.notify.NotifyScripts;
import io.vipd.daemon.proxy.ConnectionLog;
import io.vipd.daemon.proxy.ProxyService;
import io.vipd.daemon.reload.ReloadResult;
import io.vipd.daemon.track.TrackingService;
import io.vipd.daemon.track.TrackingService.TrackedSource;
import io.vipd.daemon.vrrp.VrrpService;
import io.vipd.health.check.CheckExecutors;
import io.vipd.proxy.ProxyEvents;
import io.vipd.vrrp.router.VirtualRouterListener;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * What a running vipd is made of, started in dependency order and stopped in reverse: the check
 * loops, the proxy (so a node is ready to serve before it can win the VIP), the VRRP instances, and
 * the tracking that ties them together. Stopping gives the VIP away first (priority 0), then drains
 * the proxy.
 */
final class Components implements AutoCloseable {

  private EventLoopGroup checkLoops;
  private ScheduledExecutorService blocking;
  private CheckFactory factory;

  /** The configuration in force; volatile for {@link #drainGrace()}, written under the lock. */
  private volatile DaemonConfig running;

  private final Liveness liveness =
      new Liveness(
          () -> vrrp().map(VrrpService::runtimes).orElse(List.of()),
          () -> proxy().flatMap(p -> p.server().eventLoops()));

  /** {@link #close()} has begun: nothing starts any more. */
  private boolean closed;

  private ProxyService proxy;
  private VrrpService vrrp;
  private TrackingService tracking;
  private final Map<String, NotifyScripts> notifiers = new LinkedHashMap<>();

  /** Notify scripts a reload replaced, whose calls may still run (closed at stop). */
  private final List<NotifyScripts> retired = new ArrayList<>();

  private volatile Admin admin; // admin endpoint: started last, closed first
  private StatsSocket statsSocket; // haproxy's runtime API over what admin shows: with admin
  private volatile ProxyService draining; // the proxy whose stop drains, for endDrain
  private volatile boolean drainEnded;
  private ProxyEvents proxyEvents = ProxyEvents.NOOP; // logging is not reloaded: fixed at start

  /**
   * Starts everything; {@code reload} is what {@code POST /reload} on the admin endpoint runs (the
   * daemon's reloader, as SIGHUP).
   */
  void start(DaemonConfig config, Supplier<ReloadResult> reload) throws IOException {
    startServices(config);
    admin = Admin.start(config, vrrp(), tracking(), proxy(), reload, liveness::stuck);
    if (config.admin().statsSocket().path().isPresent()) {
      Admin a = admin;
      statsSocket =
          StatsSocket.start(
              config.admin().statsSocket(),
              () -> {
                DaemonView v = a.view(); // one snapshot: config and proxy of the same reload
                return new ProxyView(v.config().proxy(), v.proxy());
              });
    }
  }

  private void startServices(DaemonConfig config) throws IOException {
    checkLoops = CheckExecutors.newEventLoopGroup(1, "vipd-checks");
    blocking = CheckExecutors.newBlockingExecutor(2, "vipd-exec");
    factory = new CheckFactory(checkLoops, blocking);
    running = config;
    proxyEvents = config.logging().connections() ? new ConnectionLog() : ProxyEvents.NOOP;
    if (!config.proxy().frontends().isEmpty()) {
      proxy = ProxyService.start(config.proxy(), factory, checkLoops, proxyEvents);
    }
    if (config.vrrp().instances().isEmpty()) {
      return;
    }
    startVrrp(config);
  }

  /**
   * VRRP and its tracking start together or not at all: a tracking that cannot start (a tracked
   * interface missing) stops the instances again, rather than leave them running untracked (and, on
   * a reload that added them, every later reload without a tracking to reconcile).
   */
  private void startVrrp(DaemonConfig config) throws IOException {
    VrrpService v = VrrpService.start(config.vrrp(), this::observer);
    ProxyService p = proxy;
    try {
      tracking =
          TrackingService.start(
              config.vrrp().instances(),
              config.checks(),
              v::runtime,
              factory,
              checkLoops,
              proxySources(config),
              p == null ? () -> false : () -> !p.anyServerAnswered());
    } catch (IOException | RuntimeException e) {
      v.close(); // its masters hand over with priority 0, as at a stop
      List.copyOf(notifiers.values()).forEach(this::release);
      throw e;
    }
    vrrp = v;
    if (p != null) {
      TrackingService t = tracking;
      p.onFirstAnswer(t::releaseHold);
    }
  }

  private VirtualRouterListener observer(VrrpInstanceConfig instance, IntSupplier priority) {
    if (instance.notifyScripts().isEmpty()) {
      return VirtualRouterListener.NONE;
    }
    NotifyScripts n =
        new NotifyScripts(
            instance.name(),
            instance.notifyScripts(),
            priority,
            instance.notifyScripts().timeout());
    notifiers.put(instance.name(), n);
    return n;
  }

  /**
   * Reload in place (issue 6): applies {@code next} without cutting established connections.
   *
   * <ul>
   *   <li>Proxy: {@link ProxyService#apply} (listeners of unchanged frontends kept, changed ones
   *       re-bound, pools swapped, server checks of unchanged servers kept). All or nothing: if a
   *       frontend cannot bind, the proxy and everything after it stay as they were.
   *   <li>VRRP: {@link VrrpService#reconcile}: unchanged instances are untouched (no re-election);
   *       priority (not to or from 255), preempt, preempt-delay, lower-priority-advert, garp, track
   *       and notify changes apply in place (a master stays master, its VIPs stay; its notify
   *       scripts are swapped); any other change stops the instance (priority 0 if master) and
   *       starts it anew; added and removed instances start and stop.
   *   <li>Tracking: {@link TrackingService#reconcile}: trackers of unchanged instances (with
   *       unchanged priority, track and checks) are kept; the others are rebuilt on the current
   *       check states and push the resulting priority to the (kept or new) runtime.
   *   <li>{@code admin} and {@code logging} are not reloaded: a change is reported as needing a
   *       restart.
   * </ul>
   *
   * <p>Called by one thread at a time (the {@link io.vipd.daemon.reload.Reloader} serializes).
   *
   * @return one line per change
   * @throws IOException if a part could not be applied; the message says which
   * @throws IllegalStateException if not started
   */
  List<String> reload(DaemonConfig next) throws IOException {
    // before anything changes, and before the lock: a name that does not resolve fails here, not
    // half way, and a stop does not wait behind the lookups of a reload (a DNS outage can take
    // seconds per name, past the stop's own time)
    io.vipd.daemon.reload.NamePreflight.resolve(next);
    return reloadResolved(next);
  }

  private synchronized List<String> reloadResolved(DaemonConfig next) throws IOException {
    if (running == null || closed) {
      // also a reload that waited for the lock while the stop closed everything: it must not
      // start a proxy or a VRRP instance (and re-add a VIP) after the priority-0 advert
      throw new IllegalStateException("vipd is not running");
    }
    List<String> changes = new ArrayList<>();
    try {
      apply(next, changes);
    } catch (IOException | RuntimeException e) {
      if (changes.isEmpty()) {
        throw e;
      }
      throw new io.vipd.daemon.reload.PartialReloadException(changes, e);
    } finally {
      // Also after a partial failure: the admin endpoint shows what runs, whatever that is.
      if (admin != null) {
        admin.refresh(running, vrrp(), tracking(), proxy());
      }
    }
    return changes;
  }

  /** A change of how the relay's loops wait: the loops are made at start, so it waits for one. */
  private static <T> void onRestart(
      List<String> changes, String key, T before, T after, Function<T, String> shown) {
    if (!before.equals(after)) {
      changes.add(
          "proxy "
              + key
              + " "
              + shown.apply(before)
              + " -> "
              + shown.apply(after)
              + ": not applied until restart (the event loops are made at start)");
    }
  }

  private static String micros(Duration d) {
    return BigDecimal.valueOf(d.toNanos(), 3).stripTrailingZeros().toPlainString() + "us";
  }

  private void apply(DaemonConfig next, List<String> changes) throws IOException {
    // a proxy this reload starts makes its loops with the new settings
    boolean loopsMade = proxy != null;
    if (proxy != null) {
      changes.addAll(proxy.apply(next.proxy(), factory, checkLoops));
    } else if (!next.proxy().frontends().isEmpty()) {
      proxy = ProxyService.start(next.proxy(), factory, checkLoops, proxyEvents);
      changes.add("proxy started: " + next.proxy().frontends().size() + " frontend(s)");
    }
    DaemonConfig before = running;
    running = next;
    if (loopsMade) {
      ProxyConfig was = before.proxy();
      ProxyConfig now = next.proxy();
      onRestart(changes, "busy-polling", was.busyPolling(), now.busyPolling(), String::valueOf);
      onRestart(changes, "poll-window", was.pollWindow(), now.pollWindow(), Components::micros);
      onRestart(
          changes,
          "coalesce-window",
          was.coalesceWindow(),
          now.coalesceWindow(),
          Components::micros);
    }
    if (!before.proxy().drainGrace().equals(next.proxy().drainGrace())) {
      changes.add(
          "proxy drain-grace "
              + before.proxy().drainGrace().toMillis()
              + " ms -> "
              + next.proxy().drainGrace().toMillis()
              + " ms");
    }
    if (vrrp == null) {
      if (!next.vrrp().instances().isEmpty()) {
        startVrrp(next);
        changes.add("VRRP started: " + next.vrrp().instances().size() + " instance(s)");
      }
    } else {
      IOException failure = null;
      VrrpService.Changes c;
      try {
        c = vrrp.reconcile(next.vrrp(), this::observer, this::release);
      } catch (VrrpService.PartlyApplied e) {
        failure = e;
        c = e.changes(); // said below, and the tracking follows what runs
      } catch (IOException e) {
        failure = e;
        c = null;
      }
      if (c != null) {
        c.added().forEach(n -> changes.add("VRRP instance " + n + " added"));
        c.inPlace()
            .forEach(
                p ->
                    changes.add(
                        "VRRP instance "
                            + p.name()
                            + " changed in place: "
                            + String.join(", ", p.what())));
        c.restarted().forEach(n -> changes.add("VRRP instance " + n + " changed: restarted"));
        c.removed().forEach(n -> changes.add("VRRP instance " + n + " removed"));
      }
      List<String> rebuilt =
          tracking.reconcile(
              next.vrrp().instances().stream()
                  .filter(i -> vrrp.runtime(i.name()).isPresent())
                  .toList(),
              next.checks(),
              Set.copyOf(c == null ? restartedSince(before, next) : c.replaced()),
              vrrp::runtime,
              factory,
              checkLoops,
              proxySources(next));
      if (!rebuilt.isEmpty()) {
        changes.add("tracking rebuilt for " + String.join(", ", rebuilt));
      }
      if (failure != null) {
        throw failure;
      }
    }
    if (!before.admin().equals(next.admin())) {
      changes.add("admin settings changed: not applied until restart");
    }
    if (!before.logging().equals(next.logging())) {
      changes.add("logging settings changed: not applied until restart");
    }
  }

  /** Every instance whose configuration differs: rebuilt when the VRRP reconcile failed midway. */
  private static List<String> restartedSince(DaemonConfig before, DaemonConfig next) {
    return next.vrrp().instances().stream()
        .filter(i -> !before.vrrp().instances().contains(i))
        .map(VrrpInstanceConfig::name)
        .toList();
  }

  /**
   * Closes the observer of a stopped instance, or the old one of an instance whose notify scripts a
   * reload replaced (then the map already holds the new one under the same name).
   */
  private void release(VirtualRouterListener observer) {
    if (observer instanceof NotifyScripts n) {
      notifiers.values().remove(n);
      retired.removeIf(NotifyScripts::idle);
      n.retire(); // what runs finishes under its own timeout; a reload cuts no script
      retired.add(n);
    }
  }

  private Map<String, TrackedSource> proxySources(DaemonConfig config) {
    Map<String, TrackedSource> sources = new LinkedHashMap<>();
    for (CheckConfig c : config.checks().values()) {
      if (c.type() != CheckType.PROXY) {
        continue;
      }
      if (proxy == null) {
        // No frontend at all: the proxy can never serve, so the check is down for good.
        sources.put(
            c.name(),
            sink -> {
              sink.accept(io.vipd.health.HealthState.DOWN, "no proxy frontend configured");
              return () -> {};
            });
      } else {
        sources.put(c.name(), proxy.readiness(c.backend().orElseThrow(), c.minServersUp()));
      }
    }
    return sources;
  }

  /**
   * The drain grace of the configuration in force (a reload may have changed it). Not under this
   * object's lock: the shutdown hook reads it to bound the stop, which holds that lock.
   */
  Duration drainGrace() {
    DaemonConfig c = running;
    return c == null ? Duration.ZERO : c.proxy().drainGrace();
  }

  /** The admin endpoint's address while it serves (for tests). */
  synchronized Optional<InetSocketAddress> adminAddress() {
    return admin == null ? Optional.empty() : admin.address();
  }

  Optional<VrrpService> vrrp() {
    return Optional.ofNullable(vrrp);
  }

  Optional<ProxyService> proxy() {
    return Optional.ofNullable(proxy);
  }

  Optional<TrackingService> tracking() {
    return Optional.ofNullable(tracking);
  }

  /** Whether the VRRP runtimes and the proxy's loops still work (watchdog, {@code /healthz}). */
  Liveness liveness() {
    return liveness;
  }

  /**
   * The state dump of {@link Admin#statusTable()}; empty once closed. Not under this object's lock:
   * a SIGUSR1 during a reload must not wait for it.
   */
  Optional<String> statusTable() {
    Admin a = admin;
    return a == null ? Optional.empty() : Optional.of(a.statusTable());
  }

  /**
   * Cuts the stop's drain short (a second SIGTERM): established connections are closed now, or,
   * before the drain began, it is skipped. Not synchronized: {@link #close} holds the lock while it
   * drains.
   */
  void endDrain() {
    drainEnded = true;
    ProxyService p = draining;
    if (p != null) {
      p.endDrain();
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (statsSocket != null) {
      statsSocket.close();
      statsSocket = null;
    }
    if (admin != null) {
      admin.close();
      admin = null;
    }
    if (vrrp != null) {
      vrrp.close();
      vrrp = null;
    }
    if (tracking != null) {
      tracking.close();
      tracking = null;
    }
    notifiers.values().forEach(NotifyScripts::close);
    notifiers.clear();
    retired.forEach(NotifyScripts::close);
    retired.clear();
    if (proxy != null) {
      draining = proxy; // first: an endDrain from now on reaches this stop
      // The grace of the configuration in force: a reload may have changed it.
      proxy.stop(drainEnded ? Duration.ZERO : running.proxy().drainGrace());
      proxy = null;
    }
    if (proxyEvents instanceof AutoCloseable) {
      try {
        ((AutoCloseable) proxyEvents).close(); // the connection log's last lines
      } catch (Exception e) {
        // nothing more to write
      }
      proxyEvents = ProxyEvents.NOOP;
    }
    if (blocking != null) {
      blocking.shutdownNow();
      blocking = null;
    }
    if (checkLoops != null) {
      checkLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2000);
      checkLoops = null;
    }
  }
}
