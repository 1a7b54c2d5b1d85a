package io.vipd.vrrp.runtime;

import io.vipd.vrrp.packet.DecodeResult;
import io.vipd.vrrp.packet.RxDropReason;
import io.vipd.vrrp.packet.VrrpAdvertisement;
import io.vipd.vrrp.packet.VrrpPacketCodec;
import io.vipd.vrrp.packet.VrrpVersion;
import io.vipd.vrrp.port.LinkAnnouncer;
import io.vipd.vrrp.port.ReceivedDatagram;
import io.vipd.vrrp.port.VipManager;
import io.vipd.vrrp.port.VirtualAddress;
import io.vipd.vrrp.port.VrrpSocket;
import io.vipd.vrrp.router.SyncGroup;
import io.vipd.vrrp.router.VirtualRouter;
import io.vipd.vrrp.router.VirtualRouterConfig;
import io.vipd.vrrp.router.VirtualRouterListener;
import io.vipd.vrrp.router.VrrpActions;
import io.vipd.vrrp.router.VrrpState;
import io.vipd.vrrp.router.VrrpTimers;
import java.io.Closeable;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives one {@link VirtualRouter} with a real socket and a real clock: the only thread that
 * touches the router. It waits for the earlier of the router's next deadline and the next packet,
 * feeds either to the router, and runs commands (priority changes, faults, stop) that other threads
 * queue.
 *
 * <p>Thread-safe entry points: {@link #setTrackedPriority}, {@link #setFault}, {@link
 * #setMaintenance}, {@link #reconfigure}, {@link #stop}, {@link #status}. Everything else runs on
 * the runtime thread.
 */
public final class VrrpRuntime implements Runnable {

  private static final Logger LOG = LoggerFactory.getLogger(VrrpRuntime.class);

  /** Longest wait for a packet, so that queued commands are picked up promptly. */
  private static final long MAX_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  /** Replaced by {@link #reconfigure} on the runtime thread, never in identity. */
  private volatile VrrpInstanceSpec spec;

  // Runtime thread only; replaced by replacePorts.
  private VrrpSocket socket;
  private final VipManager vipManager;
  private LinkAnnouncer announcer;
  private final LongSupplier nanoClock;
  private final VrrpStats stats;
  private final VirtualRouter router;

  /** Runtime thread only: replaced by a reload that changes the unicast peers. */
  private List<InetAddress> destinations;

  private final Queue<Consumer<Long>> commands = new ConcurrentLinkedQueue<>();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final Map<String, String> faults = new TreeMap<>();

  /** {@link #run} has begun: faults go through the command queue from then on. */
  private volatile boolean started;

  /**
   * Why the router's start waits (keepalived's INIT: a tracked weight-0 script with no result yet),
   * or null. Set before {@link #run}; cleared by {@link #releaseStart} on the runtime thread.
   */
  private String startHold;

  /** This instance's seat in its sync group, or null; set before {@link #run}. */
  private volatile SyncGroup.Seat seat;

  /** Whether the router has had its Startup event (runtime thread). */
  private boolean routerStarted;

  /**
   * When the runtime thread last began a step, by {@link System#nanoTime()} (not the clock given).
   */
  private volatile long lastStepNanos;

  /**
   * The longest a start waits for {@link #releaseStart}: a tracked check that never reports (its
   * monitor could not be built) must not keep the instance out for good. keepalived has no such
   * bound; its scripts always end.
   */
  static final long MAX_START_HOLD_NANOS = TimeUnit.SECONDS.toNanos(30);

  /** When the hold began ({@link #nanoClock}), once the runtime runs. */
  private long heldSinceNanos;

  /** The runtime thread ended with an exception: the instance no longer runs. */
  private volatile boolean failed;

  private volatile boolean running = true;
  // Announcement schedule while master; Long.MAX_VALUE when nothing is due.
  private long secondBurstAtNanos = Long.MAX_VALUE;
  private long refreshAtNanos = Long.MAX_VALUE;
  private long lastLowerPriorityBurstNanos;
  private boolean lowerPriorityBurstSent;
  private long vipRefreshAtNanos = Long.MAX_VALUE;

  /**
   * The VIPs' lifetime refreshes run on a thread of their own: a netlink call waits for the
   * kernel's rtnl lock, which a node tearing down many pod network namespaces can hold for seconds,
   * and the adverts must not wait with it (the backups would take over). Installs and removals at
   * transitions stay on the runtime thread, in order with the adverts and the announcements.
   */
  private final ExecutorService vipRefresher =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "vipd-vip-refresh");
            t.setDaemon(true);
            return t;
          });

  /**
   * Held while VIPs are installed or removed: a refresh that started before a removal cannot put
   * the VIP back after it (each transition bumps {@link #vipGeneration}, and a refresh of an older
   * one does nothing).
   */
  private final Object vipLock = new Object();

  private volatile long vipGeneration;

  /** Since when the refresh under way runs (System.nanoTime), 0 if none. */
  private final AtomicLong refreshSince = new AtomicLong();

  private volatile InstanceStatus status;
  // Written by the listener on the runtime thread, read by publish() on the same thread.
  private LastTransition lastTransition;

  /**
   * Creates the runtime; nothing happens until {@link #run()}.
   *
   * @param spec the instance
   * @param socket an open VRRP socket on the instance's interface
   * @param vipManager installs and removes the VIPs
   * @param announcer sends gratuitous ARP / unsolicited NA on the instance's interface
   * @param listener observes transitions and drops (logs, metrics); called on the runtime thread
   * @param nanoClock monotonic clock in nanoseconds ({@code System::nanoTime} in production)
   * @param stats counters this runtime updates
   */
  public VrrpRuntime(
      VrrpInstanceSpec spec,
      VrrpSocket socket,
      VipManager vipManager,
      LinkAnnouncer announcer,
      VirtualRouterListener listener,
      LongSupplier nanoClock,
      VrrpStats stats) {
    this.spec = spec;
    this.socket = socket;
    this.vipManager = vipManager;
    this.announcer = announcer;
    this.nanoClock = nanoClock;
    this.stats = stats;
    VirtualRouterConfig config = spec.router();
    this.destinations = destinations(config);
    this.router = new VirtualRouter(config, new Actions(), new CountingListener(listener));
    this.status = new InstanceStatus(spec.name(), VrrpState.INITIALIZE, config.priority(), null);
  }

  /** Where adverts go: each unicast peer, or the VRRP multicast group of the family. */
  private static List<InetAddress> destinations(VirtualRouterConfig config) {
    return config.isUnicast()
        ? config.unicastPeers()
        : List.of(
            config.primaryAddress() instanceof Inet4Address
                ? VrrpPacketCodec.IPV4_GROUP
                : VrrpPacketCodec.IPV6_GROUP);
  }

  /** The counters of this instance. */
  public VrrpStats stats() {
    return stats;
  }

  /** The latest snapshot; safe from any thread. */
  public InstanceStatus status() {
    return status;
  }

  /**
   * How long the runtime thread has been in its current step, or 0 when it is not running (not
   * started yet, or finished). A step waits 10 ms at most: seconds mean the thread is stuck (a
   * deadlock, a netlink call that never returns), and the instance no longer advertises.
   */
  public long nanosInStep() {
    if (!started || stopped.getCount() == 0) {
      return 0;
    }
    long last = lastStepNanos;
    long now = System.nanoTime();
    long step = last == 0 ? 0 : Math.max(0, now - last);
    long refresh = refreshSince.get();
    return Math.max(step, refresh == 0 ? 0 : Math.max(0, now - refresh)); // a hung refresh too
  }

  /** Whether the runtime thread ended with an exception (the instance no longer runs). */
  public boolean failed() {
    return failed;
  }

  /** Queues a new effective priority (from tracking). */
  public void setTrackedPriority(int effectivePriority) {
    commands.add(now -> router.setTrackedPriority(effectivePriority, now));
  }

  /**
   * Queues a fault condition from one source (the interface, a tracked check with weight 0, ...).
   * The instance is in FAULT while any source reports a fault; the reason names them all.
   *
   * @param source a stable name of the condition, e.g. {@code interface eth0}
   * @param fault whether the condition holds
   * @param reason words for the log, e.g. {@code interface eth0 down}
   */
  public void setFault(String source, boolean fault, String reason) {
    commands.add(
        now -> {
          boolean changed =
              fault ? !reason.equals(faults.put(source, reason)) : faults.remove(source) != null;
          if (changed || fault != (router.state() == VrrpState.FAULT)) {
            router.setFault(
                !faults.isEmpty(),
                faults.isEmpty() ? "fault cleared: " + reason : String.join(", ", faults.values()),
                now);
          }
        });
  }

  /**
   * Sets a fault from {@code source} before {@link #run} begins, on the thread that will start it:
   * the router then starts in FAULT. Queued with {@link #setFault}, the fault would only be seen
   * after the router's start, which makes an initial master or an address owner MASTER first (a
   * transition, a notify script, the VIPs added and removed) for nothing.
   *
   * @throws IllegalStateException once {@link #run} has begun
   */
  public void setFaultBeforeStart(String source, String reason) {
    if (started) {
      throw new IllegalStateException(spec.name() + ": already running; use setFault");
    }
    faults.put(source, reason);
    router.setFault(true, reason, nanoClock.getAsLong());
  }

  /**
   * Operator maintenance from the start (an instance restarted by a reload while in maintenance):
   * the router starts as BACKUP, never MASTER first. Called before {@link #run} begins.
   *
   * @throws IllegalStateException once {@link #run} has begun
   */
  public void setMaintenanceBeforeStart() {
    if (started) {
      throw new IllegalStateException(spec.name() + ": already running; use setMaintenance");
    }
    router.setMaintenance(true, nanoClock.getAsLong());
  }

  /**
   * Makes the instance a member of {@code group} (keepalived's {@code vrrp_sync_group}): the
   * group's orders to it run on the runtime thread, in order with the other commands. Called before
   * {@link #run} begins, on the thread that will start it; the instance leaves the group when its
   * thread ends, or at {@link #leaveSyncGroup}.
   *
   * @throws IllegalStateException once {@link #run} has begun, or when already a member
   */
  public void joinSyncGroup(SyncGroup group) {
    if (started || seat != null) {
      throw new IllegalStateException(spec.name() + ": joins a sync group once, before it runs");
    }
    SyncGroup.Seat joined =
        group.join(spec.name(), order -> commands.add(now -> order.apply(router, now)));
    router.joinSyncGroup(joined);
    seat = joined;
  }

  /**
   * Leaves the sync group, if any: for an instance that never ran (its thread leaves by itself).
   * Idempotent.
   */
  public void leaveSyncGroup() {
    SyncGroup.Seat s = seat;
    if (s != null) {
      s.leave();
    }
  }

  /**
   * Holds the router's Startup event until {@link #releaseStart}: the instance stays in INITIALIZE,
   * sends no advert and takes no VIP, as keepalived keeps an instance in INIT until each tracked
   * weight-0 script has answered once. Otherwise an initial master or an address owner whose first
   * check fails would be MASTER for the first seconds, then FAULT: the VIP moved twice. Called
   * before {@link #run} begins, on the thread that will start it.
   *
   * @throws IllegalStateException once {@link #run} has begun
   */
  public void holdStartBefore(String reason) {
    if (started) {
      throw new IllegalStateException(spec.name() + ": already running");
    }
    startHold = Objects.requireNonNull(reason, "reason");
  }

  /**
   * Queues the end of a {@link #holdStartBefore} hold: the router starts (with whatever fault or
   * priority was queued before this). A no-op for a runtime that holds nothing.
   */
  public void releaseStart() {
    commands.add(
        now -> {
          if (startHold != null) {
            LOG.info("({}) starting: {}", spec.name(), "tracked checks have answered");
            startHold = null;
            startRouter(now);
          }
        });
  }

  private void startRouter(long now) {
    if (!routerStarted) {
      routerStarted = true;
      router.start(now);
    }
  }

  /**
   * Queues a switch to new ports: the instance's interface was deleted and created again, and the
   * socket and announcer it had are bound to the deleted one. Applied on the runtime thread before
   * any command queued after it (a fault cleared next never meets the old ports), which closes the
   * old ones; the state machine is untouched.
   */
  public void replacePorts(VrrpSocket newSocket, LinkAnnouncer newAnnouncer) {
    commands.add(now -> swapPorts(newSocket, newAnnouncer));
  }

  /**
   * As {@link #replacePorts}, for an interface that came back with another address: the new ports
   * send from {@code address}, and the router takes it as its own ({@link VirtualRouter#readdress})
   * in the same command, on the spec it has then (a reload in place queued before keeps its
   * changes). Only in FAULT: the caller sets a fault first. Should the router not be in FAULT when
   * the command runs, the new ports are closed and the instance keeps what it had.
   *
   * @throws IllegalArgumentException at once if {@code address} cannot be this instance's (see
   *     {@link VirtualRouterConfig#withPrimaryAddress})
   */
  public void readdress(InetAddress address, VrrpSocket newSocket, LinkAnnouncer newAnnouncer) {
    spec.withPrimaryAddress(address); // validates, on the caller's thread
    commands.add(
        now -> {
          VrrpInstanceSpec next;
          try {
            next = spec.withPrimaryAddress(address);
            router.readdress(next.router(), now);
          } catch (IllegalStateException | IllegalArgumentException e) {
            LOG.error("({}) keeps its address and ports: {}", spec.name(), e.getMessage());
            closePorts(newSocket, newAnnouncer);
            return;
          }
          spec = next;
          swapPorts(newSocket, newAnnouncer);
        });
  }

  /** The address this instance advertises from now. */
  public InetAddress primaryAddress() {
    return spec.router().primaryAddress();
  }

  private void swapPorts(VrrpSocket newSocket, LinkAnnouncer newAnnouncer) {
    VrrpSocket oldSocket = socket;
    LinkAnnouncer oldAnnouncer = announcer;
    socket = newSocket;
    announcer = newAnnouncer;
    closePorts(oldSocket, oldAnnouncer);
  }

  private void closePorts(VrrpSocket s, LinkAnnouncer a) {
    closeQuietly(s);
    if (a instanceof Closeable c) {
      closeQuietly(c);
    }
  }

  private void closeQuietly(Closeable c) {
    try {
      c.close();
    } catch (IOException e) {
      LOG.debug("({}) closing a replaced port failed: {}", spec.name(), e.getMessage());
    }
  }

  /**
   * Queues operator maintenance on or off; see {@link VirtualRouter#setMaintenance}. On a master
   * this is a handover: priority 0 is sent at once and the VIPs removed.
   */
  public void setMaintenance(boolean on) {
    commands.add(now -> router.setMaintenance(on, now));
  }

  /**
   * Queues a reload in place (see {@link VirtualRouter#reconfigure}): the instance keeps its state,
   * a master its VIPs. A new priority is advertised from the next advert; new preempt settings
   * judge the next advert; new GARP settings pace the next bursts (a master's refresh period
   * restarts now, a pending second burst is dropped when the new delay is 0).
   *
   * <p>{@code next}'s primary address is not taken: the instance keeps its own (see {@link
   * #readdress}).
   *
   * @throws IllegalArgumentException at once, on the caller's thread, if {@code next} is not {@link
   *     VrrpInstanceSpec#readdressableTo} from the current spec (another instance)
   */
  public void reconfigure(VrrpInstanceSpec next) {
    if (!spec.readdressableTo(next)) {
      throw new IllegalArgumentException(
          spec.name() + ": " + next + " is another instance; restart it instead");
    }
    // The primary address is the instance's own, whatever the caller read: a readdress queued
    // before this may have changed it.
    commands.add(now -> apply(next.withPrimaryAddress(spec.router().primaryAddress()), now));
  }

  private void apply(VrrpInstanceSpec next, long now) {
    router.reconfigure(next.router(), now);
    destinations = destinations(next.router());
    GarpSettings before = spec.garp();
    spec = next;
    GarpSettings garp = next.garp();
    if (router.state() != VrrpState.MASTER || garp.equals(before)) {
      return;
    }
    if (garp.refreshNanos() != before.refreshNanos()) {
      refreshAtNanos = garp.refreshNanos() > 0 ? now + garp.refreshNanos() : Long.MAX_VALUE;
    }
    if (garp.secondBurstDelayNanos() == 0) {
      secondBurstAtNanos = Long.MAX_VALUE;
    }
  }

  /**
   * Stops the instance: a master sends priority 0 and removes its VIPs. Returns once the runtime
   * thread has finished, or after the timeout.
   */
  public boolean stop(long timeout, TimeUnit unit) throws InterruptedException {
    commands.add(
        now -> {
          router.shutdown(now);
          running = false;
        });
    return stopped.await(timeout, unit);
  }

  @Override
  public void run() {
    started = true;
    lastStepNanos = System.nanoTime(); // the start counts as a step: it runs listeners too
    try {
      if (startHold == null) {
        startRouter(nanoClock.getAsLong());
      } else {
        heldSinceNanos = nanoClock.getAsLong();
        LOG.info("({}) waits in INITIALIZE: {}", spec.name(), startHold);
      }
      publish();
      while (running) {
        step();
      }
    } catch (RuntimeException | Error e) {
      failed = true;
      LOG.error("({}) VRRP runtime failed; removing virtual addresses", spec.name(), e);
      removeAll();
      throw e;
    } finally {
      vipRefresher.shutdown(); // a refresh under way ends by itself; none after a removal
      leaveSyncGroup(); // stopped or failed: it holds the other members back no longer
      publish();
      stopped.countDown();
    }
  }

  private void step() {
    lastStepNanos = System.nanoTime();
    for (Consumer<Long> command; (command = commands.poll()) != null; ) {
      command.accept(nanoClock.getAsLong());
    }
    if (startHold != null && nanoClock.getAsLong() - heldSinceNanos > MAX_START_HOLD_NANOS) {
      LOG.warn("({}) starting without waiting longer: {} after 30 s", spec.name(), startHold);
      startHold = null;
      startRouter(nanoClock.getAsLong());
    }
    if (!running) {
      return;
    }
    long now = nanoClock.getAsLong();
    if (router.nextDeadlineNanos() <= now) {
      hearQueued();
    }
    router.timerFired(now);
    announceIfDue(now);
    refreshVipsIfDue(now);
    long deadline =
        Math.min(
            Math.min(router.nextDeadlineNanos(), vipRefreshAtNanos),
            Math.min(secondBurstAtNanos, refreshAtNanos));
    long wait = Math.min(MAX_WAIT_NANOS, Math.max(0, deadline - now));
    ReceivedDatagram datagram = receive(wait);
    if (datagram != null) {
      dispatch(datagram);
    }
    publish();
  }

  /**
   * Before a timer decides (a backup's Master_Down, say), the adverts already waiting in the socket
   * are heard: after this thread stalled (a long pause, a stopped process), the live master's
   * adverts are queued there, and a timer judged first would make this node master for nothing, VIP
   * and gratuitous ARP included, until it read them. Everything queued (other VRIDs' adverts too,
   * on a busy segment), without waiting, for at most {@value #MAX_QUEUED_HEARING_MILLIS} ms.
   */
  private void hearQueued() {
    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(MAX_QUEUED_HEARING_MILLIS);
    do {
      ReceivedDatagram datagram = receive(0);
      if (datagram == null) {
        return;
      }
      dispatch(datagram);
    } while (System.nanoTime() - until < 0);
  }

  private static final long MAX_QUEUED_HEARING_MILLIS = 50;

  private ReceivedDatagram receive(long waitNanos) {
    try {
      return socket.receive(waitNanos);
    } catch (IOException e) {
      // A receive error (e.g. the interface vanished) must not kill the instance; the link
      // monitor puts it in FAULT. Wait out the interval so that we do not spin.
      LOG.warn("({}) receive failed: {}", spec.name(), e.getMessage());
      try {
        TimeUnit.NANOSECONDS.sleep(waitNanos);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        running = false;
      }
      return null;
    }
  }

  private void dispatch(ReceivedDatagram datagram) {
    if (datagram.isUnreadable()) {
      stats.dropped(RxDropReason.BAD_IP_HEADER);
      RateLimitedLog.dropped(LOG, RxDropReason.BAD_IP_HEADER, spec.name(), null);
      return;
    }
    DecodeResult result = VrrpPacketCodec.decode(datagram.payload(), datagram.ip());
    if (result instanceof DecodeResult.Rejected rejected) {
      stats.dropped(rejected.reason());
      RateLimitedLog.dropped(LOG, rejected.reason(), spec.name(), datagram.ip().source());
      return;
    }
    DecodeResult.Decoded decoded = (DecodeResult.Decoded) result;
    stats.advertReceived();
    long now = nanoClock.getAsLong();
    boolean judged = router.advertisementReceived(decoded.adv(), datagram.ip().source(), now);
    VrrpAdvertisement adv = decoded.adv();
    // Only an advert the router judged: one it dropped (wrong password or interval, not a unicast
    // peer) comes from no router of this group, and a burst per advert would answer a stray.
    if (judged
        && router.state() == VrrpState.MASTER
        && adv.virtualRouterId() == spec.router().virtualRouterId()
        && adv.priority() > 0
        && adv.priority() <= router.effectivePriority()
        && !datagram.ip().source().equals(spec.router().primaryAddress())
        && (!lowerPriorityBurstSent
            || now - lastLowerPriorityBurstNanos >= spec.router().advertIntervalNanos())) {
      // Another router believed it was master (lower priority, or equal priority and it lost the
      // address tie-break, since we are still master): the LAN may have learnt its MAC after
      // ours. keepalived re-announces in both cases.
      lastLowerPriorityBurstNanos = now;
      lowerPriorityBurstSent = true;
      burst(spec.garp().repeat());
    }
  }

  /** Second burst and refreshes, while master; forgets the schedule otherwise. */
  private void announceIfDue(long now) {
    if (router.state() != VrrpState.MASTER) {
      secondBurstAtNanos = Long.MAX_VALUE;
      refreshAtNanos = Long.MAX_VALUE;
      return;
    }
    if (now >= secondBurstAtNanos) {
      secondBurstAtNanos = Long.MAX_VALUE;
      burst(spec.garp().repeat());
    }
    if (now >= refreshAtNanos) {
      refreshAtNanos = now + spec.garp().refreshNanos();
      burst(spec.garp().refreshRepeat());
    }
  }

  /**
   * While master, re-installs the VIPs well within their lifetime, so that they stay while vipd
   * runs and expire soon after it is killed.
   */
  private void refreshVipsIfDue(long now) {
    if (router.state() != VrrpState.MASTER || spec.vipLifetimeSeconds() == 0) {
      vipRefreshAtNanos = Long.MAX_VALUE;
      return;
    }
    if (now >= vipRefreshAtNanos) {
      scheduleVipRefresh(now);
      long started = System.nanoTime() | 1; // never 0: 0 means none under way
      if (!refreshSince.compareAndSet(0, started)) {
        LOG.warn(
            "({}) VIP refresh still waiting for the kernel after {} ms; the adverts go on",
            spec.name(),
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - refreshSince.get()));
        return;
      }
      long generation = vipGeneration;
      try {
        vipRefresher.execute(() -> refreshVips(generation));
      } catch (RejectedExecutionException e) {
        refreshSince.set(0); // stopping
      }
    }
  }

  /** On the refresher: re-installs the VIPs, unless a transition came after {@code generation}. */
  private void refreshVips(long generation) {
    try {
      synchronized (vipLock) {
        if (generation != vipGeneration) {
          return; // removed (or installed anew) since: a refresh now could resurrect a VIP
        }
        for (VirtualAddress vip : spec.virtualAddresses()) {
          refreshSince.set(System.nanoTime() | 1); // liveness times one call, not the batch
          try {
            vipManager.install(vip, spec.vipLifetimeSeconds());
          } catch (IOException | RuntimeException e) {
            LOG.error("({}) could not refresh {}: {}", spec.name(), vip, e.getMessage());
          }
        }
      }
    } finally {
      refreshSince.set(0);
    }
  }

  private void scheduleVipRefresh(long now) {
    // A third of the lifetime: two refreshes may be lost or late before the VIP expires.
    vipRefreshAtNanos =
        spec.vipLifetimeSeconds() == 0
            ? Long.MAX_VALUE
            : now + TimeUnit.SECONDS.toNanos(spec.vipLifetimeSeconds()) / 3;
  }

  private void burst(int repeat) {
    for (int i = 0; i < repeat; i++) {
      for (VirtualAddress vip : spec.virtualAddresses()) {
        try {
          announcer.announce(vip); // on its own device
          stats.announcementSent();
        } catch (IOException e) {
          stats.sendError();
          LOG.warn("({}) announcing {} failed: {}", spec.name(), vip, e.getMessage());
        }
      }
    }
  }

  private void publish() {
    InetAddress master =
        router.state() == VrrpState.MASTER
            ? spec.router().primaryAddress()
            : router.lastMasterAddress().orElse(null);
    VirtualRouterConfig config = spec.router();
    int priority = router.effectivePriority();
    int masterInterval = router.masterAdverIntervalCentis();
    status =
        new InstanceStatus(
            spec.name(),
            router.state(),
            priority,
            master == null ? null : master.getHostAddress(),
            router.maintenance(),
            config.version(),
            config.advertIntervalCentis(),
            masterInterval,
            masterInterval > 0
                ? VrrpTimers.skewTimeNanos(config.version(), priority, masterInterval)
                : 0,
            masterInterval > 0
                ? VrrpTimers.masterDownIntervalNanos(config.version(), priority, masterInterval)
                : 0,
            lastTransition);
  }

  private void removeAll() {
    synchronized (vipLock) {
      vipGeneration++;
      for (VirtualAddress vip : spec.virtualAddresses()) {
        try {
          vipManager.remove(vip);
        } catch (IOException | RuntimeException e) {
          LOG.error("({}) could not remove {}: {}", spec.name(), vip, e.getMessage());
        }
      }
    }
  }

  /** The router's side effects, performed with the real adapters. */
  private final class Actions implements VrrpActions {

    @Override
    public void sendAdvertisement(int priority) {
      VirtualRouterConfig config = spec.router();
      VrrpAdvertisement adv =
          config.version() == VrrpVersion.V2
              ? new VrrpAdvertisement(
                  VrrpVersion.V2,
                  config.virtualRouterId(),
                  priority,
                  config.advertIntervalCentis(),
                  config.virtualAddresses(),
                  config.authType(),
                  config.authData())
              : VrrpAdvertisement.v3(
                  config.virtualRouterId(),
                  priority,
                  config.advertIntervalCentis(),
                  config.virtualAddresses());
      for (InetAddress destination : destinations) {
        try {
          byte[] message =
              VrrpPacketCodec.encode(
                  adv, config.primaryAddress(), destination, spec.checksumMode());
          socket.send(message, destination);
          stats.advertSent();
        } catch (IOException e) {
          stats.sendError();
          LOG.warn(
              "({}) sending advertisement to {} failed: {}",
              spec.name(),
              destination.getHostAddress(),
              e.getMessage());
        }
      }
    }

    @Override
    public void addVirtualAddresses() {
      synchronized (vipLock) {
        vipGeneration++;
        for (VirtualAddress vip : spec.virtualAddresses()) {
          try {
            vipManager.install(vip, spec.vipLifetimeSeconds());
            LOG.info("({}) Adding VIP {}", spec.name(), vip);
          } catch (IOException e) {
            LOG.error("({}) could not add {}: {}", spec.name(), vip, e.getMessage());
          }
        }
      }
      scheduleVipRefresh(nanoClock.getAsLong());
    }

    @Override
    public void removeVirtualAddresses() {
      synchronized (vipLock) {
        vipGeneration++;
        for (VirtualAddress vip : spec.virtualAddresses()) {
          try {
            if (vipManager.remove(vip)) {
              LOG.info("({}) Removing VIP {}", spec.name(), vip);
            }
          } catch (IOException e) {
            LOG.error("({}) could not remove {}: {}", spec.name(), vip, e.getMessage());
          }
        }
      }
    }

    @Override
    public void announce() {
      burst(spec.garp().repeat());
      long now = nanoClock.getAsLong();
      GarpSettings garp = spec.garp();
      secondBurstAtNanos =
          garp.secondBurstDelayNanos() > 0 ? now + garp.secondBurstDelayNanos() : Long.MAX_VALUE;
      refreshAtNanos = garp.refreshNanos() > 0 ? now + garp.refreshNanos() : Long.MAX_VALUE;
    }
  }

  /** Counts what the router reports, then passes it on. */
  private final class CountingListener implements VirtualRouterListener {
    private final VirtualRouterListener delegate;

    CountingListener(VirtualRouterListener delegate) {
      this.delegate = delegate;
    }

    @Override
    public void onTransition(io.vipd.vrrp.router.Transition transition) {
      stats.transition();
      lastTransition =
          new LastTransition(
              transition.from(), transition.to(), transition.reason(), System.currentTimeMillis());
      delegate.onTransition(transition);
    }

    @Override
    public void onAdvertisementDropped(RxDropReason reason) {
      stats.dropped(reason);
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
}
