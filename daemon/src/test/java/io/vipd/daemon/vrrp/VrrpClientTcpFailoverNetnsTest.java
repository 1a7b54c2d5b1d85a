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
 * Hard failover as a client of the VIP sees it: nodes 1 and 2 run vipd (VRRPv3, adverts every 100
 * ms) and a TCP listener on every address (a stand-in apiserver, plain HTTP, naming its node in
 * {@code X-Served-By}); node 3 is the client. After SIGKILL of the master the client's neighbour
 * entry for the VIP moves to the new master's MAC (gratuitous ARP) and a new TCP connection to the
 * VIP is answered by the new master, already while the killed node still has its VIP (until its
 * lifetime ends) and its listener still runs.
 */
@Tag("netns")
class VrrpClientTcpFailoverNetnsTest {

  private static final int CLIENT = 3;
  private static final int PORT = 6443;
  private static final Duration START = Duration.ofSeconds(10);
  private static final Duration FAILOVER = Duration.ofSeconds(3);

  /** The killed master's VIP expires with its 3 s lifetime. */
  private static final Duration VIP_EXPIRY = Duration.ofSeconds(6);

  @BeforeAll
  static void requireNamespaces() {
    NetnsRequirement.require("ip", "curl");
  }

  @Test
  void clientConnectsToTheNewMasterAfterTheMasterIsKilled() throws Exception {
    try (VipCluster c = new VipCluster(219, 3)) {
      NetnsLan lan = c.lan();
      String vip = c.vip(1);
      c.startApiServer(1, true);
      c.startApiServer(2, true);
      c.startVipd(1, new InstanceHocon(64, 100, vip + "/24").hocon());
      c.startVipd(2, new InstanceHocon(64, 150, vip + "/24").hocon());
      c.awaitHolders(vip, Set.of(2), START);
      assertEquals("n2", LanProbes.servedBy(c, CLIENT, vip, PORT));
      LanProbes.awaitNeighbour(lan, CLIENT, vip, LanProbes.mac(lan, 2), FAILOVER);

      long killed = System.nanoTime();
      LanProbes.kill9(c.node(2));
      LanProbes.awaitHolding(c, vip, 1, FAILOVER);
      LanProbes.awaitNeighbour(lan, CLIENT, vip, LanProbes.mac(lan, 1), FAILOVER);
      assertEquals("n1", LanProbes.servedBy(c, CLIENT, vip, PORT), "new connection, new master");
      System.out.printf(
          "kill -9 to first TCP answer from the new master: %d ms%n",
          (System.nanoTime() - killed) / 1_000_000);

      c.awaitHolders(vip, Set.of(1), VIP_EXPIRY);
      assertEquals("n1", LanProbes.servedBy(c, CLIENT, vip, PORT));
      LanProbes.awaitNeighbour(lan, CLIENT, vip, LanProbes.mac(lan, 1), FAILOVER);
    }
  }
}
