package io.vipd.daemon.vrrp;

import io.vipd.daemon.config.AuthenticationConfig;
import io.vipd.daemon.config.InitialState;
import io.vipd.daemon.config.IpFamily;
import io.vipd.daemon.config.TrackConfig;
import io.vipd.daemon.config.UnicastConfig;
import io.vipd.daemon.config.VirtualIp;
import io.vipd.daemon.config.VrrpConfig;
import io.vipd.daemon.config.VrrpInstanceConfig;
import io.vipd.vrrp.linux.DeviceAnnouncers;
import io.vipd.vrrp.linux.NetlinkLinkMonitor;
import io.vipd.vrrp.linux.NetlinkVipManager;
import io.vipd.vrrp.linux.RawVrrpSocket;
import io.vipd.vrrp.port.LinkInfo;
import io.vipd.vrrp.port.LinkMonitor;
import io.vipd.vrrp.port.LinkState;
import io.vipd.vrrp.port.ReceivedDatagram;
import io.vipd.vrrp.port.ReopeningLinkMonitor;
import io.vipd.vrrp.port.VirtualAddress;
import io.vipd.vrrp.port.VrrpSocket;
import io.vipd.vrrp.router.SyncGroup;
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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the configured VRRP instances: one {@link VrrpRuntime} thread and one link-watch thread per
 * instance, with the Linux adapters. Owns every socket it opens. A reload ({@link #reconcile})
 * applies in place whatever leaves an instance the same router on the wire, and restarts it
 * otherwise.
 */
public final class VrrpService implements Closeable {

  private static final Logger LOG = LoggerFactory.getLogger(VrrpService.class);
  private static final long LINK_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

  /** How often a running instance looks for its advert source address (see lostAddress). */
  private static final long ADDRESS_CHECK_NANOS = TimeUnit.SECONDS.toNanos(1);

  /**
   * VIPs are installed with this lifetime and refreshed every third of it while master: a vipd
   * killed with SIGKILL leaves its VIP behind for at most this long (keepalived leaves it for
   * ever).
   */
  static final int VIP_LIFETIME_SECONDS = 3;

  /** In configuration order; replaced whole by {@link #reconcile}, read from any thread. */
  private volatile List<Instance> instances = List.of();

  private final NetlinkVipManager vipManager;

  /**
   * The sync groups by name; a member joins when its instance opens and leaves when it stops. An
   * instance whose {@code sync-group} changes restarts (it is part of its identity).
   */
  private final Map<String, SyncGroup> syncGroups = new ConcurrentHashMap<>();

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

  /**
   * What {@link #reconcile} did, by instance name.
   *
   * @param inPlace instances changed without a restart, each with what changed in words
   */
  public record Changes(
      List<String> kept,
      List<String> added,
      List<String> restarted,
      List<String> removed,
      List<InPlace> inPlace) {
    public Changes {
      kept = List.copyOf(kept);
      added = List.copyOf(added);
      restarted = List.copyOf(restarted);
      removed = List.copyOf(removed);
      inPlace = List.copyOf(inPlace);
    }

    /** Instances whose runtime is new: their trackers and observers must be rebuilt. */
    public List<String> replaced() {
      List<String> all = new ArrayList<>(added);
      all.addAll(restarted);
      return all;
    }
  }

  /**
   * An instance changed in place.
   *
   * @param name the instance
   * @param what what changed, e.g. {@code [priority 100 -> 90, notify]}
   */
  public record InPlace(String name, List<String> what) {
    public InPlace {
      what = List.copyOf(what);
    }
  }

  /**
   * Reload. The rule: a change that leaves the instance the same router on the wire applies in
   * place; any other restarts the instance.
   *
   * <ul>
   *   <li>Unchanged: the instance keeps running untouched (state, timers, VIPs: no re-election).
   *   <li>In place, without leaving MASTER or removing the VIPs: {@code priority} (except to or
   *       from 255), {@code preempt}, {@code preempt-delay}, {@code lower-priority-advert}, {@code
   *       garp}, {@code track}, {@code notify} and {@code unicast.peers} (the same {@code
   *       unicast.source}: a control-plane node joining or leaving; adverts go to the new peers and
   *       are taken from them from then on). A new priority goes the RFC way ({@link
   *       VrrpRuntime#reconfigure}): a master advertises it from its next advert (a backup now
   *       higher preempts it, if it preempts); a backup now higher than the master preempts it per
   *       its preempt settings. Tracking is rebuilt by the caller ({@link
   *       io.vipd.daemon.track.TrackingService#reconcile}: its configuration differs) and
   *       re-applies its weights to the new priority; a new notify observer replaces the old one,
   *       which is released.
   *   <li>Restart: the identity of the instance changed: {@code interface}, {@code
   *       virtual-router-id}, {@code version}, {@code virtual-ips} (hence the family), {@code
   *       unicast.source}, unicast against multicast, {@code authentication}, {@code
   *       advert-interval}, {@code checksum-mode}, {@code initial-state}, or {@code priority} to or
   *       from 255 (address owner). It stops the way vipd stops (a master sends priority 0 and
   *       removes its VIPs, so a peer takes over at once) and starts anew. Stopping before opening
   *       lets it reuse its VRID and interface.
   *   <li>Removed instances stop, added ones start.
   * </ul>
   *
   * <p>If an instance cannot be opened (interface gone), the others are still applied and the
   * exception names it; that instance is then not running.
   *
   * @param observers as for {@link #start(VrrpConfig, BiFunction)}, used for new runtimes and for a
   *     changed {@code notify}
   * @param released given the observer of every instance stopped here, and the old observer of an
   *     instance whose observer was replaced, after it no longer receives events (to close it)
   * @throws IOException for the first instance that could not be opened
   */
  public synchronized Changes reconcile(
      VrrpConfig next,
      BiFunction<VrrpInstanceConfig, IntSupplier, VirtualRouterListener> observers,
      Consumer<VirtualRouterListener> released)
      throws IOException {
    List<String> kept = new ArrayList<>();
    List<String> added = new ArrayList<>();
    List<String> restarted = new ArrayList<>();
    Set<String> inMaintenance = new HashSet<>();
    List<String> removed = new ArrayList<>();
    List<InPlace> inPlace = new ArrayList<>();
    Map<String, Instance> running = new LinkedHashMap<>();
    instances.forEach(i -> running.put(i.spec.name(), i));
    Map<String, VrrpInstanceConfig> wanted = new LinkedHashMap<>();
    next.instances().forEach(c -> wanted.put(c.name(), c));
    Map<String, Instance> carried = new LinkedHashMap<>();
    for (Instance i : running.values()) {
      VrrpInstanceConfig w = wanted.get(i.spec.name());
      if (w != null && w.equals(i.config)) {
        carried.put(w.name(), i);
        kept.add(w.name());
        continue;
      }
      Optional<List<String>> what = w == null ? Optional.empty() : inPlaceChanges(i.config, w);
      if (what.isPresent() && applyInPlace(i, w, observers, released)) {
        carried.put(w.name(), i);
        inPlace.add(new InPlace(w.name(), what.get()));
        continue;
      }
      if (w != null && i.runtime.status().maintenance()) {
        inMaintenance.add(w.name()); // an operator's handover outlives the restart
      }
      i.stop();
      released.accept(i.observer.current());
      (w == null ? removed : restarted).add(i.spec.name());
    }
    List<Instance> now = new ArrayList<>();
    List<Instance> fresh = new ArrayList<>();
    IOException failure = null;
    List<String> notStarted = new ArrayList<>();
    for (VrrpInstanceConfig c : next.instances()) {
      Instance old = carried.get(c.name());
      if (old != null) {
        now.add(old);
        continue;
      }
      if (!running.containsKey(c.name())) {
        added.add(c.name());
      }
      try {
        Instance opened = open(c, observers);
        if (inMaintenance.contains(c.name())) {
          opened.runtime.setMaintenanceBeforeStart(); // not MASTER first, even as the owner
        }
        now.add(opened);
        fresh.add(opened);
      } catch (IOException | RuntimeException e) {
        LOG.error("({}) cannot start after reload: {}", c.name(), e.getMessage());
        notStarted.add(c.name());
        if (failure == null) {
          failure = new IOException("(" + c.name() + ") " + e.getMessage(), e);
        }
      }
    }
    instances = List.copyOf(now);
    fresh.forEach(Instance::start);
    if (failure != null) {
      // what did change stays changed and is said; what could not start is named by the failure
      added.removeAll(notStarted);
      restarted.removeAll(notStarted);
      throw new PartlyApplied(
          new Changes(kept, added, restarted, removed, inPlace),
          new IOException(
              failure.getMessage() + "; not running now: " + String.join(", ", notStarted),
              failure.getCause()));
    }
    return new Changes(kept, added, restarted, removed, inPlace);
  }

  /** {@link #reconcile} failed for some instance after applying the rest: {@link #changes}. */
  public static final class PartlyApplied extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Changes changes;

    PartlyApplied(Changes changes, IOException failure) {
      super(failure.getMessage(), failure);
      this.changes = changes;
    }

    /** What was applied. */
    public Changes changes() {
      return changes;
    }
  }

  /**
   * What differs between two configurations of one instance, in words, when every difference
   * applies in place (see {@link #reconcile}); empty when the instance must restart. Whatever is
   * not named as applying in place counts as identity, fields added later included.
   */
  static Optional<List<String>> inPlaceChanges(VrrpInstanceConfig was, VrrpInstanceConfig now) {
    boolean ownerChange =
        (was.priority() == VrrpInstanceConfig.OWNER_PRIORITY)
            != (now.priority() == VrrpInstanceConfig.OWNER_PRIORITY);
    if (ownerChange || !withTunablesOf(now, was).equals(was)) {
      return Optional.empty();
    }
    List<String> what = new ArrayList<>();
    if (was.priority() != now.priority()) {
      what.add("priority " + was.priority() + " -> " + now.priority());
    }
    if (was.preempt() != now.preempt()) {
      what.add("preempt " + now.preempt());
    }
    if (!was.preemptDelay().equals(now.preemptDelay())) {
      what.add("preempt-delay " + now.preemptDelay().toMillis() + "ms");
    }
    if (was.lowerPriorityAdvert() != now.lowerPriorityAdvert()) {
      what.add("lower-priority-advert " + now.lowerPriorityAdvert());
    }
    if (!was.garp().equals(now.garp())) {
      what.add("garp");
    }
    if (!was.track().equals(now.track())) {
      what.add("track");
    }
    if (!was.notifyScripts().equals(now.notifyScripts())) {
      what.add("notify");
    }
    if (!was.unicast().equals(now.unicast())) {
      what.add("unicast peers " + peers(now));
    }
    return Optional.of(what);
  }

  /**
   * {@code identity}'s unicast settings, or {@code tunables}' where the two differ only in their
   * peers: a peer added or removed (a control-plane node joining or leaving) applies in place, as
   * keepalived applies {@code unicast_peer} on reload; the source address, and unicast against
   * multicast, are the instance's identity.
   */
  private static Optional<UnicastConfig> samePeersAside(
      Optional<UnicastConfig> identity, Optional<UnicastConfig> tunables) {
    if (identity.isPresent()
        && tunables.isPresent()
        && identity.get().source().equals(tunables.get().source())) {
      return tunables;
    }
    return identity;
  }

  private static List<String> peers(VrrpInstanceConfig c) {
    return c.unicast().orElseThrow().peers().stream().map(InetAddress::getHostAddress).toList();
  }

  /** {@code identity}'s configuration with the in-place settings of {@code tunables}. */
  private static VrrpInstanceConfig withTunablesOf(
      VrrpInstanceConfig identity, VrrpInstanceConfig tunables) {
    return new VrrpInstanceConfig(
        identity.name(),
        identity.interfaceName(),
        identity.virtualRouterId(),
        tunables.priority(),
        identity.version(),
        identity.advertInterval(),
        identity.initialState(),
        tunables.preempt(),
        tunables.preemptDelay(),
        identity.authentication(),
        identity.checksumMode(),
        tunables.lowerPriorityAdvert(),
        samePeersAside(identity.unicast(), tunables.unicast()),
        identity.virtualIps(),
        tunables.track(),
        tunables.notifyScripts(),
        tunables.garp(),
        identity.syncGroup());
  }

  /** Applies {@code next} to the running {@code i}; false when it must restart after all. */
  private boolean applyInPlace(
      Instance i,
      VrrpInstanceConfig next,
      BiFunction<VrrpInstanceConfig, IntSupplier, VirtualRouterListener> observers,
      Consumer<VirtualRouterListener> released) {
    // The primary address the instance runs with, not the interface's current one: the router's
    // identity (tie-break, source of its adverts) stays as it is (the runtime keeps its own).
    VrrpInstanceSpec spec = spec(next, i.runtime.primaryAddress());
    try {
      i.runtime.reconfigure(spec);
    } catch (IllegalArgumentException e) {
      LOG.warn("({}) cannot change in place, restarting: {}", next.name(), e.getMessage());
      return false;
    }
    if (!next.notifyScripts().equals(i.config.notifyScripts())) {
      VirtualRouterListener old =
          i.observer.replace(observers.apply(next, () -> i.runtime.status().effectivePriority()));
      released.accept(old);
    }
    i.config = next;
    i.spec = spec;
    return true;
  }

  /** Status of every instance, in configuration order. */
  public List<InstanceStatus> status() {
    return instances.stream().map(i -> i.runtime.status()).toList();
  }

  /** Counters of every instance, in configuration order. */
  public List<VrrpStats> stats() {
    return instances.stream().map(i -> i.runtime.stats()).toList();
  }

  /** The runtimes of the instances running now (for {@link io.vipd.daemon.Liveness}). */
  public List<VrrpRuntime> runtimes() {
    return instances.stream().map(i -> i.runtime).toList();
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
    boolean present = RawVrrpSocket.currentIndex(ifName) > 0;
    if (present) {
      // first: a VIP left by an earlier run (or by keepalived) must not be taken for the node's
      // own address, the adverts' source
      removeStale(cfg.name(), cfg.virtualIps().stream().map(VrrpService::toVirtual).toList());
    }
    InetAddress found = present ? primaryAddressIfAny(cfg) : null;
    InetAddress primary = found;
    if (found != null
        && configuredSource(cfg).isEmpty()
        && cfg.virtualIps().stream().anyMatch(v -> v.address().equals(found))) {
      // a VIP that could not be removed (another prefix length, a failed delete) is never the
      // node's own address: wait for one, as a re-addressing instance does (sourceNow)
      primary = null;
    }
    if (primary == null) {
      return openWaiting(cfg, observers);
    }
    VrrpInstanceSpec spec = spec(cfg, primary);
    VrrpSocket socket = openSocket(cfg, primary);
    DeviceAnnouncers announcer = null;
    LinkMonitor monitor = null;
    try {
      announcer = DeviceAnnouncers.open(ifName);
      // reopened should it fail: without it the instance would run on with no link tracking
      monitor =
          new ReopeningLinkMonitor(
              cfg.name(), NetlinkLinkMonitor.open(ifName), () -> NetlinkLinkMonitor.open(ifName));
    } catch (IOException e) {
      closeQuietly(socket);
      closeQuietly(announcer);
      throw e;
    }
    AtomicReference<VrrpRuntime> self = new AtomicReference<>();
    SwappableListener observer =
        new SwappableListener(observers.apply(cfg, () -> self.get().status().effectivePriority()));
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
    joinSyncGroup(cfg, runtime);
    return new Instance(cfg, spec, runtime, observer, socket, announcer, monitor);
  }

  /**
   * An instance whose interface does not exist yet, or has no address to advertise from (vipd
   * started before the network was configured, a VLAN created later). As keepalived, vipd starts it
   * in FAULT rather than refusing to start: it holds no sockets and no address (its own is a
   * placeholder until then) and waits for the interface, which its link thread watches for; once
   * the interface is up with an address, the instance opens its sockets, takes the address (as for
   * an interface created again: see {@link Instance#reopen}) and leaves FAULT.
   */
  private Instance openWaiting(
      VrrpInstanceConfig cfg,
      BiFunction<VrrpInstanceConfig, IntSupplier, VirtualRouterListener> observers) {
    String ifName = cfg.interfaceName();
    InetAddress placeholder =
        configuredSource(cfg).orElse(cfg.family() == IpFamily.IPV4 ? ANY_IPV4 : ANY_IPV6);
    VrrpInstanceSpec spec = spec(cfg, placeholder);
    AtomicReference<VrrpRuntime> self = new AtomicReference<>();
    SwappableListener observer =
        new SwappableListener(observers.apply(cfg, () -> self.get().status().effectivePriority()));
    VrrpSocket none = new NoSocketYet();
    VrrpRuntime runtime =
        new VrrpRuntime(
            spec,
            none,
            vipManager,
            vip -> {}, // nothing to announce from until the interface is there
            new Listeners(List.of(new KeepalivedStyleLog(spec.name()), observer)),
            System::nanoTime,
            new VrrpStats());
    self.set(runtime);
    joinSyncGroup(cfg, runtime);
    LinkMonitor monitor =
        ReopeningLinkMonitor.waitingFor(cfg.name(), ifName, () -> NetlinkLinkMonitor.open(ifName));
    Instance i = new Instance(cfg, spec, runtime, observer, none, null, monitor);
    i.awaitInterface();
    LOG.warn(
        "({}) interface {} does not exist or has no address to advertise from: the instance starts"
            + " in FAULT and waits for it",
        cfg.name(),
        ifName);
    return i;
  }

  private void joinSyncGroup(VrrpInstanceConfig cfg, VrrpRuntime runtime) {
    syncGroups.values().removeIf(g -> g.members().isEmpty()); // every member stopped
    cfg.syncGroup()
        .ifPresent(name -> runtime.joinSyncGroup(syncGroups.computeIfAbsent(name, SyncGroup::new)));
  }

  private static final InetAddress ANY_IPV4 = anyAddress(new byte[4]);
  private static final InetAddress ANY_IPV6 = anyAddress(new byte[16]);

  private static InetAddress anyAddress(byte[] zeros) {
    try {
      return InetAddress.getByAddress(zeros);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException("a literal address", e);
    }
  }

  /** {@link #primaryAddress}, or null while there is none to give for {@code cfg}. */
  private static InetAddress primaryAddressIfAny(VrrpInstanceConfig cfg) {
    try {
      return primaryAddress(cfg);
    } catch (IOException e) {
      return null;
    }
  }

  /** The advert source the configuration names (a unicast source), if any. */
  private static Optional<InetAddress> configuredSource(VrrpInstanceConfig cfg) {
    return cfg.unicast().flatMap(u -> u.source());
  }

  /** The socket of an instance waiting for its interface: sends nothing, receives nothing. */
  private static final class NoSocketYet implements VrrpSocket {
    @Override
    public void send(byte[] vrrpMessage, InetAddress destination) {}

    @Override
    public ReceivedDatagram receive(long timeoutNanos) {
      try {
        TimeUnit.NANOSECONDS.sleep(Math.max(0, timeoutNanos));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return null;
    }

    @Override
    public void close() {}
  }

  /** The instance's VRRP socket on its interface, sending from {@code primary}. */
  private static VrrpSocket openSocket(VrrpInstanceConfig cfg, InetAddress primary)
      throws IOException {
    boolean join = cfg.unicast().isEmpty();
    return primary instanceof Inet4Address v4
        ? RawVrrpSocket.openIpv4(cfg.interfaceName(), v4, join)
        : RawVrrpSocket.openIpv6(cfg.interfaceName(), (Inet6Address) primary, join);
  }

  /** VIPs left behind by a vipd that was killed are removed before the instance starts. */
  private void removeStale(String instance, List<VirtualAddress> vips) {
    for (VirtualAddress vip : vips) {
      try {
        if (vipManager.remove(vip)) {
          LOG.info("({}) removed stale VIP {} left by an earlier run", instance, vip);
        }
      } catch (IOException e) {
        LOG.warn("({}) could not check for stale VIP {}: {}", instance, vip, e.getMessage());
      }
    }
  }

  private static InetAddress primaryAddress(VrrpInstanceConfig cfg) throws IOException {
    Optional<InetAddress> source = configuredSource(cfg);
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

  /** The runtime's view of {@code cfg}, advertising from {@code primary}. */
  static VrrpInstanceSpec spec(VrrpInstanceConfig cfg, InetAddress primary) {
    List<VirtualAddress> vips = cfg.virtualIps().stream().map(VrrpService::toVirtual).toList();
    GarpSettings garp =
        new GarpSettings(
            cfg.garp().repeat(),
            cfg.garp().delay().toNanos(),
            cfg.garp().refresh().toNanos(),
            cfg.garp().refreshRepeat());
    return new VrrpInstanceSpec(
        routerConfig(cfg, primary),
        cfg.interfaceName(),
        vips,
        cfg.checksumMode(),
        garp,
        VIP_LIFETIME_SECONDS);
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

  /**
   * The observer of one instance, replaceable while the instance runs (a reload that changes its
   * notify scripts). Called on the instance's VRRP thread; replaced from the reload thread.
   */
  private static final class SwappableListener implements VirtualRouterListener {
    private volatile VirtualRouterListener delegate;

    SwappableListener(VirtualRouterListener delegate) {
      this.delegate = delegate;
    }

    VirtualRouterListener current() {
      return delegate;
    }

    /** Installs {@code next}; returns the one it replaces. */
    VirtualRouterListener replace(VirtualRouterListener next) {
      VirtualRouterListener old = delegate;
      delegate = next;
      return old;
    }

    @Override
    public void onTransition(io.vipd.vrrp.router.Transition transition) {
      delegate.onTransition(transition);
    }

    @Override
    public void onAdvertisementDropped(io.vipd.vrrp.packet.RxDropReason reason) {
      delegate.onAdvertisementDropped(reason);
    }

    @Override
    public void onPriorityChanged(int from, int to) {
      delegate.onPriorityChanged(from, to);
    }

    @Override
    public void onAddressOwnerConflict(InetAddress source, int advertisedPriority) {
      delegate.onAddressOwnerConflict(source, advertisedPriority);
    }
  }

  /** One running instance and the resources it owns. */
  private static final class Instance {
    // Replaced by a reload in place (same identity), under the service's lock.
    volatile VrrpInstanceConfig config;
    volatile VrrpInstanceSpec spec;
    final VrrpRuntime runtime;
    final SwappableListener observer;
    // The ports in use, replaced (link thread, under portLock) when the interface is created
    // again; the pair they replace is closed by the runtime, and by stop() too in case the runtime
    // stopped before it got there (closing twice is harmless).
    volatile VrrpSocket socket;
    volatile DeviceAnnouncers announcer;
    private VrrpSocket previousSocket;
    private DeviceAnnouncers previousAnnouncer;
    private final Object portLock = new Object();
    final LinkMonitor monitor;
    final Thread runtimeThread;
    final Thread linkThread;
    volatile boolean watching = true;

    // Link thread only, from here.
    /** The interface's index when the sockets were opened; -1 if unknown. */
    private int ifIndex;

    /** The link is up, as the monitor last said. */
    private boolean linkUp;

    /**
     * The sockets must be reopened: the interface was deleted and created again (they are bound to
     * the old one), or it lost the address they send from. {@link #reopenWhy} says which.
     */
    private boolean mustReopen;

    private String reopenWhy = "was deleted and created again";

    /**
     * When the source address was last looked for (System.nanoTime): once a second, by the clock,
     * since a poll returns early for every notification about any interface.
     */
    private long lastAddressCheckNanos = System.nanoTime();

    /** The advert source address was missing at the last look (one more miss makes it lost). */
    private boolean addressMissing;

    /** Recreated and up, waiting (FAULT) for the advert source address or for a socket open. */
    private boolean waiting;

    Instance(
        VrrpInstanceConfig config,
        VrrpInstanceSpec spec,
        VrrpRuntime runtime,
        SwappableListener observer,
        VrrpSocket socket,
        DeviceAnnouncers announcer,
        LinkMonitor monitor) {
      this.config = config;
      this.spec = spec;
      this.runtime = runtime;
      this.observer = observer;
      this.socket = socket;
      this.announcer = announcer;
      this.monitor = monitor;
      this.ifIndex = socket instanceof RawVrrpSocket raw ? raw.interfaceIndex() : -1;
      this.runtimeThread = new Thread(runtime, "vrrp-" + spec.name());
      this.linkThread = new Thread(this::watchLink, "link-" + spec.name());
      linkThread.setDaemon(true);
    }

    void start() {
      LinkState initial = monitor.current();
      linkUp = initial.up();
      if (!linkUp) {
        // before the runtime starts: an initial master or an owner must not be MASTER first
        runtime.setFaultBeforeStart(
            "interface " + spec.interfaceName(), "interface " + spec.interfaceName() + " down");
      }
      if (!(socket instanceof NoSocketYet)) {
        // keepalived's INIT: no start until each weight-0 check has answered once (the tracker
        // releases it), so that a first failure is a FAULT at start, not a MASTER then a FAULT
        List<String> gating =
            config.track().checks().stream()
                .filter(t -> t.weight() == 0)
                .map(TrackConfig.Tracked::name)
                .toList();
        if (!gating.isEmpty()) {
          runtime.holdStartBefore(
              "tracked weight-0 check(s) " + String.join(", ", gating) + " have no result yet");
        }
      }
      runtimeThread.start();
      linkThread.start();
    }

    private void watchLink() {
      String source = "interface " + spec.interfaceName();
      while (watching) {
        LinkState change;
        try {
          change = monitor.poll(LINK_POLL_NANOS);
        } catch (IOException e) {
          if (watching) {
            LOG.warn("({}) link monitor failed: {}", spec.name(), e.getMessage());
          }
          return;
        }
        if (change != null) {
          linkUp = change.up();
          if (!linkUp) {
            waiting = false; // the fault's reason is now this
            runtime.setFault(source, true, source + " down");
            continue;
          }
        }
        if (!linkUp) {
          continue;
        }
        // Up. Checked on every poll, not only on an up edge: the notifications of a delete and
        // re-create may be lost (a monitor resync after ENOBUFS compares up/down only).
        if (mustReopen || wasRecreated() || lostAddress()) {
          // A new interface under the old name: the raw and packet sockets are bound to the
          // deleted one. Or the address they send from is gone. Leaving FAULT with them would make
          // a deaf or mute master (two masters), so the instance stays in FAULT until it has new
          // ones.
          if (!reopen()) {
            if (!waiting) {
              waiting = true;
              runtime.setFault(
                  source,
                  true,
                  source
                      + " "
                      + reopenWhy
                      + ": waiting for an address on it to advertise from"
                      + (runtime.primaryAddress().isAnyLocalAddress()
                          ? ""
                          : " (it had " + runtime.primaryAddress().getHostAddress() + ")")
                      + " to reopen its sockets");
            }
            continue;
          }
          waiting = false;
          runtime.setFault(source, false, source + " " + reopenWhy + ": sockets reopened");
        } else if (change != null) {
          runtime.setFault(source, false, source + " up");
        }
      }
    }

    /**
     * The interface, up, no longer has the address adverts are sent from (removed by hand, a DHCP
     * lease lost or renumbered; for IPv6, a link-local address regenerated: a new MAC, {@code
     * addrgenmode random}, or replaced by hand). Every advert would fail while the instance stayed
     * MASTER beside the backup that takes over; keepalived goes to FAULT, or takes the interface's
     * new address, and so does vipd (see {@link #reopen}). Looked for once a second: it reads the
     * interface's addresses; lost when missing twice in a row. A tentative IPv6 address (duplicate
     * address detection after every link up) is still held; a failed one is lost. Left out: a
     * configured unicast source (it may be on another interface, which the kernel sends from all
     * the same).
     */
    private boolean lostAddress() {
      long now = System.nanoTime();
      if (now - lastAddressCheckNanos < ADDRESS_CHECK_NANOS) {
        return false;
      }
      lastAddressCheckNanos = now;
      InetAddress primary = runtime.primaryAddress();
      if (configuredSource(config).isPresent() // may be on another interface
          || LocalAddresses.held(spec.interfaceName(), primary)) {
        addressMissing = false;
        return false;
      }
      if (!addressMissing) {
        addressMissing = true; // twice in a row, a second apart: not a renumbering's delete-add
        return false;
      }
      addressMissing = false;
      mustReopen = true;
      reopenWhy = "lost its address " + primary.getHostAddress();
      LOG.warn(
          "({}) interface {} lost {}, the address adverts are sent from: the instance stays in"
              + " FAULT until it has an address to send from",
          spec.name(),
          spec.interfaceName(),
          primary.getHostAddress());
      return true;
    }

    /** Set before start by {@link #openWaiting}: the sockets are opened once the interface is. */
    void awaitInterface() {
      mustReopen = true;
      reopenWhy = "was missing or without an address at start";
    }

    private boolean wasRecreated() {
      int now = RawVrrpSocket.currentIndex(spec.interfaceName());
      if (ifIndex > 0 && now != ifIndex) {
        // now <= 0: gone again (its down notification is on its way): not the sockets' either
        mustReopen = true;
        reopenWhy = "was deleted and created again";
        LOG.warn(
            "({}) interface {} was deleted and created again (index {} -> {}): the instance stays"
                + " in FAULT until its sockets are reopened on the new one",
            spec.name(),
            spec.interfaceName(),
            ifIndex,
            now);
      }
      return mustReopen;
    }

    /**
     * Opens the sockets again on the re-created interface and hands them to the runtime; false (the
     * instance stays in FAULT) while the interface lacks a usable advert source address (the state
     * machine compares it, and the kernel refuses to send from an address the node does not have or
     * has not finished duplicate address detection for: a mute master) or cannot be opened. The
     * source is the address the instance had or, with multicast adverts, the interface's address
     * now, as keepalived takes an interface's new primary address: the instance takes it in FAULT
     * ({@link VrrpRuntime#readdress}), before it is heard again. Unicast waits for the old address:
     * the peers know this node by it (their adverts go to it, and they drop adverts from any other
     * source), as keepalived waits for its unicast_src_ip.
     */
    private boolean reopen() {
      InetAddress primary = runtime.primaryAddress();
      String ifName = spec.interfaceName();
      int index = RawVrrpSocket.currentIndex(ifName);
      InetAddress source = index <= 0 ? null : sourceNow(ifName, primary);
      if (source == null) {
        if (!waiting) {
          LOG.warn(
              "({}) interface {} is back without {}{}: waiting for it to reopen its sockets",
              spec.name(),
              ifName,
              primary.getHostAddress(),
              config.unicast().isPresent() ? "" : " or another address to advertise from");
        }
        return false;
      }
      VrrpSocket newSocket;
      DeviceAnnouncers newAnnouncer;
      try {
        newSocket = openSocket(config, source);
        try {
          newAnnouncer = DeviceAnnouncers.open(ifName);
        } catch (IOException | RuntimeException e) {
          closeQuietly(newSocket);
          throw e;
        }
      } catch (IOException | RuntimeException e) {
        if (!waiting) {
          LOG.warn("({}) cannot reopen the sockets on {}: {}", spec.name(), ifName, e.getMessage());
        }
        return false;
      }
      boolean readdress = !source.equals(primary);
      synchronized (portLock) {
        if (!watching) { // stopping: stop() closes the ports it sees, not these
          closeQuietly(newSocket);
          closeQuietly(newAnnouncer);
          return false;
        }
        if (readdress) {
          try {
            // In FAULT first, whatever the link notifications said: only then may it change its
            // address (the fault is queued before, so it is in place when the readdress runs).
            String reason = "interface " + ifName;
            runtime.setFault(reason, true, reason + " " + reopenWhy + ": taking another address");
            runtime.readdress(source, newSocket, newAnnouncer);
          } catch (IllegalArgumentException e) {
            if (!waiting) {
              LOG.warn(
                  "({}) cannot advertise from {}, the new address of {}: {}",
                  spec.name(),
                  source.getHostAddress(),
                  ifName,
                  e.getMessage());
            }
            closeQuietly(newSocket);
            closeQuietly(newAnnouncer);
            return false;
          }
        } else {
          runtime.replacePorts(newSocket, newAnnouncer);
        }
        // an older replaced pair was closed by the runtime within a step (10 ms) of its swap
        previousSocket = socket;
        previousAnnouncer = announcer;
        socket = newSocket;
        announcer = newAnnouncer;
      }
      ifIndex = newSocket instanceof RawVrrpSocket raw ? raw.interfaceIndex() : index;
      mustReopen = false;
      LOG.warn(
          "({}) interface {} {} (index {}): sockets reopened on it{}",
          spec.name(),
          ifName,
          reopenWhy,
          ifIndex,
          readdress
              ? ", advertising from its new address "
                  + source.getHostAddress()
                  + " (was "
                  + primary.getHostAddress()
                  + ")"
              : "");
      return true;
    }

    /**
     * The address to advertise from on the re-created interface: the instance's own if usable
     * there; else, with multicast adverts and no configured source, the interface's address now if
     * usable and not one of the instance's VIPs; null to wait.
     */
    private InetAddress sourceNow(String ifName, InetAddress primary) {
      if (LocalAddresses.usable(ifName, primary)) {
        return primary;
      }
      Optional<InetAddress> configured = configuredSource(config);
      if (configured.isPresent()) {
        // IPv4: it may be on another interface (lo, a dummy), which the kernel sends from all the
        // same; IPv6 (link-local) only from this interface, once past duplicate address detection
        InetAddress c = configured.get();
        return c instanceof Inet4Address && LocalAddresses.localAnywhere(c) ? c : null;
      }
      if (config.unicast().isPresent() && !primary.isAnyLocalAddress()) {
        return null; // the peers know this node by its address: wait for it
      }
      InetAddress now;
      try {
        now = primaryAddress(config);
      } catch (IOException e) {
        return null; // no address yet
      }
      boolean vip = spec.virtualAddresses().stream().anyMatch(v -> v.address().equals(now));
      if (vip || !LocalAddresses.usable(ifName, now)) {
        return null; // e.g. an IPv6 link-local address still in duplicate address detection
      }
      return now;
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
      runtime.leaveSyncGroup(); // one that never ran, or did not stop in time
      try {
        linkThread.join(TimeUnit.NANOSECONDS.toMillis(LINK_POLL_NANOS) * 3);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      synchronized (portLock) {
        closeQuietly(socket);
        closeQuietly(announcer);
        closeQuietly(previousSocket);
        closeQuietly(previousAnnouncer);
      }
      closeQuietly(monitor);
    }
  }
}
