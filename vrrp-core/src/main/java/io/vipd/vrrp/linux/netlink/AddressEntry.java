package io.vipd.vrrp.linux.netlink;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * One address as an RTM_NEWADDR message reports it.
 *
 * @param ifIndex interface index
 * @param prefixLength prefix length
 * @param flags IFA_F_* (from IFA_FLAGS when present, else the 8-bit header field)
 * @param address IFA_LOCAL for IPv4 (the local address even on point-to-point links), else
 *     IFA_ADDRESS
 * @param label IFA_LABEL (IPv4 only; the kernel reports the interface name when none was set)
 */
public record AddressEntry(
    int ifIndex, int prefixLength, int flags, InetAddress address, Optional<String> label) {

  private static final int IFADDRMSG_LENGTH = 8;

  /** Parses an RTM_NEWADDR message; empty when it is not one or is malformed. */
  public static Optional<AddressEntry> parse(NetlinkMessage m) {
    ByteBuffer p = m.payload();
    if (m.type() != RtNetlink.RTM_NEWADDR || p.limit() < IFADDRMSG_LENGTH) {
      return Optional.empty();
    }
    int family = p.get(0) & 0xff;
    int prefixLength = p.get(1) & 0xff;
    int flags = p.get(2) & 0xff;
    int ifIndex = p.getInt(4);
    byte[] local = null;
    byte[] address = null;
    String label = null;
    for (NetlinkMessage.Attribute a : m.attributes(IFADDRMSG_LENGTH)) {
      switch (a.type()) {
        case RtNetlink.IFA_LOCAL -> local = a.value();
        case RtNetlink.IFA_ADDRESS -> address = a.value();
        case RtNetlink.IFA_LABEL -> label = a.asString();
        case RtNetlink.IFA_FLAGS -> {
          if (a.value().length == 4) {
            flags = ByteBuffer.wrap(a.value()).order(p.order()).getInt();
          }
        }
        default -> {}
      }
    }
    byte[] chosen = family == RtNetlink.AF_INET && local != null ? local : address;
    int expected = family == RtNetlink.AF_INET ? 4 : family == RtNetlink.AF_INET6 ? 16 : -1;
    if (chosen == null || chosen.length != expected) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new AddressEntry(
              ifIndex,
              prefixLength,
              flags,
              InetAddress.getByAddress(chosen),
              Optional.ofNullable(label)));
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }
}
