package io.vipd.daemon.vrrp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vipd.daemon.testing.VipCluster;
import io.vipd.vrrp.linux.NetnsLan;
import io.vipd.vrrp.linux.NetnsRequirement;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The master's interface changes its MAC under the same index (a bond with {@code
 * fail_over_mac=active}, {@code ip link set address}): its announcements carry the new MAC, so a
 * client's neighbour entry for the VIP follows it instead of pointing at a MAC no longer there.
 */
@Tag("netns")
class VrrpMacChangeNetnsTest {

  private static final int LAN = 239;
  private static final int CLIENT = 3;
  private static final Duration START = Duration.ofSeconds(10);
  private static final String NEW_MAC = "02:77:ee:00:ef:01";

  @BeforeAll
  static void requireNamespaces() {
    NetnsRequirement.require("ip", "ping");
  }

  @Test
  void announcementsCarryTheInterfacesNewMac() throws Exception {
    try (VipCluster c = new VipCluster(LAN, 3)) {
      NetnsLan lan = c.lan();
      String vip = c.vip(1);
      // gratuitous ARP every second while master (keepalived's garp_master_refresh)
      c.startVipd(1, new InstanceHocon(64, 150, vip + "/24").with("garp.refresh = 1s").hocon());
      c.awaitHolders(vip, Set.of(1), START);
      assertEquals(0, lan.exec(CLIENT, "ping", "-c", "1", "-W", "2", vip).exitCode(), c.logs());
      LanProbes.awaitNeighbour(lan, CLIENT, vip, LanProbes.mac(lan, 1), START);

      lan.ip(lan.namespace(1), "link", "set", "dev", NetnsLan.INTERFACE, "address", NEW_MAC);

      LanProbes.awaitNeighbour(lan, CLIENT, vip, NEW_MAC, START);
      c.node(1).awaitOutput("its MAC is now " + NEW_MAC, START);
      assertEquals(0, lan.exec(CLIENT, "ping", "-c", "1", "-W", "2", vip).exitCode(), c.logs());
    }
  }
}
