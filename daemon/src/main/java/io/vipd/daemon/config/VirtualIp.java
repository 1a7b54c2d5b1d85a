package io.vipd.daemon.config;

import java.net.InetAddress;
import java.util.Optional;

/**
 * One virtual address, written {@code "192.168.1.100/24 dev eth0 label eth0:vip"}.
 *
 * @param address the address itself
 * @param prefixLength 0..32 (IPv4) or 0..128 (IPv6); /32 or /128 when not written
 * @param device interface to put it on; the instance's interface when not written
 * @param label IPv4 address label (at most 15 bytes, starting with the device name and a colon)
 */
public record VirtualIp(
    InetAddress address, int prefixLength, String device, Optional<String> label) {

  public IpFamily family() {
    return IpFamily.of(address);
  }

  /** {@code 192.168.1.100/24}. */
  public String cidr() {
    return Addresses.format(address) + "/" + prefixLength;
  }
}
