package io.vipd.vrrp.sim;

import io.vipd.vrrp.packet.RxDropReason;
import io.vipd.vrrp.router.SyncGroup;
import io.vipd.vrrp.router.Transition;
import io.vipd.vrrp.router.VirtualRouter;
import io.vipd.vrrp.router.VirtualRouterConfig;
import io.vipd.vrrp.router.VirtualRouterListener;
import io.vipd.vrrp.router.VrrpActions;
import io.vipd.vrrp.router.VrrpState;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * One router on the {@link SimulatedLan}: the real {@link VirtualRouter} plus what a host would
 * observe of it (whether it holds the virtual addresses, what it sent, its transitions). The
 * lifecycle methods act at the LAN's current time.
 */
public final class SimNode implements VrrpActions, VirtualRouterListener {

  private final SimulatedLan lan;
  private final int index;
  private final VirtualRouter router;
  private final List<Transition> transitions = new ArrayList<>();
  private final Map<RxDropReason, Integer> drops = new EnumMap<>(RxDropReason.class);
  private boolean holdsAddresses;
  private boolean faulted;
  private long advertsSent;
  private long announcements;

  SimNode(SimulatedLan lan, int index, VirtualRouterConfig config) {
    this.lan = lan;
    this.index = index;
    this.router = new VirtualRouter(config, this, this);
  }

  /** Position on the LAN, 0-based; equal deadlines are served in this order. */
  public int index() {
    return index;
  }

  /** The router under test. */
  public VirtualRouter router() {
    return router;
  }

  /** The router's configuration. */
  public VirtualRouterConfig config() {
    return router.config();
  }

  /** The router's state. */
  public VrrpState state() {
    return router.state();
  }

  /** Every transition so far, oldest first. */
  public List<Transition> transitions() {
    return List.copyOf(transitions);
  }

  /** Drops the router reported, per reason. */
  public Map<RxDropReason, Integer> drops() {
    return Map.copyOf(drops);
  }

  /** Whether the virtual addresses are installed on this host. */
  public boolean holdsAddresses() {
    return holdsAddresses;
  }

  /** Whether the daemon told this router it is in fault. */
  public boolean faulted() {
    return faulted;
  }

  /** Whether the router runs: started and not shut down. */
  public boolean running() {
    return router.state() != VrrpState.INITIALIZE;
  }

  /** Adverts sent so far (any priority). */
  public long advertsSent() {
    return advertsSent;
  }

  /** Gratuitous ARP / NA rounds so far. */
  public long announcements() {
    return announcements;
  }

  /**
   * Seats the router in {@code group}; the group's orders run as LAN events at the time they are
   * given, after what is already queued then (as the runtime runs them from its command queue).
   */
  public void joinSyncGroup(SyncGroup group) {
    joinSyncGroup(group, () -> 0L);
  }

  /**
   * As {@link #joinSyncGroup(SyncGroup)}, each order carried out {@code delay} later: the runtime
   * runs it at its next step, up to 10 ms on.
   */
  public void joinSyncGroup(SyncGroup group, java.util.function.LongSupplier delay) {
    router.joinSyncGroup(
        group.join(
            config().name(),
            order ->
                lan.at(
                    lan.now() + delay.getAsLong(),
                    () -> {
                      lan.trace(this, "sync group order");
                      order.apply(router, lan.now());
                    })));
  }

  /** Starts the router now. */
  public void start() {
    lan.trace(this, "start");
    router.start(lan.now());
  }

  /** Shuts the router down now. */
  public void shutdown() {
    lan.trace(this, "shutdown");
    router.shutdown(lan.now());
  }

  /** Sets or clears the fault now. */
  public void setFault(boolean fault) {
    faulted = fault;
    lan.trace(this, "fault " + fault);
    router.setFault(fault, fault ? "interface eth0 down" : "interface eth0 up", lan.now());
  }

  /** Sets the tracked priority now. */
  public void setTrackedPriority(int priority) {
    lan.trace(this, "tracked priority " + priority);
    router.setTrackedPriority(priority, lan.now());
  }

  @Override
  public void sendAdvertisement(int priority) {
    advertsSent++;
    lan.transmit(this, priority);
  }

  @Override
  public void addVirtualAddresses() {
    lan.check(!holdsAddresses, this, "addresses added twice");
    holdsAddresses = true;
  }

  @Override
  public void removeVirtualAddresses() {
    lan.check(holdsAddresses, this, "addresses removed while not held");
    holdsAddresses = false;
  }

  @Override
  public void announce() {
    lan.check(holdsAddresses, this, "announced addresses it does not hold");
    announcements++;
  }

  @Override
  public void onTransition(Transition transition) {
    transitions.add(transition);
    lan.trace(this, transition.from() + " -> " + transition.to() + ": " + transition.reason());
  }

  @Override
  public void onAdvertisementDropped(RxDropReason reason) {
    drops.merge(reason, 1, Integer::sum);
  }

  @Override
  public String toString() {
    return "n"
        + index
        + "("
        + config().primaryAddress().getHostAddress()
        + " prio "
        + router.effectivePriority()
        + " "
        + router.state()
        + ")";
  }
}
