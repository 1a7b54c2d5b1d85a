package io.vipd.vrrp.router;

/**
 * Observes a virtual router for logs and metrics. Called on the thread that drives the router; must
 * not call back into it.
 */
public interface VirtualRouterListener {

  /** A state change. */
  default void onTransition(Transition transition) {}

  /** An advertisement that the router (not the codec) discarded, e.g. an interval mismatch. */
  default void onAdvertisementDropped(io.vipd.vrrp.packet.RxDropReason reason) {}

  /** The effective priority changed. */
  default void onPriorityChanged(int from, int to) {}

  /**
   * A VRRPv3 address owner (priority 255) received an advert from another router for its VRID. RFC
   * 9568 7.1 says the owner SHOULD log this; the router still processes the advert (see {@link
   * VirtualRouter}). Called once per such advert: rate-limit the log.
   *
   * @param source the sender's address
   * @param advertisedPriority the priority in the advert
   */
  default void onAddressOwnerConflict(java.net.InetAddress source, int advertisedPriority) {}

  /** A listener that ignores everything. */
  VirtualRouterListener NONE = new VirtualRouterListener() {};
}
