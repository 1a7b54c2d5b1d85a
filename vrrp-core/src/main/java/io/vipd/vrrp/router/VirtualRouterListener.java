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

  /** A listener that ignores everything. */
  VirtualRouterListener NONE = new VirtualRouterListener() {};
}
