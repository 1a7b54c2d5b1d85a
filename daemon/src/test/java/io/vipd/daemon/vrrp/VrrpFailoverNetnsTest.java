package io.vipd.daemon.vrrp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vipd.daemon.testing.VipCluster;
import io.vipd.vrrp.linux.Background;
import io.vipd.vrrp.linux.NetnsLan;
import io.vipd.vrrp.linux.NetnsRequirement;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The VIP as a user sees it: real vipd processes (and real keepalived) in network namespaces on one
 * bridge, the VIP watched with {@code ip addr} and reached with ping.
 */
@Tag("netns")
class VrrpFailoverNetnsTest {

  private static final Duration START = Duration.ofSeconds(10);

  @BeforeAll
  static void requireNamespaces() {
    NetnsRequirement.require("ip", "ping", "keepalived");
  }

  private static String vipd(int prio, String vip, String extra) {
    return "vrrp.instances = [ { name = VI_1, interface = eth0, virtual-router-id = 51,"
        + " priority = "
        + prio
        + ", advert-interval = 100ms, virtual-ips = [\""
        + vip
        + "/24\"] "
        + extra
        + " } ]\nadmin.enabled = false\n";
  }

  @Test
  void highestPriorityHoldsVipAndItMovesOnStopAndOnKill() throws Exception {
    try (VipCluster c = new VipCluster(210, 3)) {
      String vip = c.vip(1);
      // Priorities 50 apart: their skew times differ by ~20 ms, so after the master resigns
      // one backup reliably wins the race (1 apart they differ by 0.4 ms).
      for (int node = 1; node <= 3; node++) {
        c.startVipd(node, vipd(50 + 50 * node, vip, ""));
      }
      c.awaitHolders(vip, Set.of(3), START);
      c.assertStable(vip, Set.of(3), Duration.ofMillis(800));
      NetnsLan lan = c.lan();
      assertEquals(0, lan.exec(1, "ping", "-c", "1", "-W", "2", vip).exitCode(), "VIP answers");
      assertTrue(
          lan.exec(1, "ip", "neigh", "show", vip).stdout().contains(mac(lan, 3)),
          "node 1 reaches the VIP at node 3's MAC");

      // SIGTERM: the master sends priority 0, removes the VIP and exits 0; node 2 takes over.
      Background master = c.node(3);
      master.process().destroy();
      assertEquals(0, master.awaitExit(Duration.ofSeconds(10)), "clean stop exits 0");
      c.awaitHolders(vip, Set.of(2), Duration.ofSeconds(3));
      assertTrue(master.stdout().contains("(VI_1) Entering INITIALIZE STATE (shutdown)"));
      assertTrue(c.node(2).stdout().contains("(VI_1) Entering MASTER STATE"), c.logs());
      // The gratuitous ARP moved node 1's neighbour entry to node 2's MAC.
      awaitNeighbour(lan, 1, vip, mac(lan, 2));
      assertEquals(0, lan.exec(1, "ping", "-c", "1", "-W", "2", vip).exitCode());

      // SIGKILL: no priority 0; node 1 takes over after Master_Down_Interval, and the VIP the
      // killed node could not remove expires with its lifetime (3 s) instead of staying there.
      c.node(2).process().destroyForcibly();
      c.node(2).awaitExit(Duration.ofSeconds(10));
      awaitHolding(c, vip, 1, Duration.ofSeconds(3));
      c.awaitHolders(vip, Set.of(1), Duration.ofSeconds(6));

      // A restarted vipd preempts again (150 > 100).
      c.node(2).close();
      c.startVipd(2, vipd(150, vip, ""));
      c.awaitHolders(vip, Set.of(2), START);
    }
  }

  @Test
  void interfaceDownPutsTheMasterInFaultAndTheBackupTakesOver() throws Exception {
    try (VipCluster c = new VipCluster(211, 2)) {
      String vip = c.vip(1);
      c.startVipd(1, vipd(100, vip, ""));
      c.startVipd(2, vipd(150, vip, ""));
      c.awaitHolders(vip, Set.of(2), START);

      c.lan().exec(2, "ip", "link", "set", "eth0", "down").orThrow();
      c.awaitHolders(vip, Set.of(1), Duration.ofSeconds(3));
      c.node(2).awaitOutput("(VI_1) Entering FAULT STATE", Duration.ofSeconds(3));

      c.lan().exec(2, "ip", "link", "set", "eth0", "up").orThrow();
      c.awaitHolders(vip, Set.of(2), Duration.ofSeconds(5));
    }
  }

  @Test
  void joinsAKeepalivedGroupWithVrrpV2AndPasswordBothWays() throws Exception {
    try (VipCluster c = new VipCluster(212, 2)) {
      String vip = c.vip(1);
      c.startKeepalived(
          1,
          "vrrp_instance VI_1 {\n state BACKUP\n interface eth0\n virtual_router_id 52\n"
              + " priority 150\n advert_int 1\n authentication {\n  auth_type PASS\n"
              + "  auth_pass s3cret\n }\n virtual_ipaddress {\n  "
              + vip
              + "/24\n }\n}\n");
      c.awaitHolders(vip, Set.of(1), START);
      c.startVipd(
          2,
          "vrrp.instances = [ { name = VI_1, interface = eth0, virtual-router-id = 52,"
              + " priority = 100, version = 2, advert-interval = 1s,"
              + " authentication { type = pass, password = s3cret },"
              + " virtual-ips = [\""
              + vip
              + "/24\"] } ]\nadmin.enabled = false\n");
      // vipd accepts keepalived's adverts: it stays backup past its Master_Down_Interval.
      c.assertStable(vip, Set.of(1), Duration.ofMillis(4500));
      assertTrue(c.node(2).stdout().contains("Entering BACKUP STATE"), c.logs());

      // keepalived stops (priority 0): vipd takes over.
      c.node(1).close();
      c.awaitHolders(vip, Set.of(2), Duration.ofSeconds(5));

      // keepalived returns with a higher priority: it accepts vipd's adverts and preempts.
      c.startKeepalived(
          1,
          "vrrp_instance VI_1 {\n state BACKUP\n interface eth0\n virtual_router_id 52\n"
              + " priority 150\n advert_int 1\n authentication {\n  auth_type PASS\n"
              + "  auth_pass s3cret\n }\n virtual_ipaddress {\n  "
              + vip
              + "/24\n }\n}\n");
      c.awaitHolders(vip, Set.of(1), START);
      c.node(2).awaitOutput("(VI_1) Entering BACKUP STATE (higher priority advertisement", START);
    }
  }

  @Test
  void joinsAKeepalivedGroupWithVrrpV3Unicast() throws Exception {
    try (VipCluster c = new VipCluster(213, 2)) {
      String vip = c.vip(1);
      String ip1 = c.lan().ipv4(1).getHostAddress();
      String ip2 = c.lan().ipv4(2).getHostAddress();
      c.startKeepalived(
          1,
          "global_defs {\n vrrp_version 3\n}\nvrrp_instance VI_1 {\n state BACKUP\n"
              + " interface eth0\n virtual_router_id 53\n priority 100\n advert_int 0.1\n"
              + " unicast_src_ip "
              + ip1
              + "\n unicast_peer {\n  "
              + ip2
              + "\n }\n virtual_ipaddress {\n  "
              + vip
              + "/24\n }\n}\n");
      c.awaitHolders(vip, Set.of(1), START);
      c.startVipd(
          2,
          "vrrp.instances = [ { name = VI_1, interface = eth0, virtual-router-id = 53,"
              + " priority = 120, advert-interval = 100ms,"
              + " unicast { source = "
              + ip2
              + ", peers = ["
              + ip1
              + "] }, virtual-ips = [\""
              + vip
              + "/24\"] } ]\nadmin.enabled = false\n");
      // vipd has the higher priority: keepalived accepts its unicast adverts and steps back.
      c.awaitHolders(vip, Set.of(2), START);
      c.assertStable(vip, Set.of(2), Duration.ofSeconds(1));

      c.node(2).process().destroy();
      c.awaitHolders(vip, Set.of(1), Duration.ofSeconds(3));
    }
  }

  @Test
  void ipv6VipMovesBetweenVipdNodes() throws Exception {
    try (VipCluster c = new VipCluster(214, 2)) {
      // ip(8) prints the compressed form.
      String vip = "fd77:214::101";
      for (int node = 1; node <= 2; node++) {
        c.startVipd(
            node,
            "vrrp.instances = [ { name = VI_6, interface = eth0, virtual-router-id = 61,"
                + " priority = "
                + (100 + node)
                + ", advert-interval = 100ms, virtual-ips = [\""
                + vip
                + "/64\"] } ]\nadmin.enabled = false\n");
      }
      c.awaitHolders(vip, Set.of(2), START);
      assertEquals(0, c.lan().exec(1, "ping", "-6", "-c", "1", "-W", "2", vip).exitCode());
      c.node(2).process().destroy();
      c.awaitHolders(vip, Set.of(1), Duration.ofSeconds(3));
    }
  }

  private static String mac(NetnsLan lan, int node) {
    StringBuilder sb = new StringBuilder();
    for (byte b : lan.mac(node)) {
      if (sb.length() > 0) {
        sb.append(':');
      }
      sb.append(String.format("%02x", b & 0xff));
    }
    return sb.toString();
  }

  private static void awaitNeighbour(NetnsLan lan, int node, String ip, String mac)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
    String seen = "";
    while (System.nanoTime() < deadline) {
      seen = lan.exec(node, "ip", "neigh", "show", ip).stdout();
      if (seen.contains(mac)) {
        return;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("node " + node + " neighbour entry for " + ip + ": " + seen);
  }

  private static void awaitHolding(VipCluster c, String vip, int node, Duration timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (c.holders(vip).contains(node)) {
        return;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("node " + node + " never took " + vip + "\n" + c.logs());
  }
}
