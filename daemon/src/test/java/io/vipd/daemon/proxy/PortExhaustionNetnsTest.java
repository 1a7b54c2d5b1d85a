package io.vipd.daemon.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.vipd.daemon.testing.VipCluster;
import io.vipd.health.testing.ApiServerMain;
import io.vipd.vrrp.linux.Background;
import io.vipd.vrrp.linux.NetnsLan;
import io.vipd.vrrp.linux.NetnsRequirement;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A node out of ephemeral ports (its {@code ip_local_port_range} used up by connections to one API
 * server) cannot connect to that server: the client is closed, but the server did nothing wrong.
 * haproxy calls it "no free ports" and holds nothing against the server; vipd must not mark it down
 * either (passive health with {@code on-error = mark-down} here, the harshest), or a busy node
 * would take a healthy API server out of its own rotation.
 */
@Tag("netns")
class PortExhaustionNetnsTest {

  private static final int FRONT = 7443;
  private static final int CHECK_PORT = 6444;

  @BeforeAll
  static void requireNamespaces() {
    NetnsRequirement.require("ip", "sysctl");
  }

  @Test
  void aNodeOutOfLocalPortsDoesNotMarkTheServerDown() throws Exception {
    try (VipCluster c = new VipCluster(236, 2)) {
      c.startApiServer(1, true);
      // what the active check connects to: another port of node 1, so that the check has ports of
      // its own (a local port is free again for another destination) and passes whenever it runs;
      // else, racing the clients, its first run could fail for want of ports and mark the server
      // down by itself, as haproxy's first failed check does
      Background checked =
          c.lan()
              .start(
                  1,
                  NetnsLan.javaCommand(
                      ApiServerMain.class.getName(),
                      "--bind",
                      "0.0.0.0:" + CHECK_PORT,
                      "--plain",
                      "--name",
                      "n1-check"));
      checked.awaitOutput(ApiServerMain.LISTENING, Duration.ofSeconds(30));
      // node 2 (vipd) has four local ports for its connections
      c.lan().exec(2, "sysctl", "-w", "net.ipv4.ip_local_port_range=40000 40003").orThrow();
      // and may reuse a port in TIME_WAIT a second after (vipd closes first towards the server)
      c.lan().exec(2, "sysctl", "-w", "net.ipv4.tcp_tw_reuse=1").orThrow();
      String server = c.lan().ipv4(1).getHostAddress() + ":6443";
      c.startVipd(
          2,
          "admin.enabled = false\n"
              + "proxy {\n"
              + "  frontends = [ { name = api, bind = \"0.0.0.0:"
              + FRONT
              + "\", backend = api } ]\n"
              + "  backends.api {\n"
              + "    servers = [ { name = n1, address = \""
              + server
              + "\" } ]\n"
              // many failures before the active check marks it down (mark-down needs one)
              + "    check { type = tcp, port = "
              + CHECK_PORT
              + ", interval = 60s, fall = 1000 }\n"
              + "    on-error = mark-down\n"
              + "    retries = 0\n"
              + "  }\n"
              + "}\n");
      InetSocketAddress front = new InetSocketAddress(c.lan().ipv4(2), FRONT);

      // more clients than node 2 has ports: the first ones hold them, the others find none
      List<Socket> held = new ArrayList<>();
      try {
        for (int i = 0; i < 8; i++) {
          held.add(c.lan().inNode(1, () -> connect(front)));
        }
        c.node(2).awaitOutput("for lack of this node's resources", Duration.ofSeconds(10));
      } finally {
        for (Socket s : held) {
          s.close();
        }
      }
      String log = c.node(2).stdout();
      assertFalse(log.contains("is DOWN"), "the server was not marked down\n" + c.logs());

      // with ports free again, the next client is served by the same server
      Thread.sleep(1500); // the TIME_WAIT reuse's second
      String answer =
          c.lan()
              .inNode(
                  1,
                  () -> {
                    try (Socket s = connect(front)) {
                      s.getOutputStream()
                          .write(
                              "GET /readyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                                  .getBytes(StandardCharsets.US_ASCII));
                      return new String(
                          s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
                    }
                  });
      assertEquals("HTTP/1.1 200", answer, c.logs());
    }
  }

  private static Socket connect(InetSocketAddress to) throws IOException {
    Socket s = new Socket();
    s.setSoTimeout(5000);
    s.connect(to, 5000);
    return s;
  }
}
