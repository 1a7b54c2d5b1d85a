package io.vipd.daemon.vrrp;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vipd.daemon.testing.VipCluster;
import io.vipd.vrrp.linux.NetnsRequirement;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Interoperability with real keepalived (Debian's 2.2.x) for VRRPv3 over IPv4 multicast, adverts
 * every 100 ms: keepalived on node 1 and vipd on node 2 in one group elect one master and fail over
 * in both directions. Each side staying backup under the other's adverts proves it accepts them
 * (checksum with the IPv4 pseudo-header, v3 interval field).
 */
@Tag("netns")
class KeepalivedV3MulticastInteropNetnsTest {

  private static final Duration START = Duration.ofSeconds(10);
  private static final Duration FAILOVER = Duration.ofSeconds(3);

  /** vipd's SIGKILLed VIP expires with its 3 s lifetime. */
  private static final Duration VIP_EXPIRY = Duration.ofSeconds(6);

  /** Several Master_Down_Intervals (under 0.4 s each here). */
  private static final Duration WATCH = Duration.ofMillis(1500);

  @BeforeAll
  static void requireNamespaces() {
    NetnsRequirement.require("ip", "keepalived");
  }

  private static String keepalived(int priority, String vip) {
    return "global_defs {\n vrrp_version 3\n}\nvrrp_instance VI_1 {\n state BACKUP\n"
        + " interface eth0\n virtual_router_id 63\n priority "
        + priority
        + "\n advert_int 0.1\n virtual_ipaddress {\n  "
        + vip
        + "/24\n }\n}\n";
  }

  private static String vipd(int priority, String vip) {
    return new InstanceHocon(63, priority, vip + "/24").with("version = 3").hocon();
  }

  @Test
  void keepalivedAndVipdElectOneMasterAndFailOverBothWays() throws Exception {
    try (VipCluster c = new VipCluster(229, 2)) {
      String vip = c.vip(1);
      c.startKeepalived(1, keepalived(100, vip));
      c.awaitHolders(vip, Set.of(1), START);

      // vipd (150) preempts, and keepalived stays backup under vipd's adverts.
      c.startVipd(2, vipd(150, vip));
      c.awaitHolders(vip, Set.of(2), START);
      c.assertStable(vip, Set.of(2), WATCH);
      c.node(1)
          .awaitOutput(
              "(VI_1) Master received advert from "
                  + c.lan().ipv4(2).getHostAddress()
                  + " with higher priority 150, ours 100",
              FAILOVER);

      // vipd killed: keepalived takes over after Master_Down_Interval.
      LanProbes.kill9(c.node(2));
      LanProbes.awaitHolding(c, vip, 1, FAILOVER);
      c.awaitHolders(vip, Set.of(1), VIP_EXPIRY);

      // vipd back with a lower priority: it stays backup under keepalived's adverts.
      c.node(2).close();
      c.startVipd(2, vipd(50, vip));
      c.assertStable(vip, Set.of(1), WATCH);
      assertTrue(!c.node(2).stdout().contains("Entering MASTER STATE"), c.logs());

      // keepalived stops (priority 0): vipd takes over.
      c.node(1).close();
      c.awaitHolders(vip, Set.of(2), FAILOVER);
      c.node(2).awaitOutput("(VI_1) Entering MASTER STATE", FAILOVER);
    }
  }
}
