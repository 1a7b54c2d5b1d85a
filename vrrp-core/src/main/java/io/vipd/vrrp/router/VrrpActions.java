package io.vipd.vrrp.router;

/**
 * The side effects the RFC makes a virtual router perform; the runtime implements them with real
 * sockets and netlink, the simulation with a simulated LAN. Observers (logs, metrics) use {@link
 * VirtualRouterListener} instead, so that nothing but the protocol goes through this port.
 *
 * <p>Called only on the thread that drives the {@link VirtualRouter}; implementations must not
 * block for long (they send one datagram or one netlink message).
 */
public interface VrrpActions {

  /** Sends one ADVERTISEMENT with the given priority (0 when the master resigns). */
  void sendAdvertisement(int priority);

  /** Installs the virtual addresses on the interface. */
  void addVirtualAddresses();

  /** Removes the virtual addresses from the interface. */
  void removeVirtualAddresses();

  /** Announces the virtual addresses: gratuitous ARP (IPv4) / unsolicited NA (IPv6). */
  void announce();
}
