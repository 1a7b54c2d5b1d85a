package io.vipd.vrrp.port;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.util.Optional;

/**
 * Facts about a network interface that the VRRP adapters need, behind a shim so that tests can
 * substitute them. Every method reads the current state (no caching) and fails with an {@link
 * IOException} naming the interface when it does not exist.
 */
public interface LinkInfo {

  /** The JDK ({@link java.net.NetworkInterface}) implementation. */
  LinkInfo DEFAULT = new JdkLinkInfo();

  /** The kernel interface index (ifindex). */
  int index(String interfaceName) throws IOException;

  /** The 6-byte MAC address. */
  byte[] macAddress(String interfaceName) throws IOException;

  /** Administratively up and running (carrier). */
  boolean isUp(String interfaceName) throws IOException;

  /**
   * The interface's primary IPv4 address: the source of VRRP adverts over IPv4 (RFC 3768 section
   * 5.1.1.1): the first IPv4 address the kernel lists for it.
   */
  Optional<Inet4Address> primaryIpv4Address(String interfaceName) throws IOException;

  /** The IPv6 link-local address: the source of VRRPv3 adverts over IPv6 (RFC 9568 5.1.2.1). */
  Optional<Inet6Address> ipv6LinkLocalAddress(String interfaceName) throws IOException;
}
