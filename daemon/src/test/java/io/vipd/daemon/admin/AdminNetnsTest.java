package io.vipd.daemon.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vipd.daemon.metrics.DocumentedMetrics;
import io.vipd.daemon.metrics.DocumentedMetricsCheck;
import io.vipd.daemon.metrics.PrometheusTextParser;
import io.vipd.vrrp.linux.Background;
import io.vipd.vrrp.linux.NetnsLan;
import io.vipd.vrrp.linux.NetnsRequirement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin endpoint of a real vipd process running VRRP, a tracked check and the proxy inside a
 * network namespace, next to a higher-priority vipd on the same LAN: metrics, status, readiness and
 * {@code vipd status} as an operator sees them, before and after the other node dies.
 */
@Tag("netns")
@Timeout(90)
class AdminNetnsTest {

  private static final String TOKEN = "netns-t0ken";
  private static final Pattern LISTENING =
      Pattern.compile("admin listening on http://127\\.0\\.0\\.1:(\\d+)");

  @TempDir Path dir;

  @BeforeAll
  static void requireNamespaces() {
    NetnsRequirement.require("ip");
  }

  private static String instance(int priority, String vip, String extra) {
    return "vrrp.instances = [ { name = VI_1, interface = eth0, virtual-router-id = 61,"
        + " priority = "
        + priority
        + ", advert-interval = 100ms, virtual-ips = [\""
        + vip
        + "/24\"]"
        + extra
        + " } ]\n";
  }

  private Background start(NetnsLan lan, int node, String config) throws Exception {
    Path f = dir.resolve("node" + node + ".conf");
    Files.writeString(f, config);
    Background b =
        lan.start(
            node, NetnsLan.javaCommand("io.vipd.daemon.Main", "run", "--config", f.toString()));
    b.awaitOutput("vipd started", Duration.ofSeconds(30));
    return b;
  }

  private static String metrics(NetnsLan lan, int port) throws Exception {
    return lan.inNode(1, () -> RawHttp.get("127.0.0.1", port, "/metrics", TOKEN).body());
  }

  private static String awaitMetric(
      NetnsLan lan, int port, String name, String label, double expected) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    String m;
    do {
      m = metrics(lan, port);
      if (MetricsText.value(m, name, label) == expected) {
        return m;
      }
      Thread.sleep(50);
    } while (System.nanoTime() < deadline);
    throw new AssertionError(name + "{" + label + "} never became " + expected + ":\n" + m);
  }

  @Test
  void vrrpTrackingAndProxyAsTheOperatorSeesThem() throws Exception {
    try (NetnsLan lan = NetnsLan.create(233, 2)) {
      String vip = lan.spareIpv4(1).getHostAddress();
      Path flag = Files.createFile(dir.resolve("healthy"));
      Background node2 = start(lan, 2, instance(101, vip, "") + "admin.enabled = false\n");
      Background node1 =
          start(
              lan,
              1,
              "checks.flag { type = file, path = \""
                  + flag
                  + "\", interval = 100ms, fall = 1, rise = 1 }\n"
                  + instance(100, vip, ", track.checks = [ { name = flag, weight = -2 } ]")
                  + "proxy {\n"
                  + "  frontends = [ { name = api, bind = \"127.0.0.1:18443\", backend = cps } ]\n"
                  + "  backends.cps {\n"
                  + "    servers = [ { name = cp1, address = \"127.0.0.1:1\" } ]\n"
                  + "    check { type = tcp, interval = 100ms, fall = 1, rise = 1 }\n"
                  + "  }\n"
                  + "}\n"
                  + "admin { bind = \"127.0.0.1:0\", token = \""
                  + TOKEN
                  + "\" }\n");
      Matcher port = LISTENING.matcher(node1.stdout());
      assertTrue(port.find(), node1.stdout());
      int admin = Integer.parseInt(port.group(1));
      String i = "instance=\"VI_1\"";

      String m = awaitMetric(lan, admin, "vipd_vrrp_state", "state=\"backup\"", 1);
      assertEquals(100.0, MetricsText.value(m, "vipd_vrrp_effective_priority", i));
      assertEquals(100.0, MetricsText.value(m, "vipd_vrrp_base_priority", i));
      m = awaitMetric(lan, admin, "vipd_vrrp_tracker_up", "tracker=\"flag\"", 1);
      assertEquals(-2.0, MetricsText.value(m, "vipd_vrrp_tracker_weight", "tracker=\"flag\""));
      assertEquals(0.0, MetricsText.value(m, "vipd_vrrp_tracker_priority", "tracker=\"flag\""));
      assertEquals(1.0, MetricsText.value(m, "vipd_vrrp_masters_seen", i));
      assertTrue(MetricsText.value(m, "vipd_vrrp_adverts_received_total", i) > 0, m);
      assertEquals(1.0, MetricsText.value(m, "vipd_check_up", "check=\"flag\""));
      awaitMetric(lan, admin, "vipd_server_up", "server=\"cp1\"", 0);

      // The tracked check fails: its part of the priority shows, and the priority drops.
      Files.delete(flag);
      m = awaitMetric(lan, admin, "vipd_vrrp_effective_priority", i, 98);
      assertEquals(-2.0, MetricsText.value(m, "vipd_vrrp_tracker_priority", "tracker=\"flag\""));
      // The check's own gauge is published just after the trackers hear of the change.
      awaitMetric(lan, admin, "vipd_check_up", "check=\"flag\"", 0);

      // The master dies: node 1 takes over; two masters seen, a transition and GARPs counted.
      node2.process().destroyForcibly();
      node2.awaitExit(Duration.ofSeconds(10));
      m = awaitMetric(lan, admin, "vipd_vrrp_state", "state=\"master\"", 1);
      m = awaitMetric(lan, admin, "vipd_vrrp_masters_seen", i, 2);
      assertTrue(MetricsText.value(m, "vipd_vrrp_transitions_total", i) >= 2, m);
      assertTrue(MetricsText.value(m, "vipd_vrrp_adverts_sent_total", i) > 0, m);
      assertTrue(MetricsText.value(m, "vipd_vrrp_garps_sent_total", i) >= 1, m);

      // Every documented name (VRRP, tracked checks, proxy, JVM): a full, strict parse of the
      // scrape, a TYPE line of the documented type and at least one sample each.
      DocumentedMetricsCheck.assertExported(
          PrometheusTextParser.parse(m), DocumentedMetrics.all(), m);

      @SuppressWarnings("unchecked")
      Map<String, Object> status =
          (Map<String, Object>)
              JsonReader.parse(
                  lan.inNode(1, () -> RawHttp.get("127.0.0.1", admin, "/status", TOKEN).body()));
      Map<?, ?> vi1 = (Map<?, ?>) ((List<?>) status.get("instances")).get(0);
      assertEquals("master", vi1.get("state"));
      assertEquals(98L, vi1.get("effectivePriority"));
      assertEquals(
          List.of(lan.ipv4(2).getHostAddress(), lan.ipv4(1).getHostAddress()),
          vi1.get("mastersSeen"));
      assertTrue(
          String.valueOf(vi1.get("breakdown")).contains("check flag failed (-2)"), vi1.toString());
      assertEquals(
          200, lan.inNode(1, () -> RawHttp.get("127.0.0.1", admin, "/readyz", TOKEN).status()));

      NetnsLan.ExecResult table =
          lan.exec(
              1,
              NetnsLan.javaCommand(
                  "io.vipd.daemon.Main",
                  "status",
                  "--admin",
                  "127.0.0.1:" + admin,
                  "--token",
                  TOKEN));
      assertEquals(0, table.exitCode(), table.stdout() + table.stderr());
      String out = table.stdout();
      String ip1 = Pattern.quote(lan.ipv4(1).getHostAddress());
      for (String line :
          List.of(
              "VRRP instance VI_1",
              " Interface\\s+eth0",
              " Virtual Router ID\\s+61",
              " State\\s+MASTER",
              " Priority\\s+100",
              " Effective Priority\\s+98 \\(base 100, check flag failed \\(-2\\) -> 98\\)",
              " Master\\s+" + ip1 + " \\(this node\\)",
              " Master Down Interval\\s+\\d+(\\.\\d+)? ms",
              " Adverts Sent / Received\\s+[1-9]\\d* / [1-9]\\d*",
              " Last Transition\\s+BACKUP -> MASTER \\d+s ago \\(.+\\)")) {
        assertTrue(out.matches("(?s).*\\n" + line + "\\n.*"), line + " not in\n" + out);
      }
      assertTrue(
          table.stdout().matches("(?s).*\\nflag\\s+DOWN\\s+failed: file missing.*"),
          table.stdout());
      assertTrue(table.stdout().matches("(?s).*\\ncps/cp1\\s+DOWN\\s+.*"), table.stdout());
    }
  }
}
