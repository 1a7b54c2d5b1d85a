package io.vipd.vrrp.port;

import java.io.IOException;
import java.util.List;

/**
 * Installs and removes virtual addresses on interfaces (the RFC's "add / remove the virtual
 * addresses"). Each call is one kernel round trip and is idempotent. Implementations are
 * thread-safe: the VRRP instances of one daemon share one, each from its own thread.
 */
public interface VipManager {

  /**
   * Adds an address.
   *
   * @return {@code true} if the kernel added it, {@code false} if it was already there
   * @throws IOException when the kernel refuses; the message names the address and the error
   */
  boolean add(VirtualAddress address) throws IOException;

  /**
   * Removes an address.
   *
   * @return {@code true} if the kernel removed it, {@code false} if it was not there
   * @throws IOException when the kernel refuses; the message names the address and the error
   */
  boolean remove(VirtualAddress address) throws IOException;

  /**
   * Installs the address, or refreshes it if it is there, so that it expires by itself {@code
   * lifetimeSeconds} after the last call (0: never). A VIP installed this way cannot outlive a
   * killed vipd for longer than its lifetime.
   */
  void install(VirtualAddress address, int lifetimeSeconds) throws IOException;

  /**
   * Every address currently on the interface, IPv4 and IPv6, in the kernel's order (for IPv4 the
   * primary address first), with its label where the kernel reports one that differs from the
   * interface name.
   */
  List<VirtualAddress> list(String interfaceName) throws IOException;
}
