package io.vipd.daemon.config;

/**
 * VRRPv2 simple-text authentication (RFC 2338 section 5.3.6; dropped by RFC 3768 and 5798, but
 * keepalived still speaks it). Only the first 8 bytes of the password travel on the wire.
 *
 * @param password the shared password; printed as {@code <redacted>}
 */
public record AuthenticationConfig(Secret password) {

  /** Bytes of password a VRRPv2 packet carries. */
  public static final int WIRE_BYTES = 8;

  /** The 8 bytes sent and compared: the password's UTF-8 bytes, truncated or zero-padded. */
  public byte[] wireBytes() {
    byte[] b = new byte[WIRE_BYTES];
    byte[] p = password.utf8();
    System.arraycopy(p, 0, b, 0, Math.min(p.length, WIRE_BYTES));
    return b;
  }
}
