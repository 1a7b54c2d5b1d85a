package io.vipd.daemon.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.vipd.daemon.config.CliLevel;
import io.vipd.daemon.config.ConfigLoader;
import io.vipd.daemon.config.LoadResult;
import io.vipd.daemon.config.StatsSocketConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * haproxy's global {@code stats socket} becomes {@code admin.stats-socket}, and {@code
 * busy-polling} {@code proxy.busy-polling}, read back by vipd.
 */
class HaproxyStatsSocketImportTest {

  @TempDir Path dir;

  private ImportResult importWith(String global) throws IOException {
    Path keepalived =
        Files.writeString(
            dir.resolve("keepalived.conf"),
            "vrrp_instance V {\n interface eth0\n virtual_router_id 5\n"
                + " virtual_ipaddress {\n  10.1.1.1/24\n }\n}\n");
    Path haproxy =
        Files.writeString(
            dir.resolve("haproxy.cfg"),
            "global\n"
                + global
                + "defaults\n  mode tcp\n"
                + "frontend api\n  bind :8443\n  default_backend apis\n"
                + "backend apis\n  server cp1 10.0.0.11:6443 check\n");
    ImportResult r = ConfigImporter.importConfigs(keepalived, haproxy);
    assertTrue(r.usable(), () -> "usable: " + r.warnings());
    return r;
  }

  @Test
  void debiansSocketKeepsItsModeLevelAndTimeoutInVipdsRuntimeDirectory() throws IOException {
    ImportResult r =
        importWith(
            "  stats socket /run/haproxy/admin.sock mode 660 level admin expose-fd listeners\n"
                + "  stats timeout 30s\n");
    Path out = Files.writeString(dir.resolve("vipd.conf"), r.hocon());
    LoadResult loaded = ConfigLoader.load(out);
    assertTrue(loaded.isValid(), () -> loaded.errors() + "\n" + r.hocon());
    StatsSocketConfig s = loaded.config().orElseThrow().admin().statsSocket();
    assertEquals(Path.of("/run/vipd/admin.sock"), s.path().orElseThrow());
    assertTrue(
        r.warnings().stream()
            .anyMatch(
                w ->
                    w.contains("the socket moves to /run/vipd/admin.sock")
                        && w.contains("/run/haproxy/admin.sock there")),
        r.warnings().toString());
    assertEquals(0660, s.mode());
    assertEquals(CliLevel.ADMIN, s.level());
    assertEquals(Duration.ofSeconds(30), s.timeout());
    assertTrue(
        r.warnings().stream().anyMatch(w -> w.contains("without expose-fd, listeners")),
        r.warnings().toString());
  }

  @Test
  void busyPollingIsCarriedOver() throws IOException {
    ImportResult r = importWith("  busy-polling\n");
    Path out = Files.writeString(dir.resolve("busy.conf"), r.hocon());
    LoadResult loaded = ConfigLoader.load(out);
    assertTrue(loaded.isValid(), () -> loaded.errors() + "\n" + r.hocon());
    assertTrue(loaded.config().orElseThrow().proxy().busyPolling(), r.hocon());
    assertFalse(
        ConfigFactory.parseString(importWith("").hocon()).hasPath("proxy.busy-polling"),
        "vipd's default when haproxy does not poll");
  }

  @Test
  void aTcpStatsSocketIsExplainedNotCarried() throws IOException {
    ImportResult r = importWith("  stats socket ipv4@127.0.0.1:9999 level admin\n");
    Config c = ConfigFactory.parseString(r.hocon());
    assertFalse(c.hasPath("admin.stats-socket"), r.hocon());
    assertTrue(
        r.hocon()
            .contains("vipd's stats socket is a Unix socket; over TCP, use the admin endpoint"),
        r.hocon());
  }

  @Test
  void aStatsTimeoutWithoutASocketIsSaidNotSilentlyLost() throws IOException {
    ImportResult r = importWith("  stats timeout 30s\n");
    assertFalse(ConfigFactory.parseString(r.hocon()).hasPath("admin.stats-socket"), r.hocon());
    assertTrue(
        r.hocon().contains("stats timeout 30s")
            && r.hocon().contains("there is no Unix stats socket for it to apply to"),
        r.hocon());
  }

  @Test
  void theFirstOfTwoSocketsIsKept() throws IOException {
    ImportResult r =
        importWith("  stats socket /run/a.sock level user\n  stats socket /run/b.sock\n");
    Config c = ConfigFactory.parseString(r.hocon());
    assertEquals("/run/vipd/a.sock", c.getString("admin.stats-socket.path"));
    assertEquals("user", c.getString("admin.stats-socket.level"));
    assertTrue(r.hocon().contains("vipd has one stats socket; the first is kept"), r.hocon());
  }
}
