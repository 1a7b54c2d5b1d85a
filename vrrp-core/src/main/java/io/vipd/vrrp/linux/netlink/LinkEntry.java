package io.vipd.vrrp.linux.netlink;

import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * One interface as an RTM_NEWLINK / RTM_DELLINK message reports it.
 *
 * @param ifIndex interface index
 * @param flags IFF_* flags (ifi_flags)
 * @param name IFLA_IFNAME
 * @param macAddress IFLA_ADDRESS (empty for interfaces without a link-layer address)
 * @param deleted the message was RTM_DELLINK
 */
public record LinkEntry(int ifIndex, int flags, String name, byte[] macAddress, boolean deleted) {

  private static final int IFINFOMSG_LENGTH = 16;

  public LinkEntry {
    macAddress = macAddress.clone();
  }

  /** A defensive copy of the link-layer address. */
  @Override
  public byte[] macAddress() {
    return macAddress.clone();
  }

  /** Administratively up (IFF_UP), running (IFF_RUNNING: carrier) and not deleted. */
  public boolean isUp() {
    int both = RtNetlink.IFF_UP | RtNetlink.IFF_RUNNING;
    return !deleted && (flags & both) == both;
  }

  /** Parses an RTM_NEWLINK or RTM_DELLINK message; empty when it is neither or is malformed. */
  public static Optional<LinkEntry> parse(NetlinkMessage m) {
    boolean deleted = m.type() == RtNetlink.RTM_DELLINK;
    ByteBuffer p = m.payload();
    if ((m.type() != RtNetlink.RTM_NEWLINK && !deleted) || p.limit() < IFINFOMSG_LENGTH) {
      return Optional.empty();
    }
    int ifIndex = p.getInt(4);
    int flags = p.getInt(8);
    String name = null;
    byte[] mac = new byte[0];
    for (NetlinkMessage.Attribute a : m.attributes(IFINFOMSG_LENGTH)) {
      if (a.type() == RtNetlink.IFLA_IFNAME) {
        name = a.asString();
      } else if (a.type() == RtNetlink.IFLA_ADDRESS) {
        mac = a.value();
      }
    }
    if (name == null) {
      return Optional.empty();
    }
    return Optional.of(new LinkEntry(ifIndex, flags, name, mac, deleted));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LinkEntry other
        && ifIndex == other.ifIndex
        && flags == other.flags
        && name.equals(other.name)
        && java.util.Arrays.equals(macAddress, other.macAddress)
        && deleted == other.deleted;
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(ifIndex, flags, name, deleted) * 31
        + java.util.Arrays.hashCode(macAddress);
  }

  @Override
  public String toString() {
    return "LinkEntry["
        + ifIndex
        + " "
        + name
        + " flags=0x"
        + Integer.toHexString(flags)
        + (deleted ? " deleted" : "")
        + "]";
  }
}
