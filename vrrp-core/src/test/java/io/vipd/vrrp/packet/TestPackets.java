package io.vipd.vrrp.packet;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;

/**
 * Addresses, header infos and an independent checksum fixer for crafting test packets. The fixer
 * builds the pseudo-headers itself (not through the codec) so that a codec layout bug cannot hide
 * behind a test helper sharing it.
 */
final class TestPackets {

  static final InetAddress SRC4 = address("10.77.0.11");
  static final InetAddress PEER4 = address("10.77.0.12");
  static final InetAddress GROUP4 = address("224.0.0.18");
  static final InetAddress VIP4 = address("10.77.0.50");
  static final InetAddress SRC6 = address("fe80::77:ff:fe00:11");
  static final InetAddress GROUP6 = address("ff02::12");
  static final InetAddress VIP6 = address("fd77::50");

  static final IpHeaderInfo MULTICAST4 = new IpHeaderInfo(SRC4, GROUP4, 255);
  static final IpHeaderInfo UNICAST4 = new IpHeaderInfo(SRC4, PEER4, 255);
  static final IpHeaderInfo MULTICAST6 = new IpHeaderInfo(SRC6, GROUP6, 255);

  private TestPackets() {}

  static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(literal, e);
    }
  }

  static VrrpAdvertisement v3(InetAddress... addresses) {
    return VrrpAdvertisement.v3(51, 101, 100, List.of(addresses));
  }

  static VrrpAdvertisement v2(InetAddress... addresses) {
    return VrrpAdvertisement.v2(51, 101, 1, List.of(addresses), 0, new byte[0]);
  }

  /** A valid v3 IPv4 multicast message, pseudo-header checksum. */
  static byte[] validV3() {
    return VrrpPacketCodec.encode(v3(VIP4), SRC4, GROUP4, Ipv4ChecksumMode.PSEUDO_HEADER);
  }

  static byte[] validV2() {
    return VrrpPacketCodec.encode(v2(VIP4), SRC4, GROUP4, Ipv4ChecksumMode.PSEUDO_HEADER);
  }

  static byte[] validV6() {
    return VrrpPacketCodec.encode(v3(VIP6), SRC6, GROUP6, Ipv4ChecksumMode.PSEUDO_HEADER);
  }

  /** A copy of {@code message} with bytes set at the given offset. */
  static byte[] with(byte[] message, int offset, int... values) {
    byte[] out = message.clone();
    for (int i = 0; i < values.length; i++) {
      out[offset + i] = (byte) values[i];
    }
    return out;
  }

  static byte[] truncated(byte[] message, int length) {
    return Arrays.copyOf(message, length);
  }

  /**
   * A copy of {@code message} whose checksum field holds the checksum of the given form, computed
   * over the whole array as given (whatever its length or header fields say).
   */
  static byte[] checksummed(byte[] message, IpHeaderInfo ip, ChecksumForm form) {
    byte[] out = message.clone();
    out[6] = 0;
    out[7] = 0;
    VrrpChecksum checksum = new VrrpChecksum();
    switch (form) {
      case MESSAGE_ONLY -> {}
      case IPV4_PSEUDO_HEADER ->
          checksum.update(pseudo4(ip.source(), ip.destination(), out.length));
      case IPV4_PSEUDO_HEADER_GROUP_DESTINATION ->
          checksum.update(pseudo4(ip.source(), GROUP4, out.length));
      case IPV6_PSEUDO_HEADER ->
          checksum.update(pseudo6(ip.source(), ip.destination(), out.length));
    }
    int value = checksum.update(out).value();
    out[6] = (byte) (value >>> 8);
    out[7] = (byte) value;
    return out;
  }

  /** The send mode that reproduces a received form over IPv4 (PSEUDO_HEADER where moot). */
  static Ipv4ChecksumMode modeFor(ChecksumForm form) {
    return switch (form) {
      case MESSAGE_ONLY -> Ipv4ChecksumMode.MESSAGE_ONLY;
      case IPV4_PSEUDO_HEADER_GROUP_DESTINATION -> Ipv4ChecksumMode.PSEUDO_HEADER_GROUP_DESTINATION;
      case IPV4_PSEUDO_HEADER, IPV6_PSEUDO_HEADER -> Ipv4ChecksumMode.PSEUDO_HEADER;
    };
  }

  private static byte[] pseudo4(InetAddress source, InetAddress destination, int length) {
    byte[] s = source.getAddress();
    byte[] d = destination.getAddress();
    return new byte[] {
      s[0], s[1], s[2], s[3], d[0], d[1], d[2], d[3], 0, 112, (byte) (length >> 8), (byte) length
    };
  }

  private static byte[] pseudo6(InetAddress source, InetAddress destination, int length) {
    byte[] out = new byte[40];
    System.arraycopy(source.getAddress(), 0, out, 0, 16);
    System.arraycopy(destination.getAddress(), 0, out, 16, 16);
    out[32] = (byte) (length >>> 24);
    out[33] = (byte) (length >>> 16);
    out[34] = (byte) (length >>> 8);
    out[35] = (byte) length;
    out[39] = 112;
    return out;
  }

  /** A well-formed VRRPv2 message (length fits IPv6-sized addresses) sent over IPv6. */
  static byte[] v2OverIpv6() {
    byte[] v6 = validV6();
    byte[] message = Arrays.copyOf(with(v6, 0, 0x21, 51, 101, 1, 0, 1), 8 + 16 + 8);
    return checksummed(message, MULTICAST6, ChecksumForm.IPV6_PSEUDO_HEADER);
  }

  /** A v2 message with count 0: header and auth data only. */
  static byte[] v2WithoutAddresses() {
    byte[] message = new byte[16];
    message[0] = 0x21;
    message[1] = 51;
    message[2] = 101;
    message[5] = 1;
    return checksummed(message, MULTICAST4, ChecksumForm.MESSAGE_ONLY);
  }
}
