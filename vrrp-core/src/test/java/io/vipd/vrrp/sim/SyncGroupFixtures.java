package io.vipd.vrrp.sim;

import io.vipd.vrrp.packet.VrrpVersion;
import io.vipd.vrrp.router.VirtualRouterConfig;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/** The sync group tests' instances: VRRPv3, one VIP, the rest as the builder defaults it. */
final class SyncGroupFixtures {

  private SyncGroupFixtures() {}

  static VirtualRouterConfig member(
      String name, int vrid, String address, int priority, String vip) {
    return VirtualRouterConfig.builder(name, vrid, ip(address))
        .version(VrrpVersion.V3)
        .priority(priority)
        .virtualAddresses(List.of(ip(vip)))
        .build();
  }

  static InetAddress ip(String literal) {
    try {
      return InetAddress.getByName(literal); // a literal: no DNS lookup
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(literal, e);
    }
  }
}
