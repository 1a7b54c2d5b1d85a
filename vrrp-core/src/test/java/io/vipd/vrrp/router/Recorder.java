package io.vipd.vrrp.router;

import io.vipd.vrrp.packet.RxDropReason;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/** Records every action and observation of a router as short strings, in call order. */
final class Recorder implements VrrpActions, VirtualRouterListener {

  final List<String> events = new ArrayList<>();
  final List<Transition> transitions = new ArrayList<>();
  final List<RxDropReason> drops = new ArrayList<>();

  @Override
  public void sendAdvertisement(int priority) {
    events.add("send " + priority);
  }

  @Override
  public void addVirtualAddresses() {
    events.add("add");
  }

  @Override
  public void removeVirtualAddresses() {
    events.add("remove");
  }

  @Override
  public void announce() {
    events.add("announce");
  }

  @Override
  public void onTransition(Transition transition) {
    transitions.add(transition);
    events.add(transition.from() + "->" + transition.to());
  }

  @Override
  public void onAdvertisementDropped(RxDropReason reason) {
    drops.add(reason);
    events.add("drop " + reason);
  }

  @Override
  public void onPriorityChanged(int from, int to) {
    events.add("priority " + from + "->" + to);
  }

  @Override
  public void onAddressOwnerConflict(InetAddress source, int advertisedPriority) {
    events.add("owner conflict " + source.getHostAddress() + " " + advertisedPriority);
  }

  /** Returns the events recorded so far and forgets them. */
  List<String> take() {
    List<String> copy = List.copyOf(events);
    events.clear();
    return copy;
  }

  Transition lastTransition() {
    return transitions.get(transitions.size() - 1);
  }
}
