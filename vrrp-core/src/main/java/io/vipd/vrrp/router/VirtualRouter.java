package io.vipd.vrrp.router;

import io.vipd.vrrp.packet.RxDropReason;
import io.vipd.vrrp.packet.VrrpAdvertisement;
import io.vipd.vrrp.packet.VrrpVersion;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * One VRRP virtual router: the RFC 3768 (v2) / RFC 9568 (v3) state machine plus keepalived's FAULT
 * state, preempt delay and initial MASTER state. See {@code package-info.java} for the diagram.
 *
 * <p>Sans-I/O: every event carries the current time ({@code nowNanos}, any monotonic origin, from
 * the caller's injected clock); the router never reads a clock, never blocks and never throws on
 * network input. Side effects go to {@link VrrpActions}, observations to {@link
 * VirtualRouterListener}. After each event the owner asks {@link #nextDeadlineNanos()} and calls
 * {@link #timerFired(long)} when that time comes.
 *
 * <p>Not thread-safe: one owner thread makes every call (the runtime's VRRP thread, or a test).
 *
 * <p>Preempt delay (keepalived {@code preempt_delay}): a backup holds back preemption for the delay
 * after entering BACKUP from start or FAULT, or after the first lower priority advert it hears
 * otherwise; while held, lower priority adverts are accepted like any other. When the delay ends
 * with a lower priority master still advertising, the Master_Down_Timer restarts from the end of
 * the delay, so the router takes over exactly one Master_Down_Interval later: the takeover comes
 * exactly the delay later than without one. The cost is that a master dying in the last advert
 * interval of the delay is detected up to one interval late.
 */
public final class VirtualRouter {

  private static final long NONE = Long.MAX_VALUE;
  private static final int MAX_TIMER_ROUNDS = 8;
  private static final String DOWN_TIMER_EXPIRED = "master down timer expired";

  /** Replaced only by {@link #reconfigure} (never in identity) and {@link #readdress}. */
  private VirtualRouterConfig config;

  private final VrrpActions actions;
  private final VirtualRouterListener listener;
  private AdvertisementFilter filter;
  private byte[] primaryAddressBytes;

  private VrrpState state = VrrpState.INITIALIZE;
  private int effectivePriority;
  private int masterAdverIntervalCentis;
  private long adverDeadlineNanos = NONE;
  private long masterDownDeadlineNanos = NONE;
  private String masterDownReason = DOWN_TIMER_EXPIRED;
  private InetAddress lastMasterAddress;

  /** Preempt delay: whether a hold is set, until when, and whether a lower master is being held. */
  private boolean preemptHoldSet;

  private long preemptHoldUntilNanos;
  private boolean lowerMasterHeld;

  private boolean faulted;
  private String faultReason;

  /** Operator maintenance: never MASTER while set (see {@link #setMaintenance}). */
  private boolean maintenance;

  /** The sync group this router belongs to, or null (see {@link #joinSyncGroup}). */
  private SyncGroup.Seat seat;

  /** The fault another member of the sync group imposes, in words, or null. */
  private String syncFault;

  /**
   * Creates a router in INITIALIZE; nothing happens until {@link #start(long)}.
   *
   * @param config the validated configuration
   * @param actions the protocol side effects (sockets, addresses, GARP/NA)
   * @param listener observer for logs and metrics ({@link VirtualRouterListener#NONE} for none)
   */
  public VirtualRouter(
      VirtualRouterConfig config, VrrpActions actions, VirtualRouterListener listener) {
    this.config = Objects.requireNonNull(config, "config");
    this.actions = Objects.requireNonNull(actions, "actions");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.filter = new AdvertisementFilter(config);
    this.primaryAddressBytes = config.primaryAddress().getAddress();
    this.effectivePriority = config.priority();
    this.masterAdverIntervalCentis = config.advertIntervalCentis();
  }

  /**
   * Startup event (RFC 9568 6.4.1): the owner goes MASTER, so does a router configured with {@code
   * initialMaster}; any other goes BACKUP with the Master_Down_Timer running. A router whose fault
   * is set goes FAULT. Restarting after {@link #shutdown(long)} is allowed.
   *
   * @throws IllegalStateException if the router is already running (not INITIALIZE)
   */
  public void start(long nowNanos) {
    if (state != VrrpState.INITIALIZE) {
      throw new IllegalStateException(config.name() + " is already running (" + state + ")");
    }
    masterAdverIntervalCentis = config.advertIntervalCentis();
    lastMasterAddress = null;
    if (seat != null) {
      // a fault imposed just now may still be on its way as an order: start from the group's
      syncFault = seat.imposedFaultNow();
    }
    if (faulted || syncFault != null) {
      enterFault(nowNanos, "fault: " + (faulted ? faultReason : syncFault));
    } else if (maintenance) {
      enterBackup(nowNanos, "startup in maintenance");
    } else if (config.isAddressOwner()) {
      becomeMaster(nowNanos, "address owner (priority 255) starting");
    } else if (config.initialMaster()) {
      becomeMaster(nowNanos, "initial state MASTER");
    } else if (seat != null && seat.anotherIsMaster()) {
      becomeMaster(nowNanos, "sync group " + seat.groupName() + ": joining its MASTER members");
    } else {
      enterBackup(nowNanos, "startup");
    }
  }

  /**
   * Makes this router a member of a sync group (keepalived's {@code vrrp_sync_group}): see {@link
   * SyncGroup} for what that changes. Only before {@link #start}; the seat comes from {@link
   * SyncGroup#join}, whose orders the owner runs on this router's thread.
   *
   * @throws IllegalStateException once started, or when already a member
   */
  public void joinSyncGroup(SyncGroup.Seat seat) {
    Objects.requireNonNull(seat, "seat");
    if (state != VrrpState.INITIALIZE || this.seat != null) {
      throw new IllegalStateException(config.name() + ": joins a sync group only once, unstarted");
    }
    this.seat = seat;
    syncFault = seat.imposedFaultNow();
    if (faulted) {
      seat.ownFault(true, faultReason);
    }
  }

  /**
   * An advertisement the codec accepted arrived from {@code source} (the IP source address).
   * Instance-level failures are reported through {@link
   * VirtualRouterListener#onAdvertisementDropped(RxDropReason)}; never throws on any advert.
   * Ignored without a report while INITIALIZE or FAULT.
   *
   * @return true if the advert was judged; false if ignored or dropped
   */
  public boolean advertisementReceived(VrrpAdvertisement adv, InetAddress source, long nowNanos) {
    if (state != VrrpState.BACKUP && state != VrrpState.MASTER) {
      return false;
    }
    Optional<RxDropReason> drop = filter.check(adv, source, effectivePriority);
    if (drop.isPresent()) {
      listener.onAdvertisementDropped(drop.get());
      return false;
    }
    if (effectivePriority == VirtualRouterConfig.OWNER_PRIORITY) {
      listener.onAddressOwnerConflict(source, adv.priority());
    }
    if (state == VrrpState.BACKUP) {
      advertisementAsBackup(adv, source, nowNanos);
    } else {
      advertisementAsMaster(adv, source, nowNanos);
    }
    return true;
  }

  /**
   * Processes every deadline at or before {@code nowNanos}. Safe to call early or more than once:
   * without a due deadline it does nothing.
   */
  public void timerFired(long nowNanos) {
    for (int round = 0; round < MAX_TIMER_ROUNDS && nextDeadlineNanos() <= nowNanos; round++) {
      if (state == VrrpState.MASTER) {
        actions.sendAdvertisement(effectivePriority);
        adverDeadlineNanos = nowNanos + config.advertIntervalNanos();
      } else if (lowerMasterHeld && preemptHoldUntilNanos <= masterDownDeadlineNanos) {
        endPreemptHold();
      } else if (maintenance) {
        // Nobody is master (or only a resigned one): stay backup, and say so in the status.
        lastMasterAddress = null;
        masterDownDeadlineNanos = nowNanos + masterDownIntervalNanos();
        masterDownReason = DOWN_TIMER_EXPIRED;
      } else if (seat != null && !seat.mayBecomeMaster()) {
        // keepalived prefers BACKUP to a split group: the last member to time out takes the
        // others with it; until then, wait another interval
        masterDownDeadlineNanos = nowNanos + masterDownIntervalNanos();
      } else {
        becomeMaster(nowNanos, masterDownReason);
      }
    }
  }

  /** The earliest time {@link #timerFired(long)} has work to do; {@link Long#MAX_VALUE} if none. */
  public long nextDeadlineNanos() {
    return switch (state) {
      case MASTER -> adverDeadlineNanos;
      case BACKUP ->
          lowerMasterHeld
              ? Math.min(masterDownDeadlineNanos, preemptHoldUntilNanos)
              : masterDownDeadlineNanos;
      default -> NONE;
    };
  }

  /**
   * Sets the effective priority computed by the daemon from tracked checks and interfaces. Values
   * are clamped to 1..254; the address owner keeps 255 and ignores this call. The change takes
   * effect the RFC way: a master sends it in its next advert (and keeps MASTER until it hears a
   * higher one); a backup uses it for the next advert it judges (a backup now above the master
   * discards the master's adverts and takes over when its Master_Down_Timer expires) and for its
   * next skew time. The value is kept across {@link #shutdown(long)} and {@link #start(long)}.
   */
  public void setTrackedPriority(int priority, long nowNanos) {
    if (config.isAddressOwner()) {
      return;
    }
    int clamped =
        Math.max(
            VirtualRouterConfig.MIN_PRIORITY,
            Math.min(VirtualRouterConfig.MAX_BACKUP_PRIORITY, priority));
    if (clamped == effectivePriority) {
      return;
    }
    int previous = effectivePriority;
    effectivePriority = clamped;
    listener.onPriorityChanged(previous, clamped);
  }

  /**
   * Reload in place: takes {@code next} without leaving the current state (a master keeps its
   * addresses and sends no priority 0). {@code next} may differ only as {@link
   * VirtualRouterConfig#reconfigurableTo} allows; each change applies from the next event:
   *
   * <ul>
   *   <li>Priority (not to or from 255): the effective priority moves with the configured one,
   *       keeping what tracking added to or took from the old one (clamped to 1..254) until the
   *       daemon's tracking re-applies its weights to the new base with {@link
   *       #setTrackedPriority}: adverts sent in between at the bare base would be judged wrongly (a
   *       preempting backup above it discards them, and takes over if that lasts a
   *       Master_Down_Interval). As with tracking, the RFC way: a master sends it in its next
   *       advert and stays MASTER until it hears a higher one; a backup judges the next advert with
   *       it, so a backup now above the master discards the master's adverts and, per its preempt
   *       settings, takes over when its Master_Down_Timer expires.
   *   <li>Preempt_Mode: off, a preempt delay hold in progress ends and the next lower priority
   *       advert is accepted; on, the next one is discarded (or held by the preempt delay).
   *   <li>Preempt delay: a hold in progress now lasts the new delay from when it began (0 ends it);
   *       later holds use the new delay.
   *   <li>Answering lower priority adverts; initial MASTER (which only matters at the next {@link
   *       #start}).
   *   <li>Unicast peers (a unicast router staying unicast): adverts are taken from the new peers
   *       from the next one on; a master that is no longer a peer is no longer heard, and a backup
   *       takes over when its Master_Down_Timer expires, as for a master gone silent.
   * </ul>
   *
   * @throws IllegalArgumentException if {@code next} is another router on the wire (name, version,
   *     VRID, interval, addresses, authentication, unicast or multicast, or address ownership
   *     differ)
   */
  public void reconfigure(VirtualRouterConfig next, long nowNanos) {
    Objects.requireNonNull(next, "next");
    if (!config.reconfigurableTo(next)) {
      throw new IllegalArgumentException(
          config.name() + ": cannot reconfigure in place to " + next + "; restart instead");
    }
    apply(next);
  }

  /**
   * Takes {@code next}, whose primary address differs (see {@link
   * VirtualRouterConfig#readdressableTo}), while in FAULT: the interface came back with another
   * address, which is now the source of this router's adverts and the tie-breaker between equal
   * priorities. Only out of the protocol: a router in FAULT has sent nothing and claimed nothing
   * under either address, so the change is invisible on the wire until the fault clears (to BACKUP,
   * as ever). Everything else changes as in {@link #reconfigure}.
   *
   * @throws IllegalStateException if the router is not in FAULT
   * @throws IllegalArgumentException if {@code next} is another router on the wire
   */
  public void readdress(VirtualRouterConfig next, long nowNanos) {
    Objects.requireNonNull(next, "next");
    // FAULT, or not started yet (a start held until tracked checks answer): no advert goes out
    if (state != VrrpState.FAULT && state != VrrpState.INITIALIZE) {
      throw new IllegalStateException(
          config.name() + ": a new primary address is taken only in FAULT, not " + state);
    }
    if (!config.readdressableTo(next)) {
      throw new IllegalArgumentException(
          config.name() + ": cannot take " + next + " in place; restart instead");
    }
    apply(next);
    primaryAddressBytes = next.primaryAddress().getAddress();
    lastMasterAddress = null;
  }

  private void apply(VirtualRouterConfig next) {
    VirtualRouterConfig before = config;
    config = next;
    // the peers it takes adverts from, and the primary address of a readdress: from the next
    // advert on (a master no longer among the peers is then not heard, and its time runs out)
    filter = new AdvertisementFilter(next);
    if (!preempts()) {
      preemptHoldSet = false;
      lowerMasterHeld = false;
    } else if (preemptHoldSet && before.preemptDelayNanos() != next.preemptDelayNanos()) {
      if (next.preemptDelayNanos() == 0) {
        preemptHoldSet = false;
        lowerMasterHeld = false;
      } else {
        // The hold began at until - old delay; it now ends the new delay after that.
        preemptHoldUntilNanos += next.preemptDelayNanos() - before.preemptDelayNanos();
      }
    }
    if (next.priority() != before.priority() && !next.isAddressOwner()) {
      int previous = effectivePriority;
      int tracked = effectivePriority - before.priority();
      effectivePriority =
          Math.max(
              VirtualRouterConfig.MIN_PRIORITY,
              Math.min(VirtualRouterConfig.MAX_BACKUP_PRIORITY, next.priority() + tracked));
      if (previous != effectivePriority) {
        listener.onPriorityChanged(previous, effectivePriority);
      }
    }
  }

  /**
   * Sets or clears the fault (keepalived FAULT state: interface down, or a weight-0 tracked check
   * failing). Entering FAULT a master sends a priority 0 advert and removes the addresses; in FAULT
   * the router sends nothing and ignores adverts. Clearing the fault goes to BACKUP (the owner to
   * MASTER). Before {@link #start(long)} the fault is only remembered.
   *
   * @param reason in words, e.g. "interface eth0 down"; appears in the transition's reason
   */
  public void setFault(boolean fault, String reason, long nowNanos) {
    Objects.requireNonNull(reason, "reason");
    if (fault) {
      faulted = true;
      faultReason = reason;
      if (seat != null) {
        seat.ownFault(true, reason);
      }
      enterFaultIfRunning(nowNanos, reason);
      return;
    }
    if (!faulted) {
      return;
    }
    faulted = false;
    faultReason = null;
    if (seat != null) {
      seat.ownFault(false, reason);
    }
    if (syncFault == null) {
      leaveFault(nowNanos, "fault cleared: " + reason);
    }
  }

  /**
   * Sets or clears the fault another member of this router's sync group imposes (null clears):
   * FAULT as for {@link #setFault}, left once neither this fault nor the router's own holds.
   */
  void setSyncFault(String reason, long nowNanos) {
    String before = syncFault;
    syncFault = reason;
    if (reason != null) {
      enterFaultIfRunning(nowNanos, reason);
    } else if (before != null && !faulted) {
      leaveFault(nowNanos, "fault cleared: sync group " + seat.groupName() + " has none");
    }
  }

  /** A sync group member became MASTER: a BACKUP follows (not in maintenance). */
  void syncMaster(String reason, long nowNanos) {
    if (state == VrrpState.BACKUP && !maintenance) {
      becomeMaster(nowNanos, reason);
    }
  }

  /** A sync group member left MASTER: a MASTER resigns (priority 0) and goes BACKUP. */
  void syncBackup(String reason, long nowNanos) {
    if (state == VrrpState.MASTER) {
      handOver(nowNanos, reason);
    }
  }

  private void enterFaultIfRunning(long nowNanos, String reason) {
    if (state == VrrpState.MASTER || state == VrrpState.BACKUP) {
      resignIfMaster();
      enterFault(nowNanos, "fault: " + reason);
    }
  }

  private void leaveFault(long nowNanos, String reason) {
    if (state != VrrpState.FAULT) {
      return;
    }
    if (config.isAddressOwner() && !maintenance) {
      becomeMaster(nowNanos, reason);
    } else {
      enterBackup(nowNanos, reason);
    }
  }

  /**
   * Sets or clears operator maintenance: a maintenance handover. Set on a MASTER, the router
   * resigns the RFC way (priority 0 advert, addresses removed, RFC 9568 6.4.3 as on shutdown) and
   * goes BACKUP, so that the best backup takes over after its Skew_Time. While set, the router
   * stays BACKUP: it follows the master's adverts (so {@link #lastMasterAddress} names the new
   * master), accepts a lower priority master instead of preempting it, and when its
   * Master_Down_Timer runs out it re-arms it instead of becoming master, forgetting the last master
   * (nobody is). Cleared, it is an ordinary backup again: with preemption on and a higher priority
   * it takes over at the next Master_Down_Timer expiry (the lower master's adverts are discarded
   * from then on). Kept across {@link #shutdown(long)}, {@link #start(long)} and FAULT.
   */
  public void setMaintenance(boolean on, long nowNanos) {
    if (on == maintenance) {
      return;
    }
    maintenance = on;
    if (on && seat != null) {
      seat.noLongerWants(); // it never becomes MASTER now, so it holds its siblings back
    }
    if (on && state == VrrpState.MASTER) {
      handOver(nowNanos, "maintenance: handing over (priority 0 sent)");
    }
  }

  /** MASTER to BACKUP the RFC 9568 6.4.3 way: priority 0 sent, addresses removed. */
  private void handOver(long nowNanos, String reason) {
    resignIfMaster();
    state = VrrpState.BACKUP;
    clearTimers();
    lastMasterAddress = null;
    masterAdverIntervalCentis = config.advertIntervalCentis();
    masterDownDeadlineNanos = nowNanos + masterDownIntervalNanos();
    transition(VrrpState.MASTER, reason, nowNanos);
  }

  /** Whether operator maintenance is set. */
  public boolean maintenance() {
    return maintenance;
  }

  /**
   * Shutdown event (RFC 9568 6.4.3): a master sends a priority 0 advert so that a backup takes over
   * after its Skew_Time, and removes the addresses; any state goes INITIALIZE. No-op when already
   * INITIALIZE.
   */
  public void shutdown(long nowNanos) {
    if (state == VrrpState.INITIALIZE) {
      return;
    }
    resignIfMaster();
    VrrpState from = state;
    state = VrrpState.INITIALIZE;
    clearTimers();
    transition(from, "shutdown", nowNanos);
  }

  /** The current state. */
  public VrrpState state() {
    return state;
  }

  /** The priority this router uses now: configured, or as last set by tracking. */
  public int effectivePriority() {
    return effectivePriority;
  }

  /**
   * Master_Adver_Interval in centiseconds: v3 learns it from the master's adverts; it starts as
   * (and for v2 always is) our own interval.
   */
  public int masterAdverIntervalCentis() {
    return masterAdverIntervalCentis;
  }

  /**
   * The primary address of the router this one believes is master: its own while MASTER, else the
   * source of the last advert it judged; empty before any.
   */
  public Optional<InetAddress> lastMasterAddress() {
    return Optional.ofNullable(lastMasterAddress);
  }

  /** The configuration. */
  public VirtualRouterConfig config() {
    return config;
  }

  private void advertisementAsBackup(VrrpAdvertisement adv, InetAddress source, long nowNanos) {
    int priority = adv.priority();
    if (priority == 0) {
      // RFC 9568 6.4.2: the master resigned; take over after Skew_Time unless a backup
      // with a higher priority (shorter skew) announces itself first.
      lowerMasterHeld = false;
      masterDownDeadlineNanos = nowNanos + skewTimeNanos();
      masterDownReason = "priority 0 advertisement from " + source.getHostAddress();
      return;
    }
    lastMasterAddress = source;
    if (priority >= effectivePriority) {
      preemptHoldSet = false;
      lowerMasterHeld = false;
      acceptMaster(adv, nowNanos);
    } else if (maintenance || !preempts() || preemptionHeld(nowNanos)) {
      acceptMaster(adv, nowNanos);
    } else {
      // Preempt: discard, so the Master_Down_Timer runs out and we take over.
      masterDownReason =
          DOWN_TIMER_EXPIRED
              + "; preempting lower priority master "
              + source.getHostAddress()
              + " (prio "
              + priority
              + ")";
    }
  }

  private void acceptMaster(VrrpAdvertisement adv, long nowNanos) {
    if (seat != null) {
      seat.noLongerWants();
    }
    adoptMasterInterval(adv);
    masterDownDeadlineNanos = nowNanos + masterDownIntervalNanos();
    masterDownReason = DOWN_TIMER_EXPIRED;
  }

  /** RFC 9568 6.1: the address owner always preempts, whatever Preempt_Mode says. */
  private boolean preempts() {
    return config.preempt() || config.isAddressOwner();
  }

  /** True while the preempt delay holds back preempting a lower priority master. */
  private boolean preemptionHeld(long nowNanos) {
    long delay = config.preemptDelayNanos();
    if (delay == 0) {
      return false;
    }
    if (!preemptHoldSet) {
      preemptHoldSet = true;
      preemptHoldUntilNanos = nowNanos + delay;
    }
    if (nowNanos < preemptHoldUntilNanos) {
      lowerMasterHeld = true;
      return true;
    }
    return false;
  }

  private void endPreemptHold() {
    lowerMasterHeld = false;
    masterDownDeadlineNanos =
        Math.max(masterDownDeadlineNanos, preemptHoldUntilNanos + masterDownIntervalNanos());
  }

  private void advertisementAsMaster(VrrpAdvertisement adv, InetAddress source, long nowNanos) {
    int priority = adv.priority();
    if (priority == 0) {
      // RFC 9568 6.4.3: another master resigned; assert ourselves at once.
      actions.sendAdvertisement(effectivePriority);
      adverDeadlineNanos = nowNanos + config.advertIntervalNanos();
      return;
    }
    boolean higher = priority > effectivePriority;
    if (higher || (priority == effectivePriority && addressIsGreater(source))) {
      // Two masters (a healed split, or a preemption): the LAN may have learnt our MAC for the
      // VIP last. One last advertisement at our own priority tells the other master that another
      // one existed, so it re-announces the VIP at once (lower-priority advert received: RFC 9568
      // advert plus a gratuitous ARP burst); otherwise clients stay on our MAC until their ARP
      // entry expires. Backups ignore it or merely reset their Master_Down_Timer; but a v3
      // backup also learns the advert's interval, so only when ours equals the winner's (the
      // simulation found backups with a shorter one flapping on it).
      if (adv.advertIntervalCentis() == config.advertIntervalCentis()) {
        actions.sendAdvertisement(effectivePriority);
      }
      actions.removeVirtualAddresses();
      adverDeadlineNanos = NONE;
      state = VrrpState.BACKUP;
      lastMasterAddress = source;
      adoptMasterInterval(adv);
      masterDownDeadlineNanos = nowNanos + masterDownIntervalNanos();
      masterDownReason = DOWN_TIMER_EXPIRED;
      preemptHoldSet = false;
      lowerMasterHeld = false;
      String why =
          higher
              ? "higher priority advertisement from "
              : "equal priority advertisement from higher address ";
      transition(
          VrrpState.MASTER, why + source.getHostAddress() + " (prio " + priority + ")", nowNanos);
    } else if (config.advertOnLowerPriority()) {
      // RFC 9568 6.4.3: assert MASTER to the sender and refresh learning bridges.
      actions.sendAdvertisement(effectivePriority);
    }
  }

  /** RFC 9568 6.4.3: unsigned comparison of the addresses in network byte order. */
  private boolean addressIsGreater(InetAddress source) {
    return Arrays.compareUnsigned(source.getAddress(), primaryAddressBytes) > 0;
  }

  private void adoptMasterInterval(VrrpAdvertisement adv) {
    if (config.version() == VrrpVersion.V3) {
      masterAdverIntervalCentis = adv.advertIntervalCentis();
    }
  }

  private void becomeMaster(long nowNanos, String reason) {
    VrrpState from = state;
    state = VrrpState.MASTER;
    clearTimers();
    lastMasterAddress = config.primaryAddress();
    actions.sendAdvertisement(effectivePriority);
    actions.addVirtualAddresses();
    actions.announce();
    adverDeadlineNanos = nowNanos + config.advertIntervalNanos();
    transition(from, reason, nowNanos);
  }

  /** BACKUP from INITIALIZE or FAULT: Master_Down_Timer from our own interval, preempt hold on. */
  private void enterBackup(long nowNanos, String reason) {
    VrrpState from = state;
    state = VrrpState.BACKUP;
    clearTimers();
    masterAdverIntervalCentis = config.advertIntervalCentis();
    masterDownDeadlineNanos = nowNanos + masterDownIntervalNanos();
    if (preempts() && config.preemptDelayNanos() > 0) {
      preemptHoldSet = true;
      preemptHoldUntilNanos = nowNanos + config.preemptDelayNanos();
    }
    transition(from, reason, nowNanos);
  }

  private void enterFault(long nowNanos, String reason) {
    VrrpState from = state;
    state = VrrpState.FAULT;
    clearTimers();
    transition(from, reason, nowNanos);
  }

  private void resignIfMaster() {
    if (state == VrrpState.MASTER) {
      actions.sendAdvertisement(0);
      actions.removeVirtualAddresses();
    }
  }

  private void clearTimers() {
    adverDeadlineNanos = NONE;
    masterDownDeadlineNanos = NONE;
    masterDownReason = DOWN_TIMER_EXPIRED;
    preemptHoldSet = false;
    lowerMasterHeld = false;
  }

  private void transition(VrrpState from, String reason, long nowNanos) {
    listener.onTransition(new Transition(from, state, reason, nowNanos));
    if (seat != null) {
      seat.transitioned(from, state);
    }
  }

  private long skewTimeNanos() {
    return VrrpTimers.skewTimeNanos(config.version(), effectivePriority, masterAdverIntervalCentis);
  }

  private long masterDownIntervalNanos() {
    return VrrpTimers.masterDownIntervalNanos(
        config.version(), effectivePriority, masterAdverIntervalCentis);
  }
}
