package io.vipd.daemon.admin;

import io.vipd.daemon.config.DaemonConfig;
import io.vipd.daemon.config.VrrpInstanceConfig;
import io.vipd.daemon.metrics.MastersSeen;
import io.vipd.daemon.proxy.ProxyService;
import io.vipd.daemon.track.InstanceTracker;
import io.vipd.daemon.track.TrackingService;
import io.vipd.daemon.vrrp.VrrpService;
import io.vipd.vrrp.router.VrrpState;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the admin endpoints read of a running vipd: the services that were started (each optional: a
 * proxy-only file has no VRRP), and the configuration they were started from. Reads snapshots only;
 * safe from any thread.
 */
public final class DaemonView {

  private final DaemonConfig config;
  private final Optional<VrrpService> vrrp;
  private final Optional<TrackingService> tracking;
  private final Optional<ProxyService> proxy;
  private final MastersSeen masters;

  public DaemonView(
      DaemonConfig config,
      Optional<VrrpService> vrrp,
      Optional<TrackingService> tracking,
      Optional<ProxyService> proxy) {
    this(
        config,
        vrrp,
        tracking,
        proxy,
        new MastersSeen(() -> vrrp.map(VrrpService::status).orElse(List.of())));
  }

  /**
   * @param masters masters seen since start, kept across reloads
   */
  public DaemonView(
      DaemonConfig config,
      Optional<VrrpService> vrrp,
      Optional<TrackingService> tracking,
      Optional<ProxyService> proxy,
      MastersSeen masters) {
    this.config = config;
    this.vrrp = vrrp;
    this.tracking = tracking;
    this.proxy = proxy;
    this.masters = masters;
  }

  public DaemonConfig config() {
    return config;
  }

  public Optional<VrrpService> vrrp() {
    return vrrp;
  }

  public Optional<TrackingService> tracking() {
    return tracking;
  }

  public Optional<ProxyService> proxy() {
    return proxy;
  }

  /** Masters seen per instance, sampled by the admin server. */
  public MastersSeen masters() {
    return masters;
  }

  /**
   * Ready when every configured VRRP instance runs (has left INITIALIZE) and the proxy's frontends
   * listen.
   */
  public Readiness readiness() {
    List<String> notReady = new ArrayList<>();
    if (!config.vrrp().instances().isEmpty()) {
      if (vrrp.isEmpty()) {
        notReady.add("VRRP not started");
      } else {
        // by the configured names: an instance a reload could not start has no runtime at all
        for (var instance : config.vrrp().instances()) {
          boolean running =
              vrrp.get()
                  .runtime(instance.name())
                  .map(r -> r.status().state() != VrrpState.INITIALIZE)
                  .orElse(false);
          if (!running) {
            notReady.add("VRRP instance " + instance.name() + " not running");
          }
        }
      }
    }
    if (!config.proxy().frontends().isEmpty() && (proxy.isEmpty() || !proxy.get().listening())) {
      notReady.add("proxy frontends not listening");
    }
    return new Readiness(notReady);
  }

  /** The configuration of the instance called {@code name}. */
  Optional<VrrpInstanceConfig> instanceConfig(String name) {
    return config.vrrp().instances().stream().filter(i -> i.name().equals(name)).findFirst();
  }

  /** The tracker of an instance that tracks something. */
  Optional<InstanceTracker> tracker(String instance) {
    return tracking.flatMap(t -> t.tracker(instance));
  }
}
