package io.vipd.vrrp.linux.netlink;

import static io.vipd.vrrp.linux.netlink.RtNetlink.AF_INET;
import static io.vipd.vrrp.linux.netlink.RtNetlink.AF_INET6;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Builds RTM_NEWADDR / RTM_DELADDR / RTM_GETADDR requests (rtnetlink(7), struct ifaddrmsg). Pure:
 * returns the bytes to send on a NETLINK_ROUTE socket.
 */
public final class AddressMessages {

  private static final int RT_SCOPE_UNIVERSE = 0;

  /**
   * The preferred lifetime of an IPv6 VIP, in seconds: 0, so the kernel marks it deprecated. A
   * deprecated address is never chosen as the source of the node's own outgoing connections (RFC
   * 6724 section 5, rule 3) yet still receives traffic and can be bound explicitly. A VIP that the
   * kernel picked as a source, as it would for a VIP in the node's own /64, would break those
   * connections when the VIP moves to another node. IPv4 has no such notion: its source is the
   * primary address of the subnet, and VIPs are added as secondaries or /32s.
   */
  public static final int PREFERRED_IPV6 = 0;

  private AddressMessages() {}

  /**
   * Adds an address, acknowledged; EEXIST if it is already there (NLM_F_EXCL). IPv4 carries
   * IFA_LOCAL and IFA_ADDRESS (both the address, as {@code ip addr add} sends) and the optional
   * label, and never expires; IPv6 carries IFA_ADDRESS, the flag IFA_F_NODAD so the address is
   * usable at once, and a cache info that never expires but is {@linkplain #PREFERRED_IPV6
   * deprecated}.
   *
   * @param label IPv4 label or {@code null}
   */
  public static byte[] newAddress(
      int sequence,
      int ifIndex,
      InetAddress address,
      int prefixLength,
      String label,
      ByteOrder order) {
    int flags =
        RtNetlink.NLM_F_REQUEST
            | RtNetlink.NLM_F_ACK
            | RtNetlink.NLM_F_CREATE
            | RtNetlink.NLM_F_EXCL;
    NetlinkWriter w =
        newAddressMessage(sequence, flags, ifIndex, address, prefixLength, label, order);
    if (!(address instanceof Inet4Address)) {
      cacheinfo(w, RtNetlink.INFINITY_LIFE_TIME, PREFERRED_IPV6, order);
    }
    return w.finish();
  }

  /**
   * Adds an address or, if it is there, replaces it (NLM_F_REPLACE), with a valid lifetime of
   * {@code lifetimeSeconds}: the kernel removes the address by itself when the lifetime runs out
   * unless it is refreshed by sending this again. 0 means forever. The preferred lifetime is the
   * same for IPv4 and {@link #PREFERRED_IPV6} (deprecated) for IPv6.
   */
  public static byte[] installAddress(
      int sequence,
      int ifIndex,
      InetAddress address,
      int prefixLength,
      String label,
      int lifetimeSeconds,
      ByteOrder order) {
    int flags =
        RtNetlink.NLM_F_REQUEST
            | RtNetlink.NLM_F_ACK
            | RtNetlink.NLM_F_CREATE
            | RtNetlink.NLM_F_REPLACE;
    NetlinkWriter w =
        newAddressMessage(sequence, flags, ifIndex, address, prefixLength, label, order);
    int life = lifetimeSeconds == 0 ? RtNetlink.INFINITY_LIFE_TIME : lifetimeSeconds;
    cacheinfo(w, life, address instanceof Inet4Address ? life : PREFERRED_IPV6, order);
    return w.finish();
  }

  /** RTM_NEWADDR with the header and address attributes; the caller adds the lifetimes. */
  private static NetlinkWriter newAddressMessage(
      int sequence,
      int flags,
      int ifIndex,
      InetAddress address,
      int prefixLength,
      String label,
      ByteOrder order) {
    NetlinkWriter w = new NetlinkWriter(RtNetlink.RTM_NEWADDR, flags, sequence, order);
    boolean v4 = address instanceof Inet4Address;
    ifaddrmsg(w, v4, prefixLength, v4 ? 0 : RtNetlink.IFA_F_NODAD, ifIndex);
    if (v4) {
      w.attribute(RtNetlink.IFA_LOCAL, address.getAddress());
    }
    w.attribute(RtNetlink.IFA_ADDRESS, address.getAddress());
    if (v4 && label != null) {
      w.attribute(RtNetlink.IFA_LABEL, label);
    }
    return w;
  }

  /** struct ifa_cacheinfo: preferred and valid lifetimes in seconds; the kernel fills the rest. */
  private static void cacheinfo(NetlinkWriter w, int valid, int preferred, ByteOrder order) {
    ByteBuffer b = ByteBuffer.allocate(16).order(order);
    b.putInt(preferred).putInt(valid).putInt(0).putInt(0);
    w.attribute(RtNetlink.IFA_CACHEINFO, b.array());
  }

  /**
   * Removes an address, acknowledged; EADDRNOTAVAIL if it is not there. Whatever its label: the
   * kernel would otherwise require the label to match.
   */
  public static byte[] deleteAddress(
      int sequence, int ifIndex, InetAddress address, int prefixLength, ByteOrder order) {
    int flags = RtNetlink.NLM_F_REQUEST | RtNetlink.NLM_F_ACK;
    NetlinkWriter w = new NetlinkWriter(RtNetlink.RTM_DELADDR, flags, sequence, order);
    boolean v4 = address instanceof Inet4Address;
    ifaddrmsg(w, v4, prefixLength, 0, ifIndex);
    if (v4) {
      w.attribute(RtNetlink.IFA_LOCAL, address.getAddress());
    }
    w.attribute(RtNetlink.IFA_ADDRESS, address.getAddress());
    return w.finish();
  }

  /** Dumps every address of every interface, both families; answered by RTM_NEWADDR messages. */
  public static byte[] dumpAddresses(int sequence, ByteOrder order) {
    NetlinkWriter w =
        new NetlinkWriter(
            RtNetlink.RTM_GETADDR, RtNetlink.NLM_F_REQUEST | RtNetlink.NLM_F_DUMP, sequence, order);
    w.u8(RtNetlink.AF_UNSPEC).u8(0).u8(0).u8(0).u32(0);
    return w.finish();
  }

  private static void ifaddrmsg(
      NetlinkWriter w, boolean v4, int prefixLength, int flags, int ifIndex) {
    w.u8(v4 ? AF_INET : AF_INET6).u8(prefixLength).u8(flags).u8(RT_SCOPE_UNIVERSE).u32(ifIndex);
  }
}
