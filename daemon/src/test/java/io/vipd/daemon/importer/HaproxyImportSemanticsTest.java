package io.vipd.daemon.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** haproxy settings whose meaning must survive the import: each read back from the output. */
class HaproxyImportSemanticsTest {

  @TempDir Path dir;

  private ImportResult importWith(String defaults) throws IOException {
    ImportResult r =
        importHaproxy(
            "defaults\n"
                + "  mode tcp\n"
                + defaults
                + "frontend api\n"
                + "  bind ipv6@:8443\n"
                + "  default_backend apis\n"
                + "backend apis\n"
                + "  server cp1 10.0.0.11:6443 check\n");
    assertTrue(r.usable(), () -> "usable: " + r.warnings());
    return r;
  }

  private static Config backend(ImportResult r) {
    return ConfigFactory.parseString(r.hocon()).getConfig("proxy.backends.apis");
  }

  @Test
  void idleTimeoutsLongerThanTheDefaultTunnelBecomeTheTunnel() throws IOException {
    // haproxy in mode tcp held an idle established connection for 4h; vipd's tunnel timeout
    // (default 1h) replaces client and server once connected, so it must not close sooner
    Config t =
        backend(importWith("  timeout connect 5s\n  timeout client 4h\n  timeout server 3h\n"))
            .getConfig("timeouts");
    assertEquals(Duration.ofHours(4), t.getDuration("tunnel"));
    assertEquals(Duration.ofHours(4), t.getDuration("client"));
  }

  @Test
  void shortIdleTimeoutsLeaveTheDefaultTunnelWithAComment() throws IOException {
    ImportResult r = importWith("  timeout client 20s\n  timeout server 20s\n");
    assertFalse(backend(r).getConfig("timeouts").hasPath("tunnel"));
    assertTrue(r.hocon().contains("vipd's tunnel timeout (1h) keeps them"), r.hocon());
  }

  @Test
  void noTimeoutsAtAllIsSaid() throws IOException {
    ImportResult r = importWith("");
    assertFalse(backend(r).hasPath("timeouts"));
    assertTrue(r.hocon().contains("no timeouts in haproxy"), r.hocon());
  }

  @Test
  void redispatchIsCarriedOverEitherWay() throws IOException {
    assertFalse(backend(importWith("  no option redispatch\n")).getBoolean("redispatch"));
    assertTrue(backend(importWith("  option redispatch\n")).getBoolean("redispatch"));
    assertFalse(backend(importWith("")).hasPath("redispatch"), "vipd's default when not said");
    ImportResult r = importWith("  no option redispatch\n");
    assertFalse(r.hocon().contains("not carried over: no option redispatch"), r.hocon());
  }

  @Test
  void allbackupsIsCarriedOver() throws IOException {
    ImportResult r = importWith("  option allbackups\n");
    assertTrue(backend(r).getBoolean("all-backups"), r.hocon());
    assertFalse(r.hocon().contains("not carried over: option allbackups"), r.hocon());
    assertFalse(backend(importWith("")).hasPath("all-backups"), "vipd's default when not said");
  }

  /** The import of {@code haproxyCfg} beside a one-instance keepalived.conf. */
  private ImportResult importHaproxy(String haproxyCfg) throws IOException {
    Path keepalived =
        Files.writeString(
            dir.resolve("keepalived.conf"),
            "vrrp_instance V {\n interface eth0\n virtual_router_id 5\n"
                + " virtual_ipaddress {\n  10.1.1.1/24\n }\n}\n");
    Path haproxy = Files.writeString(dir.resolve("haproxy.cfg"), haproxyCfg);
    return ConfigImporter.importConfigs(keepalived, haproxy);
  }

  /** Whether vipd check takes {@code hocon}. */
  private void assertValid(String hocon) throws IOException {
    Path f = Files.writeString(dir.resolve("imported.conf"), hocon);
    io.vipd.daemon.config.LoadResult loaded = io.vipd.daemon.config.ConfigLoader.load(f);
    assertTrue(loaded.isValid(), loaded.errors() + "\n" + hocon);
  }

  @Test
  void aZeroTimeoutIsNoTimeoutAsInHaproxy() throws IOException {
    ImportResult r =
        importWith(
            "  timeout connect 0\n  timeout client 0\n  timeout server 0\n  timeout check 0\n");
    Config be = backend(r);
    java.time.Duration week = java.time.Duration.ofDays(7);
    assertEquals(week, be.getDuration("timeouts.client"), r.hocon());
    assertEquals(week, be.getDuration("timeouts.server"));
    assertEquals(week, be.getDuration("timeouts.connect"));
    assertEquals(
        be.getDuration("check.interval"), be.getDuration("check.timeout"), "bounded by inter");
    assertValid(r.hocon());
  }

  @Test
  void aDefaultBackendInDefaultsServesTheFrontendsWithoutOne() throws IOException {
    ImportResult r =
        importHaproxy(
            "defaults\n  mode tcp\n  default_backend apis\n"
                + "frontend api\n  bind :8443\n"
                + "backend apis\n  server cp1 10.0.0.11:6443 check\n");
    Config front = ConfigFactory.parseString(r.hocon()).getConfigList("proxy.frontends").get(0);
    assertEquals("apis", front.getString("backend"), r.hocon());
    assertValid(r.hocon());
  }

  /** An editor's byte order mark and a Latin-1 comment do not refuse the file. */
  @Test
  void aByteOrderMarkAndALatin1CommentAreRead() throws IOException {
    String cfg =
        "defaults\n  mode tcp\n"
            + "frontend api\n  bind :8443\n  default_backend apis\n"
            + "backend apis\n  # r\u00e9seau\n  server cp1 10.0.0.11:6443 check\n";
    byte[] body = cfg.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    byte[] withBom = new byte[body.length + 3];
    withBom[0] = (byte) 0xef;
    withBom[1] = (byte) 0xbb;
    withBom[2] = (byte) 0xbf;
    System.arraycopy(body, 0, withBom, 3, body.length);
    importHaproxy(""); // writes keepalived.conf
    Path haproxy = Files.write(dir.resolve("haproxy.cfg"), withBom);
    ImportResult r = ConfigImporter.importConfigs(dir.resolve("keepalived.conf"), haproxy);
    assertTrue(r.usable(), () -> "usable: " + r.warnings());
    Config front = ConfigFactory.parseString(r.hocon()).getConfigList("proxy.frontends").get(0);
    assertEquals("apis", front.getString("backend"), r.hocon());
  }

  /** haproxy 2.6's named defaults: a section takes the one it names with "from", not the last. */
  @Test
  void aSectionTakesTheDefaultsItNames() throws IOException {
    ImportResult r =
        importHaproxy(
            "defaults tcp-base\n  mode tcp\n  timeout connect 3s\n  timeout server 11m\n"
                + "defaults other from tcp-base\n  timeout server 7m\n"
                + "frontend api from tcp-base\n  bind :8443\n  default_backend apis\n"
                + "backend apis from tcp-base\n  server cp1 10.0.0.11:6443 check\n"
                + "listen admin from other\n  bind :9443\n  server cp1 10.0.0.11:6444\n");
    Config backends = ConfigFactory.parseString(r.hocon()).getConfig("proxy.backends");
    assertEquals(
        java.time.Duration.ofMinutes(11), backends.getDuration("apis.timeouts.server"), r.hocon());
    assertEquals(java.time.Duration.ofMinutes(7), backends.getDuration("admin.timeouts.server"));
    assertEquals(
        java.time.Duration.ofSeconds(3),
        backends.getDuration("admin.timeouts.connect"),
        "other inherits from tcp-base");
    assertValid(r.hocon());
  }

  @Test
  void caBaseIsPutBeforeARelativeCaFile() throws IOException {
    ImportResult r =
        importHaproxy(
            "global\n  ca-base /etc/kubernetes/pki\n"
                + "defaults\n  mode tcp\n"
                + "frontend api\n  bind :8443\n  default_backend apis\n"
                + "backend apis\n  option httpchk GET /readyz\n"
                + "  server cp1 10.0.0.11:6443 check check-ssl verify required ca-file ca.crt\n");
    assertEquals("/etc/kubernetes/pki/ca.crt", backend(r).getString("check.ca-file"), r.hocon());
  }

  /** A conditional block is left out and said, not both of its branches applied. */
  @Test
  void aConditionalBlockIsLeftOutAndSaid() throws IOException {
    ImportResult r =
        importHaproxy(
            "defaults\n  mode tcp\n  timeout server 5m\n"
                + ".if defined(LONG_WATCHES)\n  timeout server 2h\n.else\n  timeout server 9m\n"
                + ".endif\n"
                + "frontend api\n  bind :8443\n  default_backend apis\n"
                + "backend apis\n  server cp1 10.0.0.11:6443 check\n");
    assertEquals(
        java.time.Duration.ofMinutes(5), backend(r).getDuration("timeouts.server"), r.hocon());
    assertTrue(
        r.warnings().stream().anyMatch(w -> w.contains("conditional block")),
        r.warnings()::toString);
    assertValid(r.hocon());
  }

  /** Values haproxy takes beyond vipd's ranges become the nearest vipd takes, each said. */
  @Test
  void valuesBeyondVipdsRangesAreBroughtInAndSaid() throws IOException {
    ImportResult r =
        importHaproxy(
            "global\n  maxconn 2000000\n"
                + "defaults\n  mode tcp\n  retries 200\n  timeout tunnel 10d\n"
                + "  timeout check 2h\n"
                + "frontend api\n  bind :8443\n  default_backend apis\n"
                + "backend apis\n  server cp1 10.0.0.11:6443 check inter 5\n");
    Config be = backend(r);
    assertEquals(100, be.getInt("retries"), r.hocon());
    assertEquals(java.time.Duration.ofDays(7), be.getDuration("timeouts.tunnel"));
    assertEquals(java.time.Duration.ofMillis(10), be.getDuration("check.interval"));
    assertEquals(java.time.Duration.ofHours(1), be.getDuration("check.timeout"));
    assertEquals(1_000_000, ConfigFactory.parseString(r.hocon()).getInt("proxy.maxconn"));
    assertEquals(
        5, r.hocon().split("beyond vipd's range", -1).length - 1, "each said: " + r.hocon());
    assertValid(r.hocon());
  }

  /** Server, frontend and check values haproxy takes beyond vipd's ranges; times it refuses. */
  @Test
  void serverAndFrontendValuesBeyondVipdsRangesAreBroughtInAndOverflowingTimesRefused()
      throws IOException {
    ImportResult r =
        importHaproxy(
            "defaults\n  mode tcp\n  timeout client 30d\n  timeout server 999999999999d\n"
                + "frontend api\n  bind :8443\n  maxconn 5000000\n  default_backend apis\n"
                + "backend apis\n  server cp1 10.0.0.11:6443 check fall 5000 rise 2000"
                + " maxconn 2000000\n");
    Config be = backend(r);
    Config server = be.getConfigList("servers").get(0);
    assertEquals(1_000_000, server.getInt("maxconn"), r.hocon());
    assertEquals(1000, be.getInt("check.fall"));
    assertEquals(1000, be.getInt("check.rise"));
    Config front = ConfigFactory.parseString(r.hocon()).getConfigList("proxy.frontends").get(0);
    assertEquals(1_000_000, front.getInt("maxconn"));
    assertEquals(
        4, r.hocon().split("beyond vipd's range", -1).length - 1, "each said: " + r.hocon());
    // haproxy refuses both ("timer overflow", at most 2147483647 ms); 12 digits of days wrapped
    // around to a negative time before
    assertFalse(be.hasPath("timeouts.client"), r.hocon());
    assertFalse(be.hasPath("timeouts.server"), r.hocon());
    assertEquals(
        2, r.hocon().split("up to 2147483647 ms", -1).length - 1, "each said: " + r.hocon());
    assertValid(r.hocon());
  }

  @Test
  void disabledInDefaultsDisablesTheSectionsAfterItUnlessTheySayEnabled() throws IOException {
    ImportResult r =
        importHaproxy(
            "defaults\n  mode tcp\n  disabled\n"
                + "frontend old\n  bind :9443\n  default_backend apis\n"
                + "frontend api\n  bind :8443\n  enabled\n  default_backend apis\n"
                + "backend apis\n  enabled\n  server cp1 10.0.0.11:6443 check\n");
    List<? extends Config> fronts =
        ConfigFactory.parseString(r.hocon()).getConfigList("proxy.frontends");
    assertEquals(List.of("api"), fronts.stream().map(f -> f.getString("name")).toList());
    assertTrue(r.hocon().contains("disabled in haproxy (disabled in defaults, "), r.hocon());
    assertValid(r.hocon());
  }

  @Test
  void aListenSectionTakingADefaultBackendSendsItsConnectionsThere() throws IOException {
    // haproxy 2.6: "the 'default_backend' rule always has precedence over the servers, which
    // will never be used" (tried: a connection to the listen reached backend b's server)
    ImportResult r =
        importHaproxy(
            "defaults\n  mode tcp\n  default_backend apis\n"
                + "backend apis\n  server cp1 10.0.0.11:6443 check\n"
                + "listen x\n  bind :8443\n  server other 10.0.0.99:6443\n");
    Config front = ConfigFactory.parseString(r.hocon()).getConfigList("proxy.frontends").get(0);
    assertEquals("apis", front.getString("backend"), r.hocon());
    assertTrue(r.hocon().contains("never to its own servers"), r.hocon());
    assertValid(r.hocon());
  }

  @Test
  void aDisabledFrontendIsNotImported() throws IOException {
    ImportResult r =
        importHaproxy(
            "defaults\n  mode tcp\n"
                + "frontend old\n  bind :9443\n  disabled\n  default_backend apis\n"
                + "frontend api\n  bind :8443\n  default_backend apis\n"
                + "backend apis\n  server cp1 10.0.0.11:6443 check\n");
    List<? extends Config> fronts =
        ConfigFactory.parseString(r.hocon()).getConfigList("proxy.frontends");
    assertEquals(1, fronts.size(), r.hocon());
    assertEquals("api", fronts.get(0).getString("name"));
    assertTrue(r.hocon().contains("disabled in haproxy"), r.hocon());
  }

  @Test
  void theV4AndV6OnlyWildcardPairIsOneDualStackFrontend() throws IOException {
    ImportResult r =
        importHaproxy(
            "defaults\n  mode tcp\n"
                + "frontend api\n  bind *:8443\n  bind :::8443 v6only\n  default_backend apis\n"
                + "backend apis\n  server cp1 10.0.0.11:6443 check\n");
    List<? extends Config> fronts =
        ConfigFactory.parseString(r.hocon()).getConfigList("proxy.frontends");
    assertEquals(1, fronts.size(), r.hocon());
    assertEquals("0.0.0.0:8443", fronts.get(0).getString("bind"));
    assertValid(r.hocon());

    // the same pair split over two frontends
    ImportResult split =
        importHaproxy(
            "defaults\n  mode tcp\n"
                + "frontend api\n  bind *:8443\n  default_backend apis\n"
                + "frontend api6\n  bind :::8443 v6only\n  default_backend apis\n"
                + "backend apis\n  server cp1 10.0.0.11:6443 check\n");
    assertEquals(
        1,
        ConfigFactory.parseString(split.hocon()).getConfigList("proxy.frontends").size(),
        split.hocon());
    assertValid(split.hocon());
  }

  @Test
  void anIpv6WildcardBindStaysIpv6() throws IOException {
    Config front =
        ConfigFactory.parseString(importWith("").hocon()).getConfigList("proxy.frontends").get(0);
    assertEquals("[::]:8443", front.getString("bind"));
  }
}
