package io.vipd.vrrp.linux;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Socket address and option structures in Linux's 64-bit layout. Fields the kernel reads in host
 * order (families, interface indexes, scope ids) use the native order; ports, protocols and
 * addresses are in network order.
 */
final class SockAddrs {

  static final int AF_INET = 2;
  static final int AF_INET6 = 10;
  static final int AF_NETLINK = 16;
  static final int AF_PACKET = 17;

  private SockAddrs() {}

  /** struct sockaddr_in (16 bytes), port 0. */
  static byte[] sockaddrIn(Inet4Address address) {
    ByteBuffer b = nativeBuffer(16);
    b.putShort((short) AF_INET).putShort((short) 0).put(address.getAddress());
    return b.array();
  }

  /** struct sockaddr_in6 (28 bytes), port 0, flow info 0. */
  static byte[] sockaddrIn6(Inet6Address address, int scopeId) {
    ByteBuffer b = nativeBuffer(28);
    b.putShort((short) AF_INET6).putShort((short) 0).putInt(0).put(address.getAddress());
    b.putInt(scopeId);
    return b.array();
  }

  /** sockaddr_in or sockaddr_in6 for {@code address}; IPv6 gets {@code ifIndex} as scope. */
  static byte[] sockaddr(InetAddress address, int ifIndex) {
    if (address instanceof Inet4Address v4) {
      return sockaddrIn(v4);
    }
    Inet6Address v6 = (Inet6Address) address;
    return sockaddrIn6(v6, v6.getScopeId() != 0 ? v6.getScopeId() : ifIndex);
  }

  /** struct sockaddr_ll (20 bytes) for sending Ethernet frames of {@code etherType}. */
  static byte[] sockaddrLl(int ifIndex, int etherType, byte[] destinationMac) {
    ByteBuffer b = nativeBuffer(20);
    b.putShort((short) AF_PACKET);
    b.order(ByteOrder.BIG_ENDIAN).putShort((short) etherType).order(ByteOrder.nativeOrder());
    b.putInt(ifIndex).putShort((short) 0).put((byte) 0).put((byte) destinationMac.length);
    b.put(destinationMac);
    return b.array();
  }

  /** struct sockaddr_nl (12 bytes): port id 0 (kernel assigns), multicast groups bitmask. */
  static byte[] sockaddrNl(int groups) {
    ByteBuffer b = nativeBuffer(12);
    b.putShort((short) AF_NETLINK).putShort((short) 0).putInt(0).putInt(groups);
    return b.array();
  }

  /** struct ip_mreqn (12 bytes). */
  static byte[] ipMreqn(Inet4Address group, Inet4Address local, int ifIndex) {
    ByteBuffer b = nativeBuffer(12);
    b.put(group == null ? new byte[4] : group.getAddress());
    b.put(local == null ? new byte[4] : local.getAddress()).putInt(ifIndex);
    return b.array();
  }

  /** struct ipv6_mreq (20 bytes). */
  static byte[] ipv6Mreq(Inet6Address group, int ifIndex) {
    ByteBuffer b = nativeBuffer(20);
    b.put(group.getAddress()).putInt(ifIndex);
    return b.array();
  }

  /** struct in_pktinfo (12 bytes): outgoing interface and source address. */
  static byte[] inPktinfo(int ifIndex, Inet4Address source) {
    ByteBuffer b = nativeBuffer(12);
    b.putInt(ifIndex).put(source.getAddress()).put(new byte[4]);
    return b.array();
  }

  /** struct in6_pktinfo (20 bytes): source address and outgoing interface. */
  static byte[] in6Pktinfo(Inet6Address source, int ifIndex) {
    ByteBuffer b = nativeBuffer(20);
    b.put(source.getAddress()).putInt(ifIndex);
    return b.array();
  }

  static ByteBuffer nativeBuffer(int size) {
    return ByteBuffer.allocate(size).order(ByteOrder.nativeOrder());
  }
}
