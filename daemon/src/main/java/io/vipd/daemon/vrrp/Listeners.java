package io.vipd.daemon.vrrp;

import io.vipd.vrrp.packet.RxDropReason;
import io.vipd.vrrp.router.Transition;
import io.vipd.vrrp.router.VirtualRouterListener;
import java.net.InetAddress;
import java.util.List;

/** Several observers of one instance, called in order. */
final class Listeners implements VirtualRouterListener {

  private final List<VirtualRouterListener> listeners;

  Listeners(List<VirtualRouterListener> listeners) {
    this.listeners = List.copyOf(listeners);
  }

  @Override
  public void onTransition(Transition transition) {
    listeners.forEach(l -> l.onTransition(transition));
  }

  @Override
  public void onAdvertisementDropped(RxDropReason reason) {
    listeners.forEach(l -> l.onAdvertisementDropped(reason));
  }

  @Override
  public void onPriorityChanged(int from, int to) {
    listeners.forEach(l -> l.onPriorityChanged(from, to));
  }

  @Override
  public void onAddressOwnerConflict(InetAddress source, int advertisedPriority) {
    listeners.forEach(l -> l.onAddressOwnerConflict(source, advertisedPriority));
  }
}
