package io.vipd.daemon.systemd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vipd run} as a real process: notifications on a real {@code NOTIFY_SOCKET}, and the
 * refusal to start without a needed capability. Runs {@code Main} from the test classpath.
 */
@Timeout(90)
class DaemonUnderSystemdProcessTest {

  @TempDir Path dir;

  private static List<String> javaCommand(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("io.vipd.daemon.Main");
    cmd.addAll(List.of(args));
    return cmd;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void readyWatchdogStoppingAndExitZero() throws Exception {
    Path conf = dir.resolve("vipd.conf");
    Files.writeString(
        conf,
        "proxy { frontends = [ { name = api, bind = \"127.0.0.1:"
            + freePort()
            + "\", backend = b } ]\n"
            + " backends.b { servers = [ { name = s1, address = \"127.0.0.1:6443\" } ] } }\n"
            + "admin.enabled = false\n");
    Path log = dir.resolve("out.log");
    try (DatagramReceiver systemd =
        new DatagramReceiver(dir.resolve("notify").toString(), 30_000)) {
      ProcessBuilder pb =
          new ProcessBuilder(javaCommand("run", "--config", conf.toString()))
              .redirectErrorStream(true)
              .redirectOutput(log.toFile());
      pb.environment().put("NOTIFY_SOCKET", systemd.address());
      pb.environment().put("WATCHDOG_USEC", "400000");
      Process p = pb.start();
      try {
        assertEquals("READY=1\nSTATUS=running: " + conf, systemd.expect(), log(log));
        assertTrue(Files.readString(log).contains("vipd started"), log(log));
        assertEquals("WATCHDOG=1", systemd.expect());
        assertEquals("WATCHDOG=1", systemd.expect());
        p.toHandle().destroy(); // SIGTERM
        String m;
        do {
          m = systemd.expect();
        } while (m.equals("WATCHDOG=1"));
        assertEquals("STOPPING=1", m);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), log(log));
        assertEquals(0, p.exitValue(), log(log));
      } finally {
        p.destroyForcibly();
      }
    }
  }

  @Test
  void refusesToStartWithoutCapNetRaw() throws Exception {
    Path conf = dir.resolve("vipd.conf");
    Files.writeString(
        conf,
        "vrrp.instances = [ { name = VI_1, interface = lo, virtual-router-id = 51,"
            + " virtual-ips = [\"192.0.2.100/32\"] } ]\nadmin.enabled = false\n");
    List<String> cmd = new ArrayList<>();
    boolean root =
        "0"
            .equals(
                new String(
                        new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes(),
                        StandardCharsets.UTF_8)
                    .trim());
    if (root) {
      // Root gets every capability in its bounding set at exec; take CAP_NET_RAW out of it.
      cmd.addAll(List.of("setpriv", "--bounding-set=-net_raw", "--"));
    }
    cmd.addAll(javaCommand("run", "--config", conf.toString()));
    Process p = new ProcessBuilder(cmd).redirectOutput(dir.resolve("out.log").toFile()).start();
    try {
      String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(p.waitFor(30, TimeUnit.SECONDS));
      if (p.exitValue() != 1 && err.contains("setpriv")) {
        fail("setpriv could not drop CAP_NET_RAW: " + err);
      }
      assertEquals(1, p.exitValue(), err + log(dir.resolve("out.log")));
      assertTrue(
          err.contains(
              "vipd: missing capability CAP_NET_RAW (needed for VRRP raw sockets); run as root or"
                  + " grant it (systemd: AmbientCapabilities="),
          err);
      assertTrue(!Files.readString(dir.resolve("out.log")).contains("vipd started"));
    } finally {
      p.destroyForcibly();
    }
  }

  private static String log(Path log) throws IOException {
    return Files.exists(log) ? Files.readString(log) : "";
  }
}
