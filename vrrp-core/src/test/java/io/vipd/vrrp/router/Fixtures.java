package io.vipd.vrrp.router;

import io.vipd.vrrp.packet.VrrpAdvertisement;
import io.vipd.vrrp.packet.VrrpVersion;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/** Addresses, configurations and adverts shared by the router tests. */
final class Fixtures {

  static final InetAddress LOCAL = ip("10.0.0.11");
  static final InetAddress PEER_LOW = ip("10.0.0.5");
  static final InetAddress PEER_HIGH = ip("10.0.0.12");
  static final InetAddress VIP = ip("10.0.0.100");
  static final int VRID = 51;
  static final long SECOND = 1_000_000_000L;
  static final long MILLI = 1_000_000L;

  private Fixtures() {}

  static InetAddress ip(String literal) {
    try {
      return InetAddress.getByName(literal); // a literal: no DNS lookup
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(literal, e);
    }
  }

  static VirtualRouterConfig.Builder v3(int priority) {
    return VirtualRouterConfig.builder("VI_1", VRID, LOCAL)
        .priority(priority)
        .virtualAddresses(List.of(VIP));
  }

  static VirtualRouterConfig.Builder v2(int priority) {
    return v3(priority).version(VrrpVersion.V2);
  }

  static VrrpAdvertisement advertV3(int priority, int intervalCentis) {
    return VrrpAdvertisement.v3(VRID, priority, intervalCentis, List.of(VIP));
  }

  static VrrpAdvertisement advertV2(int priority, int intervalSeconds) {
    return VrrpAdvertisement.v2(
        VRID, priority, intervalSeconds, List.of(VIP), VrrpAdvertisement.AUTH_NONE, new byte[0]);
  }
}
