package io.vipd.daemon;

import io.netty.channel.EventLoopGroup;
import io.vipd.daemon.admin.Admin;
import io.vipd.daemon.config.CheckConfig;
import io.vipd.daemon.config.CheckType;
import io.vipd.daemon.config.DaemonConfig;
import io.vipd.daemon.health.CheckFactory;
import io.vipd.daemon.notify.NotifyScripts;
import io.vipd.daemon.proxy.ProxyService;
import io.vipd.daemon.track.TrackingService;
import io.vipd.daemon.track.TrackingService.TrackedSource;
import io.vipd.daemon.vrrp.VrrpService;
import io.vipd.health.check.CheckExecutors;
import io.vipd.proxy.ProxyEvents;
import io.vipd.vrrp.router.VirtualRouterListener;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What a running vipd is made of, started in dependency order and stopped in reverse: the check
 * loops, the proxy (so a node is ready to serve before it can win the VIP), the VRRP instances, and
 * the tracking that ties them together. Stopping gives the VIP away first (priority 0), then drains
 * the proxy.
 */
final class Components implements AutoCloseable {

  /** How long established proxy connections may finish when vipd stops. */
  static final Duration DRAIN_GRACE = Duration.ofSeconds(5);

  private static final Duration NOTIFY_TIMEOUT = Duration.ofSeconds(30);

  private EventLoopGroup checkLoops;
  private ScheduledExecutorService blocking;
  private ProxyService proxy;
  private VrrpService vrrp;
  private TrackingService tracking;
  private final Map<String, NotifyScripts> notifiers = new LinkedHashMap<>();
  private Admin admin; // admin endpoint: started last, closed first

  void start(DaemonConfig config) throws IOException {
    startServices(config);
    admin = Admin.start(config, vrrp(), tracking(), proxy());
  }

  private void startServices(DaemonConfig config) throws IOException {
    checkLoops = CheckExecutors.newEventLoopGroup(1, "vipd-checks");
    blocking = CheckExecutors.newBlockingExecutor(2, "vipd-exec");
    CheckFactory factory = new CheckFactory(checkLoops, blocking);
    if (!config.proxy().frontends().isEmpty()) {
      proxy = ProxyService.start(config.proxy(), factory, checkLoops, ProxyEvents.NOOP);
    }
    if (config.vrrp().instances().isEmpty()) {
      return;
    }
    vrrp =
        VrrpService.start(
            config.vrrp(),
            (instance, priority) -> {
              if (instance.notifyScripts().isEmpty()) {
                return VirtualRouterListener.NONE;
              }
              NotifyScripts n =
                  new NotifyScripts(
                      instance.name(), instance.notifyScripts(), priority, NOTIFY_TIMEOUT);
              notifiers.put(instance.name(), n);
              return n;
            });
    tracking =
        TrackingService.start(
            config.vrrp().instances(),
            config.checks(),
            vrrp::runtime,
            factory,
            checkLoops,
            proxySources(config));
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
            sink -> sink.accept(io.vipd.health.HealthState.DOWN, "no proxy frontend configured"));
      } else {
        sources.put(c.name(), proxy.readiness(c.backend().orElseThrow(), c.minServersUp()));
      }
    }
    return sources;
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

  @Override
  public void close() {
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
    if (proxy != null) {
      proxy.stop(DRAIN_GRACE);
      proxy = null;
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
