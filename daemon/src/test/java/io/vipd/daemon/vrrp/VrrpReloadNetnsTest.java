package io.vipd.daemon.vrrp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vipd.daemon.testing.VipCluster;
import io.vipd.vrrp.linux.NetnsRequirement;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Reload (SIGHUP) of the VRRP part, with real vipd processes in network namespaces: an unchanged
 * instance keeps its state (no re-election, no transition); an added instance starts; a changed
 * instance restarts (its master gives the VIP away with priority 0); a broken file changes nothing.
 */
@Tag("netns")
class VrrpReloadNetnsTest {

  private static final Duration START = Duration.ofSeconds(10);

  @BeforeAll
  static void requireNamespaces() {
    NetnsRequirement.require("ip", "kill");
  }

  private static String instance(String name, int vrid, int prio, String vip) {
    return "{ name = "
        + name
        + ", interface = eth0, virtual-router-id = "
        + vrid
        + ", priority = "
        + prio
        + ", advert-interval = 100ms, virtual-ips = [\""
        + vip
        + "/24\"] }";
  }

  private static String vipd(String... instances) {
    return "vrrp.instances = [ " + String.join(", ", instances) + " ]\nadmin.enabled = false\n";
  }

  @Test
  void reloadKeepsUnchangedInstancesAndRestartsChangedOnes() throws Exception {
    try (VipCluster c = new VipCluster(213, 2)) {
      String vip1 = c.vip(1);
      String vip2 = c.vip(2);
      c.startVipd(1, vipd(instance("VI_1", 61, 100, vip1)));
      c.startVipd(2, vipd(instance("VI_1", 61, 150, vip1)));
      c.awaitHolders(vip1, Set.of(2), START);
      c.assertStable(vip1, Set.of(2), Duration.ofMillis(500));

      // Unchanged instance on the master: nothing happens.
      int transitions2 = VipCluster.count(c.node(2).stdout(), "(VI_1) Entering");
      c.reload(2, vipd(instance("VI_1", 61, 150, vip1)) + "# touched\n");
      assertTrue(c.node(2).stdout().contains("reloaded: no change"), c.logs());
      c.assertStable(vip1, Set.of(2), Duration.ofMillis(600));
      assertEquals(transitions2, VipCluster.count(c.node(2).stdout(), "(VI_1) Entering"));

      // Added instance on the backup: it starts and takes vip2; VI_1 there is left alone.
      int transitions1 = VipCluster.count(c.node(1).stdout(), "(VI_1) Entering");
      c.reload(1, vipd(instance("VI_1", 61, 100, vip1), instance("VI_2", 62, 100, vip2)));
      assertTrue(c.node(1).stdout().contains("VRRP instance VI_2 added"), c.logs());
      c.awaitHolders(vip2, Set.of(1), START);
      c.assertStable(vip1, Set.of(2), Duration.ofMillis(300));
      assertEquals(transitions1, VipCluster.count(c.node(1).stdout(), "(VI_1) Entering"));

      // A broken file on the master changes nothing.
      c.reload(2, vipd(instance("VI_1", 61, 999, vip1)));
      assertTrue(c.node(2).stdout().contains("reload rejected"), c.logs());
      c.assertStable(vip1, Set.of(2), Duration.ofMillis(600));

      // Changed priority on the master: the instance restarts, giving the VIP away at once.
      c.reload(2, vipd(instance("VI_1", 61, 90, vip1)));
      assertTrue(c.node(2).stdout().contains("VRRP instance VI_1 changed: restarted"), c.logs());
      c.awaitHolders(vip1, Set.of(1), Duration.ofSeconds(3));
      c.assertStable(vip1, Set.of(1), Duration.ofMillis(600));
      c.assertStable(vip2, Set.of(1), Duration.ofMillis(100));
    }
  }
}
