package io.vipd.vrrp.packet;

import java.net.InetAddress;
import java.util.List;

/**
 * One VRRP ADVERTISEMENT, version 2 or 3, as an immutable value.
 *
 * <p>Interval units differ on the wire (v2: seconds in 8 bits; v3: centiseconds in 12 bits); this
 * record always carries centiseconds so the state machine has one unit.
 *
 * @param version VRRP version
 * @param virtualRouterId VRID, 1..255
 * @param priority 0..255 (0: the master stops; 255: the address owner)
 * @param advertIntervalCentis advertisement interval in centiseconds (v2: a multiple of 100)
 * @param addresses the virtual addresses, all of one family
 * @param authType v2 auth type (0 none, 1 simple text password); always 0 for v3
 * @param authData v2 authentication data, exactly 8 bytes for v2 (zeros when none), empty for v3
 */
public record VrrpAdvertisement(
    VrrpVersion version,
    int virtualRouterId,
    int priority,
    int advertIntervalCentis,
    List<InetAddress> addresses,
    int authType,
    byte[] authData) {

  /** v2 authentication type: none. */
  public static final int AUTH_NONE = 0;

  /** v2 authentication type: simple text password (RFC 2338; kept by keepalived as PASS). */
  public static final int AUTH_PASS = 1;

  /** Length of the v2 authentication data field. */
  public static final int AUTH_DATA_LENGTH = 8;

  public VrrpAdvertisement {
    addresses = List.copyOf(addresses);
    authData = authData.clone();
  }

  /** A VRRPv3 advertisement (no authentication). */
  public static VrrpAdvertisement v3(
      int virtualRouterId, int priority, int advertIntervalCentis, List<InetAddress> addresses) {
    return new VrrpAdvertisement(
        VrrpVersion.V3,
        virtualRouterId,
        priority,
        advertIntervalCentis,
        addresses,
        AUTH_NONE,
        new byte[0]);
  }

  /** A VRRPv2 advertisement; {@code authData} is padded with zeros to 8 bytes. */
  public static VrrpAdvertisement v2(
      int virtualRouterId,
      int priority,
      int advertIntervalSeconds,
      List<InetAddress> addresses,
      int authType,
      byte[] authData) {
    byte[] padded = java.util.Arrays.copyOf(authData, AUTH_DATA_LENGTH);
    return new VrrpAdvertisement(
        VrrpVersion.V2,
        virtualRouterId,
        priority,
        advertIntervalSeconds * 100,
        addresses,
        authType,
        padded);
  }

  /** A defensive copy of the authentication data. */
  @Override
  public byte[] authData() {
    return authData.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VrrpAdvertisement other
        && version == other.version
        && virtualRouterId == other.virtualRouterId
        && priority == other.priority
        && advertIntervalCentis == other.advertIntervalCentis
        && addresses.equals(other.addresses)
        && authType == other.authType
        && java.util.Arrays.equals(authData, other.authData);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(
                version, virtualRouterId, priority, advertIntervalCentis, addresses, authType)
            * 31
        + java.util.Arrays.hashCode(authData);
  }

  /** Never prints the authentication data: passwords are not logged. */
  @Override
  public String toString() {
    return "VrrpAdvertisement[v"
        + version.wireValue()
        + " vrid="
        + virtualRouterId
        + " prio="
        + priority
        + " interval="
        + advertIntervalCentis
        + "cs addrs="
        + addresses
        + " auth="
        + authType
        + "]";
  }
}
