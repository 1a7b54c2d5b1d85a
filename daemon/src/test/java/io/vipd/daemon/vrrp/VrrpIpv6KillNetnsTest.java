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
 * Hard failover over IPv6 (VRRPv3 to ff02::12 from link-local addresses, adverts every 100 ms) with
 * real vipd processes on nodes 1 and 2 and a client on node 3: after SIGKILL of the master, the
 * backup takes the VIP, its unsolicited neighbour advertisement moves the client's neighbour entry
 * to its MAC, and the killed node's VIP expires.
 */
@Tag("netns")
class VrrpIpv6KillNetnsTest {

  private static final int LAN = 228;
  private static final int CLIENT = 3;
  private static final Duration START = Duration.ofSeconds(10);
  private static final Duration FAILOVER = Duration.ofSeconds(3);

  /** The killed master's VIP expires with its 3 s lifetime. */
  private static final Duration VIP_EXPIRY = Duration.ofSeconds(6);

  @BeforeAll
  static void requireNamespaces() {
    NetnsRequirement.require("ip", "ping");
  }

  @Test
  void backupTakesTheIpv6VipWhenTheMasterIsKilled() throws Exception {
    try (VipCluster c = new VipCluster(LAN, 3)) {
      NetnsLan lan = c.lan();
      // Compressed, as ip(8) prints it.
      String vip = "fd77:" + LAN + "::101";
      c.startVipd(1, new InstanceHocon(62, 101, vip + "/64").with("version = 3").hocon());
      c.startVipd(2, new InstanceHocon(62, 102, vip + "/64").with("version = 3").hocon());
      c.awaitHolders(vip, Set.of(2), START);
      c.assertStable(vip, Set.of(2), Duration.ofMillis(500));
      assertEquals(0, lan.exec(CLIENT, "ping", "-6", "-c", "1", "-W", "2", vip).exitCode());
      LanProbes.awaitNeighbour(lan, CLIENT, vip, LanProbes.mac(lan, 2), FAILOVER);

      LanProbes.kill9(c.node(2));
      LanProbes.awaitHolding(c, vip, 1, FAILOVER);
      // Only node 1's unsolicited NA can have moved it: the client sent nothing since.
      LanProbes.awaitNeighbour(lan, CLIENT, vip, LanProbes.mac(lan, 1), FAILOVER);
      c.awaitHolders(vip, Set.of(1), VIP_EXPIRY);
      assertEquals(
          0, lan.exec(CLIENT, "ping", "-6", "-c", "1", "-W", "2", vip).exitCode(), c.logs());
      LanProbes.awaitNeighbour(lan, CLIENT, vip, LanProbes.mac(lan, 1), FAILOVER);
    }
  }
}
