package io.vipd.daemon.vrrp;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;

/**
 * Whether an interface has an address the kernel will send from: present, and for IPv6 not
 * tentative (duplicate address detection still running) nor failed, which {@link NetworkInterface}
 * does not tell apart. Read when an instance waits to reopen its sockets on a re-created interface.
 */
final class LocalAddresses {
  /** {@code IFA_F_DADFAILED | IFA_F_TENTATIVE} from linux/if_addr.h. */
  private static final int NOT_USABLE = 0x08 | 0x40;

  private static final Path IF_INET6 = Path.of("/proc/net/if_inet6");

  private LocalAddresses() {}

  static boolean usable(String interfaceName, InetAddress address) {
    return address instanceof Inet6Address
        ? usableIpv6(interfaceName, address, readIfInet6())
        : present(interfaceName, address);
  }

  /**
   * Whether {@code interfaceName} still has {@code address}: for IPv6 in any state but a failed
   * duplicate address detection (a tentative address, as after every link up, is not lost).
   */
  static boolean held(String interfaceName, InetAddress address) {
    return address instanceof Inet6Address
        ? heldIpv6(interfaceName, address, readIfInet6())
        : present(interfaceName, address);
  }

  /** {@link #held} for IPv6, {@code lines} as in {@code /proc/net/if_inet6}. */
  static boolean heldIpv6(String interfaceName, InetAddress address, List<String> lines) {
    int flags = flagsIpv6(interfaceName, address, lines);
    return flags != ABSENT && (flags & DAD_FAILED) == 0;
  }

  /** {@code IFA_F_DADFAILED}. */
  private static final int DAD_FAILED = 0x08;

  /** Whether some interface of this node has {@code address}. */
  static boolean localAnywhere(InetAddress address) {
    try {
      return NetworkInterface.getByInetAddress(address) != null;
    } catch (SocketException e) {
      return false;
    }
  }

  private static boolean present(String interfaceName, InetAddress address) {
    try {
      NetworkInterface nif = NetworkInterface.getByName(interfaceName);
      return nif != null && Collections.list(nif.getInetAddresses()).contains(address);
    } catch (SocketException e) {
      return false;
    }
  }

  private static List<String> readIfInet6() {
    try {
      return Files.readAllLines(IF_INET6);
    } catch (IOException e) {
      return List.of();
    }
  }

  /**
   * {@code lines} as in {@code /proc/net/if_inet6}: address (32 hex digits), index, prefix length,
   * scope, flags (hex), interface name.
   */
  static boolean usableIpv6(String interfaceName, InetAddress address, List<String> lines) {
    int flags = flagsIpv6(interfaceName, address, lines);
    return flags != ABSENT && (flags & NOT_USABLE) == 0;
  }

  private static final int ABSENT = -1;

  /** {@code IFA_F_TENTATIVE}. */
  private static final int TENTATIVE = 0x40;

  /** The flags of {@code address} on {@code interfaceName}, or {@link #ABSENT}. */
  private static int flagsIpv6(String interfaceName, InetAddress address, List<String> lines) {
    String hex = HexFormat.of().formatHex(address.getAddress());
    for (String line : lines) {
      String[] f = line.trim().split("\\s+");
      if (f.length >= 6 && f[5].equals(interfaceName) && f[0].equalsIgnoreCase(hex)) {
        try {
          return Integer.parseInt(f[4], 16);
        } catch (NumberFormatException e) {
          return TENTATIVE; // there, in a state it cannot say: held, not usable
        }
      }
    }
    return ABSENT;
  }
}
