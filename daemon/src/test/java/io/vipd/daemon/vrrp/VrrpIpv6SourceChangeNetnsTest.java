package io.vipd.daemon.vrrp;

import io.vipd.daemon.testing.VipCluster;
import io.vipd.vrrp.linux.NetnsLan;
import io.vipd.vrrp.linux.NetnsRequirement;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * VRRPv3 over IPv6 advertises from the interface's link-local address. When the master's link-local
 * address changes (a new MAC, {@code addrgenmode random}, replaced by hand), its adverts from the
 * old one fail: it must notice, as it does for a lost IPv4 address, and advertise from the new one,
 * or the backup takes the VIP while the master keeps it too.
 */
@Tag("netns")
class VrrpIpv6SourceChangeNetnsTest {

  private static final int LAN = 238;
  private static final Duration START = Duration.ofSeconds(10);

  @BeforeAll
  static void requireNamespaces() {
    NetnsRequirement.require("ip");
  }

  @Test
  void aMasterWhoseLinkLocalAddressChangesAdvertisesFromTheNewOne() throws Exception {
    try (VipCluster c = new VipCluster(LAN, 2)) {
      NetnsLan lan = c.lan();
      String vip = "fd77:" + LAN + "::101";
      c.startVipd(1, new InstanceHocon(63, 150, vip + "/64").with("version = 3").hocon());
      c.startVipd(2, new InstanceHocon(63, 100, vip + "/64").with("version = 3").hocon());
      c.awaitHolders(vip, Set.of(1), START);
      c.assertStable(vip, Set.of(1), Duration.ofMillis(500));

      String ns = lan.namespace(1);
      lan.ip(
          ns,
          "-6",
          "addr",
          "del",
          lan.linkLocal(1).getHostAddress() + "/64",
          "dev",
          NetnsLan.INTERFACE);
      lan.ip(
          ns, "-6", "addr", "add", "fe80::" + LAN + ":99/64", "dev", NetnsLan.INTERFACE, "nodad");

      c.node(1).awaitOutput("lost " + lan.linkLocal(1).getHostAddress(), START);
      // one master again, node 1 (the higher priority), advertising from its new address
      c.awaitHolders(vip, Set.of(1), START);
      c.assertStable(vip, Set.of(1), Duration.ofSeconds(2));
    }
  }
}
