package io.vipd.vrrp.port;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * One virtual address as keepalived's {@code virtual_ipaddress} line describes it: {@code
 * 10.0.0.5/32 dev eth0 label eth0:vip}.
 *
 * @param address the IPv4 or IPv6 address
 * @param prefixLength 0..32 for IPv4, 0..128 for IPv6
 * @param interfaceName the interface that carries it
 * @param label optional IPv4 address label (at most 15 characters, Linux's IFNAMSIZ - 1); IPv6
 *     addresses have no labels
 */
public record VirtualAddress(
    InetAddress address, int prefixLength, String interfaceName, Optional<String> label) {

  /** Longest label the kernel accepts (IFNAMSIZ 16 including the terminating NUL). */
  public static final int MAX_LABEL_LENGTH = 15;

  public VirtualAddress {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(interfaceName, "interfaceName");
    Objects.requireNonNull(label, "label");
    int max = address instanceof Inet4Address ? 32 : 128;
    if (prefixLength < 0 || prefixLength > max) {
      throw new IllegalArgumentException(
          "prefix length " + prefixLength + " out of 0.." + max + " for " + address);
    }
    if (label.isPresent()) {
      if (!(address instanceof Inet4Address)) {
        throw new IllegalArgumentException("IPv6 addresses have no label: " + address);
      }
      if (label.get().isEmpty() || label.get().length() > MAX_LABEL_LENGTH) {
        throw new IllegalArgumentException(
            "label '" + label.get() + "' must be 1.." + MAX_LABEL_LENGTH + " characters");
      }
    }
  }

  /** An address without a label. */
  public static VirtualAddress of(InetAddress address, int prefixLength, String interfaceName) {
    return new VirtualAddress(address, prefixLength, interfaceName, Optional.empty());
  }

  /** The address in the {@code ip addr} notation, e.g. {@code 10.0.0.5/32 dev eth0}. */
  @Override
  public String toString() {
    return address.getHostAddress()
        + "/"
        + prefixLength
        + " dev "
        + interfaceName
        + label.map(l -> " label " + l).orElse("");
  }
}
