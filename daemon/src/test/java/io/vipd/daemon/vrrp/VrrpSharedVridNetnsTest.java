package io.vipd.daemon.vrrp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vipd.daemon.testing.VipCluster;
import io.vipd.vrrp.linux.NetnsRequirement;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Two clusters on one segment that use the same VRID (the kubeadm guide's 51 is often copied as
 * is): a keepalived of the other cluster, with a higher priority and its own VIP, must not take
 * vipd's VIP away. keepalived drops adverts whose address list is not its own (RFC 3768 / RFC 9568
 * 7.1: a router that verifies the list MUST then discard them), and so must vipd: each cluster
 * keeps its own master and VIP.
 */
@Tag("netns")
class VrrpSharedVridNetnsTest {

  private static final Duration START = Duration.ofSeconds(10);

  /** Many Master_Down_Intervals (under 0.4 s each here). */
  private static final Duration WATCH = Duration.ofSeconds(2);

  @BeforeAll
  static void requireNamespaces() {
    NetnsRequirement.require("ip", "keepalived");
  }

  @Test
  void anotherClustersMasterOnTheSameVridLeavesOurVipAlone() throws Exception {
    try (VipCluster c = new VipCluster(235, 2)) {
      String ours = c.vip(1);
      String theirs = c.vip(2);
      c.startKeepalived(
          1,
          "global_defs {\n vrrp_version 3\n}\nvrrp_instance OTHER {\n state BACKUP\n"
              + " interface eth0\n virtual_router_id 64\n priority 200\n advert_int 0.1\n"
              + " virtual_ipaddress {\n  "
              + theirs
              + "/24\n }\n}\n");
      c.awaitHolders(theirs, Set.of(1), START);

      c.startVipd(2, new InstanceHocon(64, 100, ours + "/24").with("version = 3").hocon());

      // vipd's cluster elects vipd, although a master of priority 200 advertises VRID 64
      c.awaitHolders(ours, Set.of(2), START);
      c.assertStable(ours, Set.of(2), WATCH);
      c.assertStable(theirs, Set.of(1), WATCH);
      c.node(2).awaitOutput("advertisement dropped: ADDRESS_LIST_MISMATCH", START);
      assertEquals(
          1,
          VipCluster.count(c.node(2).stdout(), "Entering MASTER STATE"),
          "master once: " + c.logs());
    }
  }
}
