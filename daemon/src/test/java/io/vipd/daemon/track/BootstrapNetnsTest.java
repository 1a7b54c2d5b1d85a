package io.vipd.daemon.track;

import static org.junit.jupiter.api.Assertions.assertFalse;

import io.vipd.daemon.testing.VipCluster;
import io.vipd.vrrp.linux.NetnsRequirement;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code kubeadm init} on three nodes: no API server answers yet, every node's checks fail alike,
 * and the VIP must not move between them; when the first API server answers, the weights apply and
 * the VIP goes to the node whose API server works. Real vipd processes in network namespaces, each
 * proxy checking every node's API server (as in the kubeadm guide's haproxy.cfg).
 */
@Tag("netns")
class BootstrapNetnsTest {

  private static final Duration START = Duration.ofSeconds(15);

  @BeforeAll
  static void requireNamespaces() {
    NetnsRequirement.require("ip");
  }

  @Test
  void noApiServerYetTheVipStaysThenTheFirstOneToAnswerGetsIt() throws Exception {
    try (VipCluster c = new VipCluster(224, 3)) {
      String vip = c.vip(1);
      StringBuilder servers = new StringBuilder();
      for (int n = 1; n <= 3; n++) {
        servers
            .append(n > 1 ? ", " : "")
            .append("{ name = cp")
            .append(n)
            .append(", address = \"")
            .append(c.lan().ipv4(n).getHostAddress())
            .append(":6443\" }");
      }
      for (int n = 1; n <= 3; n++) {
        c.startVipd(
            n,
            new NodeConfig(102 - n, vip)
                .top(
                    "proxy.frontends = [ { name = apiserver, bind = \"0.0.0.0:8443\","
                        + " backend = apiserver } ]")
                .top(
                    "proxy.backends.apiserver { servers = [ "
                        + servers
                        + " ], check { type = https, path = /readyz, insecure = true,"
                        + " interval = 200ms, timeout = 500ms, fall = 2, rise = 2 } }")
                .top("checks.proxy-ready { type = proxy, backend = apiserver }")
                .trackApiserver(-20)
                .trackCheck("proxy-ready", -50)
                .hocon());
      }
      c.awaitHolders(vip, Set.of(1), START);
      // Every check fails on every node for seconds, at different moments on each: without the
      // hold, node 1 would drop below node 2 for a while and the VIP would move.
      c.assertStable(vip, Set.of(1), Duration.ofSeconds(6));
      for (int n = 1; n <= 3; n++) {
        assertFalse(
            c.node(n).stdout().contains("Changing effective priority"),
            "node " + n + " changed its priority during bootstrap:\n" + c.logs());
      }

      // The first API server answers, on node 2: the weights apply everywhere, and node 2 (base
      // 100, nothing failing) outranks node 1 (101 - 20 for its own API server) and node 3.
      c.startApiServer(2);
      c.awaitHolders(vip, Set.of(2), Duration.ofSeconds(10));
      c.node(1).awaitOutput("(VI_1) Changing effective priority from 101 to", START);
      c.assertStable(vip, Set.of(2), Duration.ofSeconds(1));
    }
  }
}
