package io.vipd.daemon.vrrp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vipd.daemon.testing.VipCluster;
import io.vipd.vrrp.linux.NetnsRequirement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A dual-stack VIP pair, one VRRPv3 instance per family (one advert carries one family), kept on
 * one node by a sync group as keepalived's {@code vrrp_sync_group} keeps it. The IPv6 instance
 * alone tracks a check (a file, which the test removes); when it fails on the master, the IPv4
 * instance must follow it into FAULT, so that both VIPs move to node 2, and both come back
 * together. Without the group the IPv4 VIP stays behind on node 1: a client of the cluster would
 * reach one node by one family and another by the other.
 */
@Tag("netns")
class VrrpSyncGroupNetnsTest {

  private static final int LAN = 242;
  private static final Duration START = Duration.ofSeconds(15);
  private static final Duration FAILOVER = Duration.ofSeconds(3);

  @BeforeAll
  static void requireNamespaces() {
    NetnsRequirement.require("ip", "keepalived");
  }

  @Test
  void aFaultOfTheIpv6InstanceMovesBothVipsAndTheyReturnTogether() throws Exception {
    try (VipCluster c = new VipCluster(LAN, 2)) {
      String vip4 = c.vip(1);
      String vip6 = vip6(LAN);
      Path ok1 = startBothNodes(c, LAN, "sync-group = DS");

      Files.delete(ok1);
      c.awaitHolders(vip6, Set.of(2), FAILOVER);
      c.awaitHolders(vip4, Set.of(2), FAILOVER);
      c.node(1)
          .awaitOutput(
              "(VI_4) Entering FAULT STATE (fault: sync group DS: VI_6 in fault", FAILOVER);
      c.assertStable(vip4, Set.of(2), Duration.ofMillis(500));

      Files.createFile(ok1);
      c.awaitHolders(vip6, Set.of(1), FAILOVER);
      c.awaitHolders(vip4, Set.of(1), FAILOVER);
      c.assertStable(vip4, Set.of(1), Duration.ofMillis(500));
      c.assertStable(vip6, Set.of(1), Duration.ofMillis(100));
      assertEquals(
          2,
          VipCluster.count(c.node(1).stdout(), "(VI_4) Entering MASTER STATE"),
          "node 1's IPv4 instance was master at start and after the fault only: " + c.logs());
    }
  }

  @Test
  void withoutTheGroupTheIpv4VipStaysBehind() throws Exception {
    try (VipCluster c = new VipCluster(LAN + 1, 2)) {
      String vip4 = c.vip(1);
      Path ok1 = startBothNodes(c, LAN + 1, "preempt = true");

      Files.delete(ok1);
      c.awaitHolders(vip6(LAN + 1), Set.of(2), FAILOVER);
      c.assertStable(vip4, Set.of(1), Duration.ofMillis(800));
    }
  }

  /**
   * A node migrated to vipd beside one still on keepalived, both grouping the pair: vipd (101)
   * takes both VIPs from keepalived (100), whose own vrrp_sync_group follows; vipd's IPv6 check
   * fails and both VIPs go back to keepalived together; it passes again and vipd takes both back.
   */
  @Test
  void aVipdGroupAndAKeepalivedGroupHandTheVipsToEachOtherWhole() throws Exception {
    int lan = LAN + 2;
    try (VipCluster c = new VipCluster(lan, 2)) {
      String vip4 = c.vip(1);
      Path kaOk = Files.createFile(c.dir().resolve("v6-ok-ka"));
      Path ok2 = Files.createFile(c.dir().resolve("v6-ok-n2"));
      c.startKeepalived(1, keepalivedNode(100, vip4, vip6(lan), kaOk));
      c.awaitHolders(vip4, Set.of(1), START);
      c.awaitHolders(vip6(lan), Set.of(1), START);

      c.startVipd(2, node(101, vip4, vip6(lan), ok2, "sync-group = DS"));
      c.awaitHolders(vip4, Set.of(2), START);
      c.awaitHolders(vip6(lan), Set.of(2), START);

      Files.delete(ok2);
      c.awaitHolders(vip6(lan), Set.of(1), FAILOVER);
      c.awaitHolders(vip4, Set.of(1), FAILOVER);
      c.assertStable(vip4, Set.of(1), Duration.ofMillis(500));

      Files.createFile(ok2);
      c.awaitHolders(vip6(lan), Set.of(2), FAILOVER);
      c.awaitHolders(vip4, Set.of(2), FAILOVER);
      c.assertStable(vip6(lan), Set.of(2), Duration.ofMillis(500));
    }
  }

  /** keepalived's side: the same pair in a vrrp_sync_group, VI_6 tracking a file by script. */
  private static String keepalivedNode(int priority, String vip4, String vip6, Path okFile) {
    return "global_defs {\n vrrp_version 3\n script_user root\n enable_script_security\n}\n"
        + "vrrp_script v6_ok {\n script \"/usr/bin/test -f "
        + okFile
        + "\"\n interval 1\n fall 1\n rise 1\n}\n"
        + "vrrp_sync_group DS {\n group {\n  VI_4\n  VI_6\n }\n}\n"
        + keepalivedInstance("VI_4", priority, vip4 + "/24", "")
        + keepalivedInstance("VI_6", priority, vip6 + "/64", " track_script {\n  v6_ok\n }\n");
  }

  private static String keepalivedInstance(
      String name, int priority, String vipCidr, String track) {
    return "vrrp_instance "
        + name
        + " {\n state BACKUP\n interface eth0\n virtual_router_id 72\n priority "
        + priority
        + "\n advert_int 0.1\n virtual_ipaddress {\n  "
        + vipCidr
        + "\n }\n"
        + track
        + "}\n";
  }

  private static String vip6(int lan) {
    return "fd77:" + lan + "::101";
  }

  /**
   * Starts nodes 1 (priority 101) and 2 (100), each with {@code extra} in both instances, and waits
   * for node 1 to hold both VIPs.
   *
   * @return the file whose absence fails node 1's IPv6 check
   */
  private static Path startBothNodes(VipCluster c, int lan, String extra) throws Exception {
    String vip4 = c.vip(1);
    Path ok1 = Files.createFile(c.dir().resolve("v6-ok-n1"));
    Path ok2 = Files.createFile(c.dir().resolve("v6-ok-n2"));
    c.startVipd(1, node(101, vip4, vip6(lan), ok1, extra));
    c.startVipd(2, node(100, vip4, vip6(lan), ok2, extra));
    c.awaitHolders(vip4, Set.of(1), START);
    c.awaitHolders(vip6(lan), Set.of(1), START);
    return ok1;
  }

  /** One node's config: VI_4 and VI_6, both with {@code extra}; VI_6 tracks {@code okFile}. */
  private static String node(int priority, String vip4, String vip6, Path okFile, String extra) {
    return "admin.enabled = false\n"
        + "checks.v6-ok { type = file, path = \""
        + okFile
        + "\", interval = 100ms, fall = 1, rise = 1 }\n"
        + "vrrp.instances = [\n"
        + instance("VI_4", priority, vip4 + "/24", extra, "")
        + ",\n"
        + instance(
            "VI_6",
            priority,
            vip6 + "/64",
            extra,
            ", track { checks = [ { name = v6-ok, weight = 0 } ] }")
        + "\n]\n";
  }

  private static String instance(
      String name, int priority, String vipCidr, String extra, String track) {
    return "{ name = "
        + name
        + ", interface = eth0, virtual-router-id = 72, version = 3, priority = "
        + priority
        + ", advert-interval = 100ms, virtual-ips = [\""
        + vipCidr
        + "\"], "
        + extra
        + track
        + " }";
  }
}
