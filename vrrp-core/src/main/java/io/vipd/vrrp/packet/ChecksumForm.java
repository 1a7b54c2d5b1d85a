package io.vipd.vrrp.packet;

/**
 * Which checksum computation a received advertisement matched (see {@link VrrpPacketCodec}). The
 * runtime may count it, log it, or use it to answer a peer in the form that peer understands.
 */
public enum ChecksumForm {
  /**
   * The message alone, from the Version field to the end: always for VRRPv2 (RFC 3768 section
   * 5.3.8, including the authentication data), and for VRRPv3 over IPv4 as RFC 9568 section 5.2.8
   * specifies (Cisco, Juniper, keepalived/FRR in their RFC 9568 mode).
   */
  MESSAGE_ONLY,
  /**
   * VRRPv3 over IPv4 with the pseudo-header (source, actual destination, 0, 112, length): the RFC
   * 5798 reading of keepalived and FRR (their default). For multicast adverts this is also the form
   * a pre-1.3.6 keepalived sends, since the actual destination is then 224.0.0.18.
   */
  IPV4_PSEUDO_HEADER,
  /**
   * VRRPv3 over IPv4 sent to a unicast peer but checksummed with 224.0.0.18 as the pseudo-header
   * destination: keepalived up to 1.3.5, and later versions with {@code old_unicast_checksum}.
   */
  IPV4_PSEUDO_HEADER_GROUP_DESTINATION,
  /** VRRPv3 over IPv6 with the RFC 8200 section 8.1 pseudo-header (the only IPv6 form). */
  IPV6_PSEUDO_HEADER
}
