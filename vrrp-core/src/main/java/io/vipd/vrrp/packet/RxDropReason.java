package io.vipd.vrrp.packet;

import java.util.EnumSet;
import java.util.Set;

/**
 * Why a received VRRP packet was discarded. Bad input on a shared LAN is expected: it is a result
 * to count per reason, never an exception. The first group is judged by the socket (the IP header,
 * before there is a message to decode), the second by the codec (the packet alone), the third by
 * the virtual router (the packet against its configuration).
 */
public enum RxDropReason {
  // --- IP level: the VrrpSocket, reported as ReceivedDatagram.unreadable() ---
  /**
   * IP header or its ancillary data unreadable: an IPv4 header too short, not version 4 or with a
   * bad header length; an IPv6 sender address or hop limit / destination control message missing.
   * The codec could check nothing without them (TTL, checksum pseudo-header, source).
   */
  BAD_IP_HEADER,

  // --- packet level: VrrpPacketCodec ---
  /** TTL / hop limit not 255 (RFC 3768 7.1, RFC 9568 7.1). */
  BAD_TTL,
  /** Shorter than the fixed header, or than its address count (and auth data) require. */
  TRUNCATED,
  /** Version field neither 2 nor 3, or v2 over IPv6. */
  BAD_VERSION,
  /** Type field not 1 (ADVERTISEMENT). */
  BAD_TYPE,
  /** Checksum matches none of the accepted forms. */
  BAD_CHECKSUM,
  /** VRID 0. */
  BAD_VRID,
  /** Address count 0 (RFC 9568 erratum 8299: ignore the advert). */
  NO_ADDRESSES,
  /** v3 Max Advertise Interval of 0 (RFC 9568 erratum 8301), or v2 Adver Int of 0. */
  ZERO_INTERVAL,
  /**
   * Source or destination address missing, or of different families (the family of the IP header
   * decides the address length in the message).
   */
  BAD_ADDRESS_FAMILY,
  /**
   * Longer than its address count (and auth data) define. RFC 3768 / RFC 9568 define no padding and
   * keepalived and FRR reject such packets too; see {@link VrrpPacketCodec}.
   */
  TRAILING_BYTES,

  // --- instance level: VirtualRouter and the runtime's dispatch ---
  /** No instance with this VRID (and version) on the receiving interface. */
  UNKNOWN_VRID,
  /** v2 authentication type or password does not match the configuration. */
  AUTH_MISMATCH,
  /** v2 advert interval differs from the configured one (RFC 3768 7.1: MUST discard). */
  INTERVAL_MISMATCH,
  /**
   * The advert's addresses are not this router's virtual addresses (another count, or one of ours
   * missing), and it was not sent by an address owner: RFC 3768 and RFC 9568 7.1 let a router
   * verify the list and then MUST discard such an advert. keepalived verifies too ("ip address
   * associated with VRID not present in MASTER advert"), and drops even an owner's; vipd keeps the
   * RFC's exception for the owner. Typically another cluster that uses the same VRID on the
   * segment, or a node whose {@code virtual-ips} differ.
   */
  ADDRESS_LIST_MISMATCH,
  /** Received by the address owner (priority 255). */
  ADDRESS_OWNER,
  /** Unicast instance: the source is not a configured peer. */
  NOT_A_PEER,
  /** The advertisement carries our own source address (a looped-back copy). */
  OWN_ADVERTISEMENT;

  private static final Set<RxDropReason> PACKET_LEVEL = EnumSet.range(BAD_TTL, TRAILING_BYTES);

  /**
   * Whether {@link VrrpPacketCodec} decides this reason (the packet alone, second group). Not
   * {@link #BAD_IP_HEADER}: the socket drops those before the codec sees them.
   */
  public boolean isPacketLevel() {
    return PACKET_LEVEL.contains(this);
  }
}
