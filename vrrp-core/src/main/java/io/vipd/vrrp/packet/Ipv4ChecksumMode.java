package io.vipd.vrrp.packet;

/**
 * How a VRRPv3 advertisement over IPv4 is checksummed on send (receive accepts every form).
 *
 * <p>RFC 5798 section 5.2.8 was read by keepalived, FRR and Wireshark as covering IPv4 with a
 * pseudo-header; RFC 9568 section 5.2.8 says the IPv4 checksum covers the message only. The
 * deployed base requires the pseudo-header, hence the default.
 */
public enum Ipv4ChecksumMode {
  /** IPv4 pseudo-header (src, dst, 0, 112, length) + message: keepalived's and FRR's default. */
  PSEUDO_HEADER,
  /** Message only, as RFC 9568 section 5.2.8 specifies (Cisco, Juniper). */
  MESSAGE_ONLY,
  /**
   * IPv4 pseudo-header with 224.0.0.18 as destination whatever the actual destination: what
   * keepalived up to 1.3.5 sends in unicast (later keepalived: {@code old_unicast_checksum}). Only
   * for talking to such peers; identical to {@link #PSEUDO_HEADER} for multicast adverts.
   */
  PSEUDO_HEADER_GROUP_DESTINATION
}
