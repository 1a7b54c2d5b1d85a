package io.vipd.daemon.track;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vipd.daemon.testing.VipCluster;
import io.vipd.vrrp.linux.NetnsLan;
import io.vipd.vrrp.linux.NetnsRequirement;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Health checks drive the VIP, end to end: real vipd processes in network namespaces, each node
 * with its own stand-in kube-apiserver on {@code 127.0.0.1:6443} (TLS) whose {@code /readyz} the
 * test flips, the VIP watched with {@code ip addr} and reached with curl from a client node.
 *
 * <p>Bounds: a failover is expected within 3 s (two failed checks 200 ms apart, then the VRRP
 * Master_Down_Interval of about 0.4 s; the benchmark in {@code bench/failover} measures it
 * precisely), generous enough for a loaded CI machine.
 */
@Tag("netns")
class TrackingFailoverNetnsTest {

  private static final Duration START = Duration.ofSeconds(15);
  private static final Duration FAILOVER = Duration.ofSeconds(3);

  @BeforeAll
  static void requireNamespaces() {
    NetnsRequirement.require("ip", "curl");
  }

  @Test
  void failingReadyzLowersThePriorityAndTheVipMovesThenReturnsWithPreempt() throws Exception {
    try (VipCluster c = new VipCluster(220, 3)) {
      String vip = c.vip(1);
      startApiServers(c, 2);
      c.startVipd(1, new NodeConfig(101, vip).trackApiserver(-20).hocon());
      c.startVipd(2, new NodeConfig(100, vip).trackApiserver(-20).hocon());
      Settle.awaitPriority(c, 1, 101, START);
      Settle.awaitPriority(c, 2, 100, START);
      c.awaitHolders(vip, Set.of(1), START);
      assertEquals("n1", servedBy(c, vip, 6443), "node 1's apiserver answers on the VIP");

      c.setReady(1, false);
      c.awaitHolders(vip, Set.of(2), FAILOVER);
      c.node(1)
          .awaitOutput(
              "(VI_1) Changing effective priority from 101 to 81: check apiserver failed",
              FAILOVER);
      assertEquals("n2", servedBy(c, vip, 6443), "the client reaches node 2 through the VIP");

      c.setReady(1, true);
      c.awaitHolders(vip, Set.of(1), FAILOVER);
      c.node(1)
          .awaitOutput(
              "(VI_1) Changing effective priority from 81 to 101: check apiserver succeeded",
              FAILOVER);
      c.assertStable(vip, Set.of(1), Duration.ofMillis(500));
    }
  }

  @Test
  void weightZeroPutsTheMasterInFaultAndWithoutPreemptTheVipStaysAway() throws Exception {
    try (VipCluster c = new VipCluster(221, 2)) {
      String vip = c.vip(1);
      startApiServers(c, 2);
      c.startVipd(
          1, new NodeConfig(101, vip).trackApiserver(0).instance("preempt = false").hocon());
      c.awaitHolders(vip, Set.of(1), START);
      Settle.awaitPriority(c, 1, 101, START);
      c.startVipd(
          2, new NodeConfig(100, vip).trackApiserver(0).instance("preempt = false").hocon());
      Settle.awaitPriority(c, 2, 100, START);
      c.assertStable(vip, Set.of(1), Duration.ofMillis(300));

      c.setReady(1, false);
      c.awaitHolders(vip, Set.of(2), FAILOVER);
      c.node(1).awaitOutput("(VI_1) Entering FAULT STATE", FAILOVER);

      // Healthy again: node 1 leaves FAULT for BACKUP, and without preempt the VIP stays.
      c.setReady(1, true);
      c.node(1).awaitOutput("(VI_1) Entering BACKUP STATE", FAILOVER);
      c.assertStable(vip, Set.of(2), Duration.ofMillis(1500));

      // A backup in FAULT must not take the VIP either: node 2 fails, node 1 takes over.
      c.setReady(1, false);
      c.assertStable(vip, Set.of(2), Duration.ofMillis(800));
      c.setReady(2, false);
      c.awaitHolders(vip, Set.of(), FAILOVER);
      c.setReady(1, true);
      c.awaitHolders(vip, Set.of(1), FAILOVER);
    }
  }

  @Test
  void killingTheProxysBackendOnTheMasterMovesTheVip() throws Exception {
    try (VipCluster c = new VipCluster(222, 3)) {
      String vip = c.vip(1);
      startApiServers(c, 2);
      c.startVipd(1, new NodeConfig(101, vip).withProxy().trackCheck("proxy-ready", 0).hocon());
      c.startVipd(2, new NodeConfig(100, vip).withProxy().trackCheck("proxy-ready", 0).hocon());
      Settle.awaitPriority(c, 1, 101, START);
      Settle.awaitPriority(c, 2, 100, START);
      c.awaitHolders(vip, Set.of(1), START);
      assertEquals("n1", servedBy(c, vip, 8443), "the client goes through node 1's proxy");

      // The apiserver dies hard: connections are refused, the proxy marks its only server down,
      // the proxy can no longer serve, and the VIP must not stay where it cannot be served.
      c.apiServer(1).process().destroyForcibly();
      c.awaitHolders(vip, Set.of(2), FAILOVER);
      c.node(1).awaitOutput("Server apiserver/local is DOWN", FAILOVER);
      c.node(1).awaitOutput("(VI_1) Entering FAULT STATE", FAILOVER);
      assertEquals("n2", servedBy(c, vip, 8443), "the client goes through node 2's proxy");

      // The apiserver comes back: node 1's proxy serves again and node 1 preempts.
      c.apiServer(1).close();
      c.startApiServer(1);
      c.awaitHolders(vip, Set.of(1), Duration.ofSeconds(5));
      assertEquals("n1", servedBy(c, vip, 8443));
    }
  }

  @Test
  void aTrackedInterfaceGoingDownMovesTheVip() throws Exception {
    try (VipCluster c = new VipCluster(223, 2)) {
      String vip = c.vip(1);
      NetnsLan lan = c.lan();
      for (int node = 1; node <= 2; node++) {
        // A veth pair inside the node (the dummy driver may be missing from the kernel).
        lan.exec(node, "ip", "link", "add", "trk0", "type", "veth", "peer", "name", "trk1")
            .orThrow();
        lan.exec(node, "ip", "link", "set", "trk1", "up").orThrow();
        lan.exec(node, "ip", "link", "set", "trk0", "up").orThrow();
      }
      c.startVipd(1, new NodeConfig(101, vip).trackInterface("trk0", -50).hocon());
      c.startVipd(2, new NodeConfig(100, vip).trackInterface("trk0", -50).hocon());
      c.awaitHolders(vip, Set.of(1), START);

      lan.exec(1, "ip", "link", "set", "trk0", "down").orThrow();
      c.awaitHolders(vip, Set.of(2), FAILOVER);
      c.node(1)
          .awaitOutput(
              "(VI_1) Changing effective priority from 101 to 51: interface trk0 failed", FAILOVER);

      lan.exec(1, "ip", "link", "set", "trk0", "up").orThrow();
      c.awaitHolders(vip, Set.of(1), FAILOVER);

      // Deleting the interface counts as down too.
      lan.exec(1, "ip", "link", "del", "trk0").orThrow();
      c.awaitHolders(vip, Set.of(2), FAILOVER);
      assertTrue(c.node(1).process().isAlive(), "vipd survives a deleted interface");
    }
  }

  private static void startApiServers(VipCluster c, int nodes) throws Exception {
    for (int node = 1; node <= nodes; node++) {
      c.startApiServer(node);
    }
  }

  /**
   * GETs {@code https://vip:port/readyz} from the client node (the cluster's last node) and returns
   * the {@code X-Served-By} header of a 200 answer; fails otherwise.
   */
  static String servedBy(VipCluster c, String vip, int port) throws Exception {
    int client = c.lan().nodes();
    NetnsLan.ExecResult r =
        c.lan()
            .exec(
                client,
                "curl",
                "-sk",
                "--max-time",
                "2",
                "-o",
                "/dev/null",
                "-D",
                "-",
                "https://" + vip + ":" + port + "/readyz");
    String headers = r.stdout();
    assertTrue(
        r.exitCode() == 0 && headers.startsWith("HTTP/1.1 200"),
        "GET via VIP: exit " + r.exitCode() + " " + headers + r.stderr() + "\n" + c.logs());
    for (String line : headers.split("\r?\n")) {
      if (line.toLowerCase(java.util.Locale.ROOT).startsWith("x-served-by:")) {
        return line.substring(line.indexOf(':') + 1).trim();
      }
    }
    throw new AssertionError("no X-Served-By in " + headers);
  }
}
