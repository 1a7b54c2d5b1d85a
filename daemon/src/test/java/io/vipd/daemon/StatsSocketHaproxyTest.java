package io.vipd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vipd.daemon.config.ConfigLoader;
import io.vipd.daemon.config.LoadResult;
import io.vipd.daemon.haproxycli.CliClient;
import io.vipd.daemon.reload.ReloadResult;
import io.vipd.daemon.systemd.Tools;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stats socket beside real haproxy (Debian's): the same backend in both, the same commands on
 * both sockets, and the answers a script would parse compared one by one, then the same columns of
 * {@code show stat} after each change. A script written against haproxy's socket reads the same
 * from vipd's.
 */
@Timeout(120)
class StatsSocketHaproxyTest {

  @TempDir Path dir;

  @Test
  void vipdAnswersHaproxysCommandsAsHaproxyDoes() throws Exception {
    Tools.require("haproxy");
    try (ServerSocket m1 = listener();
        ServerSocket m2 = listener();
        ServerSocket m3 = listener();
        Components vipd = new Components()) {
      Path haproxySock = dir.resolve("haproxy.sock");
      Path vipdSock = dir.resolve("vipd.sock");
      Path cfg = dir.resolve("haproxy.cfg");
      Files.writeString(
          cfg,
          String.join(
              "\n",
              "global",
              "    stats socket " + haproxySock + " mode 600 level admin",
              "defaults",
              "    mode tcp",
              "    timeout connect 5s",
              "    timeout client 1m",
              "    timeout server 1m",
              "frontend k8s-api",
              "    bind 127.0.0.1:" + freePort(),
              "    maxconn 1000",
              "    default_backend k8s-api",
              "backend k8s-api",
              "    balance roundrobin",
              "    server m1 127.0.0.1:" + m1.getLocalPort() + " maxconn 100",
              "    server m2 127.0.0.1:" + m2.getLocalPort() + " weight 50 maxconn 100",
              "    server m3 127.0.0.1:" + m3.getLocalPort() + " backup maxconn 100",
              ""));
      Process haproxy =
          new ProcessBuilder("haproxy", "-db", "-f", cfg.toString())
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("haproxy.log").toFile())
              .start();
      try {
        Path conf = dir.resolve("vipd.conf");
        Files.writeString(
            conf,
            "admin.enabled = false\n"
                + "admin.stats-socket { path = \""
                + vipdSock
                + "\", level = admin }\n"
                + "proxy {\n"
                + "  frontends = [ { name = k8s-api, bind = \"127.0.0.1:"
                + freePort()
                + "\", backend = k8s-api, maxconn = 1000 } ]\n"
                + "  backends.k8s-api {\n"
                + "    balance = roundrobin\n"
                + "    check.type = none\n"
                + "    servers = [\n"
                + "      { name = m1, address = \"127.0.0.1:"
                + m1.getLocalPort()
                + "\", maxconn = 100 }\n"
                + "      { name = m2, address = \"127.0.0.1:"
                + m2.getLocalPort()
                + "\", weight = 50, maxconn = 100 }\n"
                + "      { name = m3, address = \"127.0.0.1:"
                + m3.getLocalPort()
                + "\", backup = true, maxconn = 100 }\n"
                + "    ]\n"
                + "  }\n"
                + "}\n");
        LoadResult r = ConfigLoader.load(conf);
        assertTrue(r.isValid(), r.errors().toString());
        vipd.start(r.config().orElseThrow(), () -> ReloadResult.rejected(List.of("no")));
        awaitSocket(haproxySock, haproxy);

        assertSameStat(haproxySock, vipdSock, "show stat", "at start");
        List<String> commands =
            List.of(
                "show backend",
                "show cli level",
                "user;show cli level;operator",
                "get weight k8s-api/m2",
                "get weight k8s-api/nope",
                "get weight nope/m1",
                "disable server k8s-api",
                "disable server k8s-api/nope",
                "set weight k8s-api/m2 300",
                "set weight k8s-api/m2 -5%",
                "set weight k8s-api/m2",
                "set server k8s-api/m2 state bogus",
                "set maxconn server k8s-api/m2",
                "set weight k8s-api/m2 30",
                "get weight k8s-api/m2",
                "set weight k8s-api/m2 50%",
                "get weight k8s-api/m2",
                "set server k8s-api/m2 weight 40",
                "get weight k8s-api/m2",
                "disable server k8s-api/m1",
                "set server k8s-api/m2 state drain",
                "set maxconn server k8s-api/m3 7",
                "set maxconn frontend k8s-api 50",
                "set maxconn frontend nope 50",
                "set maxconn frontend k8s-api",
                "set maxconn frontend k8s-api -1",
                "set maxconn frontend",
                "set maxconn global",
                "set maxconn global 99999999",
                "set maxconn global 500",
                "STAT after disabling m1, draining m2, m3's maxconn 7",
                "enable server k8s-api/m1",
                "set server k8s-api/m2 state ready",
                "set server k8s-api/m2 state maint",
                "STAT after m2 into maintenance",
                "STAT show stat no-maint",
                "STAT show stat up",
                "STAT show stat k8s-api 4 -1",
                "STAT show stat -1 3 -1",
                "STAT show stat -1 4 2",
                "set server k8s-api/m2 state ready",
                "STAT after all ready again",
                "disable frontend k8s-api",
                "disable frontend k8s-api",
                "STAT after disable frontend",
                "disable frontend nope",
                "disable frontend",
                "enable frontend nope",
                "enable frontend k8s-api",
                "enable frontend k8s-api",
                "STAT after enable frontend");
        for (String c : commands) {
          if (c.startsWith("STAT show stat")) {
            assertSameStat(haproxySock, vipdSock, c.substring(5), c.substring(5));
            continue;
          }
          if (c.startsWith("STAT ")) {
            assertSameStat(haproxySock, vipdSock, "show stat", c.substring(5));
            continue;
          }
          String expected = CliClient.ask(haproxySock, c + "\n");
          assertEquals(expected, CliClient.ask(vipdSock, c + "\n"), "answer to '" + c + "'");
        }
        for (String session :
            List.of(
                "prompt\nget weight k8s-api/m1\nshow cli level\nquit\n",
                "prompt\nshow cli level;show backend\nquit\n",
                "show cli level\nget weight k8s-api/m1\nshow backend\n")) {
          assertEquals(
              CliClient.ask(haproxySock, session),
              CliClient.ask(vipdSock, session),
              "session " + session);
        }
      } finally {
        haproxy.destroy();
        if (!haproxy.waitFor(5, TimeUnit.SECONDS)) {
          haproxy.destroyForcibly();
        }
      }
    }
  }

  /** These columns of every row agree; the others hold what only one of the two counts. */
  private static final List<String> COMPARED =
      List.of(
          "pxname", "svname", "status", "weight", "act", "bck", "slim", "type", "sid", "uweight",
          "mode", "algo");

  private static void assertSameStat(Path haproxySock, Path vipdSock, String command, String when)
      throws Exception {
    String h = CliClient.ask(haproxySock, command + "\n");
    String v = CliClient.ask(vipdSock, command + "\n");
    List<String> hHeader = header(h);
    List<String> vHeader = header(v);
    assertEquals(
        hHeader.subList(0, vHeader.size()), vHeader, "vipd's columns are haproxy's, in order");
    assertEquals(rows(h, hHeader, COMPARED), rows(v, vHeader, COMPARED), when);
  }

  private static List<String> header(String csv) {
    List<String> h =
        new ArrayList<>(Arrays.asList(csv.substring(2, csv.indexOf('\n')).split(",", -1)));
    h.remove(h.size() - 1); // after the trailing comma
    return h;
  }

  /** Per row, the compared columns; the BACKEND row's slim is haproxy's fullconn, left out. */
  private static List<Map<String, String>> rows(
      String csv, List<String> header, List<String> columns) {
    List<Map<String, String>> rows = new ArrayList<>();
    for (String line : csv.split("\n")) {
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      List<String> cells = Arrays.asList(line.split(",", -1));
      Map<String, String> row = new LinkedHashMap<>();
      for (String c : columns) {
        if (c.equals("slim") && cells.get(1).equals("BACKEND")) {
          continue;
        }
        row.put(c, cells.get(header.indexOf(c)));
      }
      rows.add(row);
    }
    return rows;
  }

  private static void awaitSocket(Path sock, Process haproxy) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (!Files.exists(sock)) {
      if (!haproxy.isAlive() || System.nanoTime() > deadline) {
        throw new AssertionError("haproxy did not start: " + haproxy.isAlive());
      }
      Thread.sleep(50);
    }
  }

  private static ServerSocket listener() throws IOException {
    return new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = listener()) {
      return s.getLocalPort();
    }
  }
}
