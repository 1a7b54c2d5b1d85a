package io.vipd.vrrp.linux.netlink;

import static io.vipd.vrrp.linux.netlink.RtNetlink.AF_INET;
import static io.vipd.vrrp.linux.netlink.RtNetlink.AF_INET6;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteOrder;

/**
 * Builds RTM_NEWADDR / RTM_DELADDR / RTM_GETADDR requests (rtnetlink(7), struct ifaddrmsg). Pure:
 * returns the bytes to send on a NETLINK_ROUTE socket.
 */
public final class AddressMessages {

  private static final int RT_SCOPE_UNIVERSE = 0;

  private AddressMessages() {}

  /**
   * Adds an address, acknowledged; EEXIST if it is already there (NLM_F_EXCL). IPv4 carries
   * IFA_LOCAL and IFA_ADDRESS (both the address, as {@code ip addr add} sends) and the optional
   * label; IPv6 carries IFA_ADDRESS and the flag IFA_F_NODAD so the address is usable at once.
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
    return w.finish();
  }

  /**
   * Adds an address or, if it is there, replaces it (NLM_F_REPLACE), with valid and preferred
   * lifetimes of {@code lifetimeSeconds}: the kernel removes the address by itself when the
   * lifetime runs out unless it is refreshed by sending this again. 0 means forever.
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
    int life = lifetimeSeconds == 0 ? RtNetlink.INFINITY_LIFE_TIME : lifetimeSeconds;
    java.nio.ByteBuffer cacheinfo = java.nio.ByteBuffer.allocate(16).order(order);
    cacheinfo.putInt(life).putInt(life).putInt(0).putInt(0);
    w.attribute(RtNetlink.IFA_CACHEINFO, cacheinfo.array());
    return w.finish();
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
