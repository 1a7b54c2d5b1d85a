package io.vipd.vrrp.announce;

/** Checks on MAC address arguments shared by the frame builders. */
final class MacAddresses {

  private MacAddresses() {}

  static void requireMac(byte[] mac) {
    if (mac == null || mac.length != 6) {
      throw new IllegalArgumentException(
          "a MAC address has 6 bytes, got " + (mac == null ? "null" : mac.length));
    }
  }
}
