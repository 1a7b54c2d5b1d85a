package io.vipd.vrrp.announce;

import java.net.Inet6Address;
import java.nio.ByteBuffer;

/**
 * Builds the unsolicited neighbour advertisement a new VRRP master sends for each IPv6 virtual
 * address (RFC 9568 section 6.4.2, RFC 4861 section 7.2.6), as keepalived sends it: Ethernet to
 * 33:33:00:00:00:01, IPv6 from the virtual address to ff02::1 with hop limit 255, ICMPv6 type 136
 * with the Override flag set, the Router flag set when the interface forwards IPv6 (keepalived
 * reads the interface's forwarding setting; RFC 9568 asks for R, which tells hosts that use the
 * virtual address as their router that it still is one), target = the virtual address, and a target
 * link-layer address option carrying the interface MAC. Pure: no I/O.
 */
public final class UnsolicitedNaFrame {

  /** Length of the frame: 14 Ethernet + 40 IPv6 + 24 NA + 8 option. */
  public static final int LENGTH = 86;

  static final int ETHERTYPE_IPV6 = 0x86dd;
  private static final int ICMPV6_PAYLOAD_LENGTH = 32;
  private static final int NEXT_HEADER_ICMPV6 = 58;
  private static final int HOP_LIMIT = 255;
  private static final int TYPE_NEIGHBOR_ADVERTISEMENT = 136;
  private static final int FLAG_ROUTER = 0x80000000;
  private static final int FLAG_OVERRIDE = 0x20000000;
  private static final int OPTION_TARGET_LINK_LAYER_ADDRESS = 2;
  private static final byte[] ALL_NODES_MAC = {0x33, 0x33, 0, 0, 0, 1};
  private static final byte[] ALL_NODES = {
    (byte) 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1
  };

  private UnsolicitedNaFrame() {}

  /**
   * Builds the frame.
   *
   * @param sourceMac the 6-byte MAC of the sending interface
   * @param address the virtual address: both IPv6 source and NA target
   * @return a new 86-byte Ethernet frame, without FCS, ICMPv6 checksum filled in
   */
  public static byte[] build(byte[] sourceMac, Inet6Address address) {
    return build(sourceMac, address, false);
  }

  /**
   * Builds the frame, with the Router flag if {@code router}.
   *
   * @param sourceMac the 6-byte MAC of the sending interface
   * @param address the virtual address: both IPv6 source and NA target
   * @param router whether the sending interface forwards IPv6 (the NA's R flag)
   * @return a new 86-byte Ethernet frame, without FCS, ICMPv6 checksum filled in
   */
  public static byte[] build(byte[] sourceMac, Inet6Address address, boolean router) {
    MacAddresses.requireMac(sourceMac);
    byte[] ip = address.getAddress();
    ByteBuffer frame = ByteBuffer.allocate(LENGTH);
    frame.put(ALL_NODES_MAC).put(sourceMac).putShort((short) ETHERTYPE_IPV6);
    frame.putInt(6 << 28); // version 6, traffic class 0, flow label 0
    frame.putShort((short) ICMPV6_PAYLOAD_LENGTH);
    frame.put((byte) NEXT_HEADER_ICMPV6).put((byte) HOP_LIMIT);
    frame.put(ip).put(ALL_NODES);
    int icmpStart = frame.position();
    frame.put((byte) TYPE_NEIGHBOR_ADVERTISEMENT).put((byte) 0).putShort((short) 0);
    frame.putInt(FLAG_OVERRIDE | (router ? FLAG_ROUTER : 0)).put(ip);
    frame.put((byte) OPTION_TARGET_LINK_LAYER_ADDRESS).put((byte) 1).put(sourceMac);
    byte[] bytes = frame.array();
    int checksum = icmpv6Checksum(ip, ALL_NODES, bytes, icmpStart, ICMPV6_PAYLOAD_LENGTH);
    bytes[icmpStart + 2] = (byte) (checksum >>> 8);
    bytes[icmpStart + 3] = (byte) checksum;
    return bytes;
  }

  /** RFC 4443 section 2.3: one's complement sum over the RFC 8200 8.1 pseudo-header + message. */
  static int icmpv6Checksum(byte[] src, byte[] dst, byte[] data, int offset, int length) {
    long sum = sum16(src, 0, 16) + sum16(dst, 0, 16);
    sum += length + NEXT_HEADER_ICMPV6;
    sum += sum16(data, offset, length);
    while ((sum >>> 16) != 0) {
      sum = (sum & 0xffff) + (sum >>> 16);
    }
    return (int) (~sum & 0xffff);
  }

  private static long sum16(byte[] b, int offset, int length) {
    long sum = 0;
    for (int i = 0; i < length; i += 2) {
      int hi = b[offset + i] & 0xff;
      int lo = i + 1 < length ? b[offset + i + 1] & 0xff : 0;
      sum += (hi << 8) | lo;
    }
    return sum;
  }
}
