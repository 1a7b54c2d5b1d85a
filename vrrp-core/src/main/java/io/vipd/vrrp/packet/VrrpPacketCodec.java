package io.vipd.vrrp.packet;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Encodes and decodes VRRP ADVERTISEMENT messages (the IP payload, not the IP header): VRRPv2 (RFC
 * 3768, IPv4 only) and VRRPv3 (RFC 5798 / RFC 9568, IPv4 and IPv6). Pure: no I/O, no clock, no
 * state; all methods are static and thread-safe.
 *
 * <pre>
 * bytes 0..3  Version (4 bits) | Type (4 bits) | Virtual Rtr ID | Priority | Count IP Addrs
 * bytes 4..5  v2: Auth Type | Adver Int (seconds)
 *             v3: reserved (4 bits) | Max Adver Int (12 bits, centiseconds)
 * bytes 6..7  Checksum
 * then        Count IPv4 (4-byte) or IPv6 (16-byte) addresses
 * v2 only     Authentication Data (8 bytes)
 * </pre>
 *
 * <p><b>Checksums</b> (RFC 3768 5.3.8, RFC 5798 / RFC 9568 5.2.8): v2 covers the message alone,
 * authentication data included. v3 over IPv6 prepends the RFC 8200 section 8.1 pseudo-header
 * (source, destination, upper-layer length, next header 112). v3 over IPv4 is sent as {@link
 * Ipv4ChecksumMode} says; on receive every deployed form is accepted, tried in this order and
 * reported as a {@link ChecksumForm}: pseudo-header with the actual destination, message only,
 * pseudo-header with 224.0.0.18 as destination (old keepalived unicast).
 *
 * <p><b>Receive checks</b>, in order, each with its {@link RxDropReason}: IP addresses present and
 * of one family ({@code BAD_ADDRESS_FAMILY}); TTL / hop limit 255 ({@code BAD_TTL}); at least the
 * 8-byte fixed header ({@code TRUNCATED}); version 3, or 2 over IPv4 ({@code BAD_VERSION}); type 1
 * ({@code BAD_TYPE}); length exactly 8 + count x address length (+ 8 auth bytes for v2), shorter
 * ({@code TRUNCATED}) or longer ({@code TRAILING_BYTES}); checksum ({@code BAD_CHECKSUM}); VRID not
 * 0 ({@code BAD_VRID}); count not 0 ({@code NO_ADDRESSES}, RFC 9568 erratum 8299); interval not 0
 * ({@code ZERO_INTERVAL}, erratum 8301 for v3; a 0 s v2 interval is equally meaningless). The
 * reserved v3 bits are ignored (RFC 9568 5.2.6). Left to the virtual router: VRID configured, v2
 * auth type and data, v2 interval equality, owner and peer checks; also the RFC 9568 5.2.9 rule
 * that an IPv6 list starts with the link-local VIP, which keepalived does not follow.
 *
 * <p><b>Trailing bytes are rejected.</b> The IP header delimits the message (IPv4 Total Length,
 * IPv6 Payload Length), so link-layer padding never reaches a raw socket; neither RFC defines
 * padding or extensions after the address list (v3) or the authentication data (v2); the RFC 9568
 * IPv4 checksum explicitly ends "after the last IPv4 address" while the IPv6 pseudo-header carries
 * a length, so extra bytes make the checksum coverage ambiguous. keepalived ({@code vrrp_in_chk}:
 * "Received packet length mismatch") and FRR ({@code vrrp_pkt_parse_datagram}: exact size check)
 * reject them too, so tolerating them would buy no interoperability.
 */
public final class VrrpPacketCodec {

  /** IP protocol number / IPv6 Next Header of VRRP (RFC 3768 5.2.4, RFC 9568 5.1.2.4). */
  public static final int IP_PROTOCOL = 112;

  /** The only TTL / hop limit VRRP sends and accepts (RFC 3768 5.2.3, RFC 9568 5.1.1.3). */
  public static final int REQUIRED_TTL = 255;

  /** The VRRP IPv4 multicast group, 224.0.0.18. */
  public static final InetAddress IPV4_GROUP = address(new byte[] {(byte) 224, 0, 0, 18});

  /** The VRRP IPv6 multicast group, ff02::12. */
  public static final InetAddress IPV6_GROUP =
      address(new byte[] {(byte) 0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x12});

  /** The longest valid message: v3 over IPv6 with 255 addresses, in bytes. */
  public static final int MAX_MESSAGE_LENGTH = 8 + 255 * 16;

  private static final int HEADER_LENGTH = 8;
  private static final int CHECKSUM_OFFSET = 6;
  private static final int TYPE_ADVERTISEMENT = 1;
  private static final int MAX_V2_INTERVAL_SECONDS = 255;
  private static final int MAX_V3_INTERVAL_CENTIS = 0x0FFF;

  private VrrpPacketCodec() {}

  /**
   * Encodes {@code adv} into a VRRP message with its checksum.
   *
   * @param adv the advertisement; v2 requires IPv4 addresses, an interval that is a whole number of
   *     seconds (100..25500 cs) and 8 bytes of auth data; v3 an interval of 1..4095 cs and no
   *     authentication
   * @param source the IP source address the message will be sent from (pseudo-header)
   * @param destination the IP destination (224.0.0.18, ff02::12 or the unicast peer)
   * @param mode how a v3 IPv4 message is checksummed; ignored for v2 and IPv6
   * @return the message bytes, exactly as long as the message
   * @throws IllegalArgumentException if the advertisement cannot be encoded as given (a programming
   *     error: configuration validation should have prevented it)
   */
  public static byte[] encode(
      VrrpAdvertisement adv, InetAddress source, InetAddress destination, Ipv4ChecksumMode mode) {
    Objects.requireNonNull(adv, "adv");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(destination, "destination");
    Objects.requireNonNull(mode, "mode");
    boolean ipv6 = source instanceof Inet6Address;
    require(ipv6 == destination instanceof Inet6Address, "source and destination families differ");
    boolean v2 = adv.version() == VrrpVersion.V2;
    require(!(v2 && ipv6), "VRRPv2 is IPv4 only (RFC 3768)");
    requireRange(adv.virtualRouterId(), 1, 255, "VRID");
    requireRange(adv.priority(), 0, 255, "priority");
    List<InetAddress> addresses = adv.addresses();
    requireRange(addresses.size(), 1, 255, "address count");
    for (InetAddress address : addresses) {
      require(address instanceof Inet6Address == ipv6, "address family differs: " + address);
    }
    int addressLength = ipv6 ? 16 : 4;
    int length = messageLength(v2, addresses.size(), addressLength);
    byte[] message = new byte[length];
    message[0] = (byte) (adv.version().wireValue() << 4 | TYPE_ADVERTISEMENT);
    message[1] = (byte) adv.virtualRouterId();
    message[2] = (byte) adv.priority();
    message[3] = (byte) addresses.size();
    if (v2) {
      writeV2Fields(adv, message);
    } else {
      writeV3Fields(adv, message);
    }
    int offset = HEADER_LENGTH;
    for (InetAddress address : addresses) {
      System.arraycopy(address.getAddress(), 0, message, offset, addressLength);
      offset += addressLength;
    }
    byte[] pseudoHeader = v2 ? null : sendPseudoHeader(ipv6, source, destination, mode, length);
    int checksum = checksumOf(pseudoHeader, message);
    message[CHECKSUM_OFFSET] = (byte) (checksum >>> 8);
    message[CHECKSUM_OFFSET + 1] = (byte) checksum;
    return message;
  }

  /**
   * Decodes a received message. Never throws, whatever the arguments: malformed input yields a
   * {@link DecodeResult.Rejected} with a packet-level reason.
   *
   * @param message the IP payload (the VRRP message only); {@code null} is rejected as truncated
   * @param ip the addresses and TTL / hop limit of the IP header that carried it
   */
  public static DecodeResult decode(byte[] message, IpHeaderInfo ip) {
    if (ip == null || ip.source() == null || ip.destination() == null) {
      return rejected(RxDropReason.BAD_ADDRESS_FAMILY);
    }
    boolean ipv6 = ip.source() instanceof Inet6Address;
    if (ipv6 != ip.destination() instanceof Inet6Address) {
      return rejected(RxDropReason.BAD_ADDRESS_FAMILY);
    }
    if (ip.ttl() != REQUIRED_TTL) {
      return rejected(RxDropReason.BAD_TTL);
    }
    if (message == null || message.length < HEADER_LENGTH) {
      return rejected(RxDropReason.TRUNCATED);
    }
    int version = (message[0] >>> 4) & 0x0F;
    if (version != VrrpVersion.V3.wireValue() && (version != VrrpVersion.V2.wireValue() || ipv6)) {
      return rejected(RxDropReason.BAD_VERSION);
    }
    if ((message[0] & 0x0F) != TYPE_ADVERTISEMENT) {
      return rejected(RxDropReason.BAD_TYPE);
    }
    boolean v2 = version == VrrpVersion.V2.wireValue();
    int count = message[3] & 0xFF;
    int addressLength = ipv6 ? 16 : 4;
    int expectedLength = messageLength(v2, count, addressLength);
    if (message.length != expectedLength) {
      return rejected(
          message.length < expectedLength ? RxDropReason.TRUNCATED : RxDropReason.TRAILING_BYTES);
    }
    ChecksumForm form = matchingChecksumForm(message, v2, ip, ipv6);
    if (form == null) {
      return rejected(RxDropReason.BAD_CHECKSUM);
    }
    return decodeFields(message, v2, count, addressLength, form);
  }

  /**
   * Decodes the remaining bytes of {@code message} (position to limit) like {@link #decode(byte[],
   * IpHeaderInfo)}; the buffer's position, limit and contents are left unchanged.
   */
  public static DecodeResult decode(ByteBuffer message, IpHeaderInfo ip) {
    if (message == null) {
      return decode((byte[]) null, ip);
    }
    byte[] bytes = new byte[message.remaining()];
    message.duplicate().get(bytes);
    return decode(bytes, ip);
  }

  private static DecodeResult decodeFields(
      byte[] message, boolean v2, int count, int addressLength, ChecksumForm form) {
    int vrid = message[1] & 0xFF;
    if (vrid == 0) {
      return rejected(RxDropReason.BAD_VRID);
    }
    if (count == 0) {
      return rejected(RxDropReason.NO_ADDRESSES);
    }
    // v3: the top 4 bits of the interval word are reserved, ignored on receive (RFC 9568 5.2.6).
    int intervalCentis =
        v2 ? (message[5] & 0xFF) * 100 : ((message[4] & 0x0F) << 8) | (message[5] & 0xFF);
    if (intervalCentis == 0) {
      return rejected(RxDropReason.ZERO_INTERVAL);
    }
    List<InetAddress> addresses = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int offset = HEADER_LENGTH + i * addressLength;
      addresses.add(address(Arrays.copyOfRange(message, offset, offset + addressLength)));
    }
    int priority = message[2] & 0xFF;
    VrrpAdvertisement adv =
        v2
            ? new VrrpAdvertisement(
                VrrpVersion.V2,
                vrid,
                priority,
                intervalCentis,
                addresses,
                message[4] & 0xFF,
                Arrays.copyOfRange(
                    message, message.length - VrrpAdvertisement.AUTH_DATA_LENGTH, message.length))
            : VrrpAdvertisement.v3(vrid, priority, intervalCentis, addresses);
    return new DecodeResult.Decoded(adv, form);
  }

  /** The first accepted form the stored checksum matches, or null if none does. */
  private static ChecksumForm matchingChecksumForm(
      byte[] message, boolean v2, IpHeaderInfo ip, boolean ipv6) {
    int stored = ((message[CHECKSUM_OFFSET] & 0xFF) << 8) | (message[CHECKSUM_OFFSET + 1] & 0xFF);
    int length = message.length;
    if (v2) {
      return checksumOf(null, message) == stored ? ChecksumForm.MESSAGE_ONLY : null;
    }
    if (ipv6) {
      byte[] pseudoHeader = ipv6PseudoHeader(ip.source(), ip.destination(), length);
      return checksumOf(pseudoHeader, message) == stored ? ChecksumForm.IPV6_PSEUDO_HEADER : null;
    }
    if (checksumOf(ipv4PseudoHeader(ip.source(), ip.destination(), length), message) == stored) {
      return ChecksumForm.IPV4_PSEUDO_HEADER;
    }
    if (checksumOf(null, message) == stored) {
      return ChecksumForm.MESSAGE_ONLY;
    }
    if (!IPV4_GROUP.equals(ip.destination())
        && checksumOf(ipv4PseudoHeader(ip.source(), IPV4_GROUP, length), message) == stored) {
      return ChecksumForm.IPV4_PSEUDO_HEADER_GROUP_DESTINATION;
    }
    return null;
  }

  private static void writeV2Fields(VrrpAdvertisement adv, byte[] message) {
    int centis = adv.advertIntervalCentis();
    require(
        centis % 100 == 0 && centis >= 100 && centis <= MAX_V2_INTERVAL_SECONDS * 100,
        "VRRPv2 interval must be 1..255 whole seconds, got " + centis + " cs");
    requireRange(adv.authType(), 0, 255, "auth type");
    byte[] authData = adv.authData();
    require(
        authData.length == VrrpAdvertisement.AUTH_DATA_LENGTH,
        "VRRPv2 auth data must be 8 bytes, got " + authData.length);
    message[4] = (byte) adv.authType();
    message[5] = (byte) (centis / 100);
    System.arraycopy(authData, 0, message, message.length - authData.length, authData.length);
  }

  private static void writeV3Fields(VrrpAdvertisement adv, byte[] message) {
    int centis = adv.advertIntervalCentis();
    requireRange(centis, 1, MAX_V3_INTERVAL_CENTIS, "VRRPv3 interval (cs)");
    require(
        adv.authType() == VrrpAdvertisement.AUTH_NONE && adv.authData().length == 0,
        "VRRPv3 has no authentication");
    // The interval fits in 12 bits, so the 4 reserved bits go out as 0 (RFC 9568 5.2.6).
    message[4] = (byte) (centis >>> 8);
    message[5] = (byte) centis;
  }

  private static byte[] sendPseudoHeader(
      boolean ipv6,
      InetAddress source,
      InetAddress destination,
      Ipv4ChecksumMode mode,
      int length) {
    if (ipv6) {
      return ipv6PseudoHeader(source, destination, length);
    }
    return switch (mode) {
      case PSEUDO_HEADER -> ipv4PseudoHeader(source, destination, length);
      case MESSAGE_ONLY -> null;
      case PSEUDO_HEADER_GROUP_DESTINATION -> ipv4PseudoHeader(source, IPV4_GROUP, length);
    };
  }

  /** keepalived's and FRR's layout: source, destination, zero, protocol, VRRP length. */
  private static byte[] ipv4PseudoHeader(InetAddress source, InetAddress destination, int length) {
    byte[] header = new byte[12];
    System.arraycopy(source.getAddress(), 0, header, 0, 4);
    System.arraycopy(destination.getAddress(), 0, header, 4, 4);
    header[9] = (byte) IP_PROTOCOL;
    header[10] = (byte) (length >>> 8);
    header[11] = (byte) length;
    return header;
  }

  /** RFC 8200 8.1: source, destination, 32-bit upper-layer length, 3 zero bytes, next header. */
  private static byte[] ipv6PseudoHeader(InetAddress source, InetAddress destination, int length) {
    byte[] header = new byte[40];
    System.arraycopy(source.getAddress(), 0, header, 0, 16);
    System.arraycopy(destination.getAddress(), 0, header, 16, 16);
    header[34] = (byte) (length >>> 8);
    header[35] = (byte) length;
    header[39] = (byte) IP_PROTOCOL;
    return header;
  }

  /** The checksum of the pseudo-header (if any) and the message with its checksum field as 0. */
  private static int checksumOf(byte[] pseudoHeader, byte[] message) {
    VrrpChecksum checksum = new VrrpChecksum();
    if (pseudoHeader != null) {
      checksum.update(pseudoHeader);
    }
    int afterField = CHECKSUM_OFFSET + 2;
    return checksum
        .update(message, 0, CHECKSUM_OFFSET)
        .update(message, afterField, message.length - afterField)
        .value();
  }

  private static int messageLength(boolean v2, int count, int addressLength) {
    return HEADER_LENGTH + count * addressLength + (v2 ? VrrpAdvertisement.AUTH_DATA_LENGTH : 0);
  }

  /**
   * An address from 4 or 16 raw bytes; 16 bytes always give an IPv6 address, even ::ffff:a.b.c.d.
   */
  private static InetAddress address(byte[] raw) {
    try {
      return raw.length == 16
          ? Inet6Address.getByAddress(null, raw, -1)
          : InetAddress.getByAddress(raw);
    } catch (UnknownHostException e) {
      throw new AssertionError("callers pass 4 or 16 bytes", e);
    }
  }

  private static DecodeResult rejected(RxDropReason reason) {
    return new DecodeResult.Rejected(reason);
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }

  private static void requireRange(int value, int min, int max, String what) {
    require(value >= min && value <= max, what + " must be " + min + ".." + max + ", got " + value);
  }
}
