package io.vipd.daemon.vrrp;

import io.vipd.daemon.config.AuthenticationConfig;
import io.vipd.daemon.config.InitialState;
import io.vipd.daemon.config.IpFamily;
import io.vipd.daemon.config.VirtualIp;
import io.vipd.daemon.config.VrrpConfig;
import io.vipd.daemon.config.VrrpInstanceConfig;
import io.vipd.vrrp.linux.NetlinkLinkMonitor;
import io.vipd.vrrp.linux.NetlinkVipManager;
import io.vipd.vrrp.linux.PacketSocketAnnouncer;
import io.vipd.vrrp.linux.RawVrrpSocket;
import io.vipd.vrrp.port.LinkInfo;
import io.vipd.vrrp.port.LinkState;
import io.vipd.vrrp.port.VirtualAddress;
import io.vipd.vrrp.port.VrrpSocket;
import io.vipd.vrrp.router.VirtualRouterConfig;
import io.vipd.vrrp.router.VirtualRouterListener;
import io.vipd.vrrp.runtime.GarpSettings;
import io.vipd.vrrp.runtime.InstanceStatus;
import io.vipd.vrrp.runtime.VrrpInstanceSpec;
import io.vipd.vrrp.runtime.VrrpRuntime;
import io.vipd.vrrp.runtime.VrrpStats;
import java.io.Closeable;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the configured VRRP instances: one {@link VrrpRuntime} thread and one link-watch thread per
 * instance, with the Linux adapters. Owns every socket it opens.
 */
public final class VrrpService implements Closeable {

  private static final Logger LOG = LoggerFactory.getLogger(VrrpService.class);
  private static final long LINK_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

  /**
   * VIPs are installed with this lifetime and refreshed every third of it while master: a vipd
   * killed with SIGKILL leaves its VIP behind for at most this long (keepalived leaves it for
   * ever).
   */
  static final int VIP_LIFETIME_SECONDS = 3;

  /** In configuration order; replaced whole by {@link #reconcile}, read from any thread. */
  private volatile List<Instance> instances = List.of();

  private final NetlinkVipManager vipManager;

  private VrrpService(NetlinkVipManager vipManager) {
    this.vipManager = vipManager;
  }

  /**
   * Opens the sockets of every instance and starts them. Fails (and closes what it opened) when an
   * interface or capability is missing.
   */
  public static VrrpService start(VrrpConfig config) throws IOException {
    return start(config, (instance, priority) -> VirtualRouterListener.NONE);
  }

  /**
   * Like {@link #start(VrrpConfig)}, with an extra observer per instance (notify scripts).
   *
   * @param observers makes the observer of an instance, given a reader of its effective priority
   */
  public static VrrpService start(
      VrrpConfig config,
      BiFunction<VrrpInstanceConfig, IntSupplier, VirtualRouterListener> observers)
      throws IOException {
    VrrpService service = new VrrpService(NetlinkVipManager.open());
    List<Instance> opened = new ArrayList<>();
    try {
      for (VrrpInstanceConfig instance : config.instances()) {
        opened.add(service.open(instance, observers));
      }
    } catch (IOException | RuntimeException e) {
      service.instances = List.copyOf(opened);
      service.close();
      throw e;
    }
    service.instances = List.copyOf(opened);
    opened.forEach(Instance::start);
    return service;
  }

  /** What {@link #reconcile} did, by instance name. */
  public record Changes(
      List<String> kept, List<String> added, List<String> restarted, List<String> removed) {
    public Changes {
      kept = List.copyOf(kept);
      added = List.copyOf(added);
      restarted = List.copyOf(restarted);
      removed = List.copyOf(removed);
    }

    /** Instances whose runtime is new: their trackers and observers must be rebuilt. */
    public List<String> replaced() {
      List<String> all = new ArrayList<>(added);
      all.addAll(restarted);
      return all;
    }
  }

  /**
   * Reload: an instance whose configuration is unchanged keeps running untouched (state, timers,
   * VIPs: no re-election). Any change to an instance (priority included) stops it the way vipd
   * stops (a master sends priority 0 and removes its VIPs, so a peer takes over at once) and starts
   * it anew from its new configuration; removed instances stop, added ones start. Stopping before
   * opening lets a restarted instance reuse its VRID and interface.
   *
   * <p>If an instance cannot be opened (interface gone), the others are still applied and the
   * exception names it; that instance is then not running.
   *
   * @param observers as for {@link #start(VrrpConfig, BiFunction)}, used for new runtimes only
   * @param stopped told the name of every instance stopped here (to release its observer)
   * @throws IOException for the first instance that could not be opened
   */
  public synchronized Changes reconcile(
      VrrpConfig next,
      BiFunction<VrrpInstanceConfig, IntSupplier, VirtualRouterListener> observers,
      Consumer<String> stopped)
      throws IOException {
    List<String> kept = new ArrayList<>();
    List<String> added = new ArrayList<>();
    List<String> restarted = new ArrayList<>();
    List<String> removed = new ArrayList<>();
    Map<String, Instance> running = new LinkedHashMap<>();
    instances.forEach(i -> running.put(i.spec.name(), i));
    Map<String, VrrpInstanceConfig> wanted = new LinkedHashMap<>();
    next.instances().forEach(c -> wanted.put(c.name(), c));
    for (Instance i : running.values()) {
      VrrpInstanceConfig w = wanted.get(i.spec.name());
      if (w == null || !w.equals(i.config)) {
        i.stop();
        stopped.accept(i.spec.name());
        (w == null ? removed : restarted).add(i.spec.name());
      }
    }
    List<Instance> now = new ArrayList<>();
    List<Instance> fresh = new ArrayList<>();
    IOException failure = null;
    for (VrrpInstanceConfig c : next.instances()) {
      Instance old = running.get(c.name());
      if (old != null && c.equals(old.config)) {
        now.add(old);
        kept.add(c.name());
        continue;
      }
      if (old == null) {
        added.add(c.name());
      }
      try {
        Instance opened = open(c, observers);
        now.add(opened);
        fresh.add(opened);
      } catch (IOException | RuntimeException e) {
        LOG.error("({}) cannot start after reload: {}", c.name(), e.getMessage());
        if (failure == null) {
          failure = new IOException("(" + c.name() + ") " + e.getMessage(), e);
        }
      }
    }
    instances = List.copyOf(now);
    fresh.forEach(Instance::start);
    if (failure != null) {
      throw failure;
    }
    return new Changes(kept, added, restarted, removed);
  }

  /** Status of every instance, in configuration order. */
  public List<InstanceStatus> status() {
    return instances.stream().map(i -> i.runtime.status()).toList();
  }

  /** Counters of every instance, in configuration order. */
  public List<VrrpStats> stats() {
    return instances.stream().map(i -> i.runtime.stats()).toList();
  }

  /** The runtime of the named instance, for tracking. */
  public Optional<VrrpRuntime> runtime(String name) {
    return instances.stream()
        .filter(i -> i.spec.name().equals(name))
        .map(i -> i.runtime)
        .findFirst();
  }

  private Instance open(
      VrrpInstanceConfig cfg,
      BiFunction<VrrpInstanceConfig, IntSupplier, VirtualRouterListener> observers)
      throws IOException {
    String ifName = cfg.interfaceName();
    InetAddress primary = primaryAddress(cfg);
    VirtualRouterConfig router = routerConfig(cfg, primary);
    List<VirtualAddress> vips = cfg.virtualIps().stream().map(VrrpService::toVirtual).toList();
    GarpSettings garp =
        new GarpSettings(
            cfg.garp().repeat(),
            cfg.garp().delay().toNanos(),
            cfg.garp().refresh().toNanos(),
            cfg.garp().refreshRepeat());
    VrrpInstanceSpec spec =
        new VrrpInstanceSpec(router, ifName, vips, cfg.checksumMode(), garp, VIP_LIFETIME_SECONDS);
    removeStale(spec);
    boolean join = cfg.unicast().isEmpty();
    VrrpSocket socket =
        primary instanceof Inet4Address v4
            ? RawVrrpSocket.openIpv4(ifName, v4, join)
            : RawVrrpSocket.openIpv6(ifName, (Inet6Address) primary, join);
    PacketSocketAnnouncer announcer = null;
    NetlinkLinkMonitor monitor = null;
    try {
      announcer = PacketSocketAnnouncer.open(ifName);
      monitor = NetlinkLinkMonitor.open(ifName);
    } catch (IOException e) {
      closeQuietly(socket);
      closeQuietly(announcer);
      throw e;
    }
    AtomicReference<VrrpRuntime> self = new AtomicReference<>();
    VirtualRouterListener observer =
        observers.apply(cfg, () -> self.get().status().effectivePriority());
    VrrpRuntime runtime =
        new VrrpRuntime(
            spec,
            socket,
            vipManager,
            announcer,
            new Listeners(List.of(new KeepalivedStyleLog(spec.name()), observer)),
            System::nanoTime,
            new VrrpStats());
    self.set(runtime);
    return new Instance(cfg, spec, runtime, socket, announcer, monitor);
  }

  /** VIPs left behind by a vipd that was killed are removed before the instance starts. */
  private void removeStale(VrrpInstanceSpec spec) {
    for (VirtualAddress vip : spec.virtualAddresses()) {
      try {
        if (vipManager.remove(vip)) {
          LOG.info("({}) removed stale VIP {} left by an earlier run", spec.name(), vip);
        }
      } catch (IOException e) {
        LOG.warn("({}) could not check for stale VIP {}: {}", spec.name(), vip, e.getMessage());
      }
    }
  }

  private static InetAddress primaryAddress(VrrpInstanceConfig cfg) throws IOException {
    Optional<InetAddress> source = cfg.unicast().flatMap(u -> u.source());
    if (source.isPresent()) {
      return source.get();
    }
    String ifName = cfg.interfaceName();
    Optional<? extends InetAddress> found =
        cfg.family() == IpFamily.IPV4
            ? LinkInfo.DEFAULT.primaryIpv4Address(ifName)
            : LinkInfo.DEFAULT.ipv6LinkLocalAddress(ifName);
    return found.orElseThrow(
        () ->
            new IOException(
                "("
                    + cfg.name()
                    + ") interface "
                    + ifName
                    + " has no "
                    + (cfg.family() == IpFamily.IPV4 ? "IPv4 address" : "IPv6 link-local address")
                    + " to send advertisements from"));
  }

  static VirtualRouterConfig routerConfig(VrrpInstanceConfig cfg, InetAddress primary) {
    VirtualRouterConfig.Builder b =
        VirtualRouterConfig.builder(cfg.name(), cfg.virtualRouterId(), primary)
            .version(cfg.version())
            .priority(cfg.priority())
            .advertIntervalCentis((int) (cfg.advertInterval().toMillis() / 10))
            .preempt(cfg.preempt())
            .preemptDelayNanos(cfg.preemptDelay().toNanos())
            .initialMaster(cfg.initialState() == InitialState.MASTER)
            .virtualAddresses(cfg.virtualIps().stream().map(VirtualIp::address).toList())
            .advertOnLowerPriority(cfg.lowerPriorityAdvert())
            .unicastPeers(cfg.unicast().map(u -> u.peers()).orElse(List.of()));
    cfg.authentication().map(AuthenticationConfig::wireBytes).ifPresent(b::password);
    return b.build();
  }

  private static VirtualAddress toVirtual(VirtualIp vip) {
    return new VirtualAddress(vip.address(), vip.prefixLength(), vip.device(), vip.label());
  }

  /**
   * Stops every instance (masters send priority 0 and remove their VIPs) and closes the sockets.
   */
  @Override
  public void close() {
    for (Instance instance : instances) {
      instance.stop();
    }
    closeQuietly(vipManager);
  }

  private static void closeQuietly(Closeable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (IOException e) {
      LOG.debug("close failed: {}", e.getMessage());
    }
  }

  /** One running instance and the resources it owns. */
  private static final class Instance {
    final VrrpInstanceConfig config;
    final VrrpInstanceSpec spec;
    final VrrpRuntime runtime;
    final VrrpSocket socket;
    final PacketSocketAnnouncer announcer;
    final NetlinkLinkMonitor monitor;
    final Thread runtimeThread;
    final Thread linkThread;
    volatile boolean watching = true;

    Instance(
        VrrpInstanceConfig config,
        VrrpInstanceSpec spec,
        VrrpRuntime runtime,
        VrrpSocket socket,
        PacketSocketAnnouncer announcer,
        NetlinkLinkMonitor monitor) {
      this.config = config;
      this.spec = spec;
      this.runtime = runtime;
      this.socket = socket;
      this.announcer = announcer;
      this.monitor = monitor;
      this.runtimeThread = new Thread(runtime, "vrrp-" + spec.name());
      this.linkThread = new Thread(this::watchLink, "link-" + spec.name());
      linkThread.setDaemon(true);
    }

    void start() {
      LinkState initial = monitor.current();
      if (!initial.up()) {
        runtime.setFault(
            "interface " + spec.interfaceName(),
            true,
            "interface " + spec.interfaceName() + " down");
      }
      runtimeThread.start();
      linkThread.start();
    }

    private void watchLink() {
      while (watching) {
        try {
          LinkState change = monitor.poll(LINK_POLL_NANOS);
          if (change != null) {
            runtime.setFault(
                "interface " + spec.interfaceName(),
                !change.up(),
                "interface " + spec.interfaceName() + (change.up() ? " up" : " down"));
          }
        } catch (IOException e) {
          if (watching) {
            LOG.warn("({}) link monitor failed: {}", spec.name(), e.getMessage());
          }
          return;
        }
      }
    }

    void stop() {
      watching = false;
      try {
        if (runtimeThread.isAlive() && !runtime.stop(5, TimeUnit.SECONDS)) {
          LOG.warn("({}) did not stop within 5 s", spec.name());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      try {
        linkThread.join(TimeUnit.NANOSECONDS.toMillis(LINK_POLL_NANOS) * 3);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      closeQuietly(socket);
      closeQuietly(announcer);
      closeQuietly(monitor);
    }
  }
}
