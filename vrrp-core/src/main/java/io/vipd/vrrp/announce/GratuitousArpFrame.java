package io.vipd.vrrp.announce;

import java.net.Inet4Address;
import java.nio.ByteBuffer;

/**
 * Builds the gratuitous ARP frame a new VRRP master broadcasts for each IPv4 virtual address (RFC
 * 3768 section 6.4.2, RFC 5227 section 3): an Ethernet broadcast carrying an ARP request whose
 * sender and target protocol addresses are both the virtual address, and whose target hardware
 * address is the broadcast address, exactly as keepalived sends it. Pure: no I/O.
 */
public final class GratuitousArpFrame {

  /** Length of the frame: 14 bytes Ethernet header + 28 bytes ARP. */
  public static final int LENGTH = 42;

  static final int ETHERTYPE_ARP = 0x0806;
  private static final int HTYPE_ETHERNET = 1;
  private static final int PTYPE_IPV4 = 0x0800;
  private static final int OPCODE_REQUEST = 1;
  private static final byte[] BROADCAST = {-1, -1, -1, -1, -1, -1};

  private GratuitousArpFrame() {}

  /**
   * Builds the frame.
   *
   * @param sourceMac the 6-byte MAC of the sending interface (Ethernet source and ARP sender)
   * @param address the virtual address being announced
   * @return a new 42-byte Ethernet frame, without FCS
   */
  public static byte[] build(byte[] sourceMac, Inet4Address address) {
    MacAddresses.requireMac(sourceMac);
    byte[] ip = address.getAddress();
    ByteBuffer frame = ByteBuffer.allocate(LENGTH);
    frame.put(BROADCAST).put(sourceMac).putShort((short) ETHERTYPE_ARP);
    frame.putShort((short) HTYPE_ETHERNET).putShort((short) PTYPE_IPV4);
    frame.put((byte) 6).put((byte) 4).putShort((short) OPCODE_REQUEST);
    frame.put(sourceMac).put(ip);
    frame.put(BROADCAST).put(ip);
    return frame.array();
  }
}
