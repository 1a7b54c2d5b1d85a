package io.vipd.vrrp.packet;

/** The two VRRP versions vipd speaks: 2 (RFC 3768, IPv4 only) and 3 (RFC 5798 / RFC 9568). */
public enum VrrpVersion {
  V2(2),
  V3(3);

  private final int wireValue;

  VrrpVersion(int wireValue) {
    this.wireValue = wireValue;
  }

  /** The value of the 4-bit Version field. */
  public int wireValue() {
    return wireValue;
  }
}
