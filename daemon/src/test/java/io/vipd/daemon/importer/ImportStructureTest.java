package io.vipd.daemon.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reads each import back with Typesafe Config and checks the values that matter. */
class ImportStructureTest {

  private static Config importOf(String keepalived, String haproxy) {
    ImportResult r =
        ConfigImporter.importConfigs(
            Fixtures.path(keepalived), haproxy == null ? null : Fixtures.path(haproxy));
    assertTrue(r.usable(), () -> "usable: " + r.warnings());
    return ConfigFactory.parseString(r.hocon());
  }

  private static Config importOf(java.nio.file.Path keepalived, java.nio.file.Path haproxy) {
    ImportResult r = ConfigImporter.importConfigs(keepalived, haproxy);
    assertTrue(r.usable(), () -> "usable: " + r.warnings());
    return ConfigFactory.parseString(r.hocon());
  }

  private static Config instance(Config c, int index) {
    return c.getConfigList("vrrp.instances").get(index);
  }

  @Test
  void globalSslServerVerifyNoneMakesTheChecksInsecureAndServerMaxconnIsKept() {
    Config c = importOf("kubeadm-ha/keepalived.conf", "verify-none/haproxy.cfg");
    Config be = c.getConfig("proxy.backends.apiservers");
    assertEquals("https", be.getString("check.type"));
    assertTrue(be.getBoolean("check.insecure"), "haproxy verified nothing: ssl-server-verify none");
    assertEquals(500, be.getConfigList("servers").get(0).getInt("maxconn"));
    assertTrue(!be.getConfigList("servers").get(1).hasPath("maxconn"));
  }

  @Test
  void kubeadmGuideMasterNode() {
    Config c = importOf("kubeadm-ha/keepalived.conf", "kubeadm-ha/haproxy.cfg");
    Config vi = instance(c, 0);
    assertEquals("VI_1", vi.getString("name"));
    assertEquals("eth0", vi.getString("interface"));
    assertEquals(51, vi.getInt("virtual-router-id"));
    assertEquals(101, vi.getInt("priority"));
    assertEquals(2, vi.getInt("version"));
    assertEquals(Duration.ofSeconds(1), vi.getDuration("advert-interval"));
    // keepalived's state MASTER below 255 waits for a master like a backup: so does vipd's backup
    assertEquals("backup", vi.getString("initial-state"));
    assertTrue(vi.getBoolean("preempt"));
    assertEquals("pass", vi.getString("authentication.type"));
    assertEquals("42", vi.getString("authentication.password"));
    assertEquals(List.of("192.168.1.100/32"), vi.getStringList("virtual-ips"));
    List<? extends Config> tracked = vi.getConfigList("track.checks");
    assertEquals(1, tracked.size(), "the script already tracks the proxy: no second check");
    assertEquals("check_apiserver", tracked.get(0).getString("name"));
    assertEquals(-2, tracked.get(0).getInt("weight"), "the guide's weight is kept");
    assertFalse(vi.hasPath("unicast"), "multicast like the guide");

    // The guide's script curls haproxy's own port (8443): it becomes tracking of vipd's proxy.
    Config check = c.getConfig("checks.check_apiserver");
    assertEquals("proxy", check.getString("type"));
    assertEquals("apiserverbackend", check.getString("backend"));
    assertEquals(1, check.getInt("min-servers-up"));
    assertFalse(check.hasPath("url"));
    assertEquals(Duration.ofSeconds(3), check.getDuration("interval"));
    assertEquals(Duration.ofSeconds(3), check.getDuration("timeout"), "keepalived: the interval");
    assertEquals(10, check.getInt("fall"));
    assertEquals(2, check.getInt("rise"));
    assertFalse(c.hasPath("checks.proxy-ready"), "an equivalent check came from the script");

    Config fe = c.getConfigList("proxy.frontends").get(0);
    assertEquals("apiserver", fe.getString("name"));
    assertEquals("0.0.0.0:8443", fe.getString("bind"));
    assertEquals("apiserverbackend", fe.getString("backend"));
    Config be = c.getConfig("proxy.backends.apiserverbackend");
    assertEquals("roundrobin", be.getString("balance"));
    assertEquals(
        List.of("192.168.1.11:6443", "192.168.1.12:6443", "192.168.1.13:6443"),
        be.getConfigList("servers").stream().map(s -> s.getString("address")).toList());
    assertEquals("https", be.getString("check.type"), "http-check connect ssl");
    assertEquals("/healthz", be.getString("check.path"), "the path the user wrote");
    assertTrue(be.getBoolean("check.insecure"), "verify none");
    assertEquals(200, be.getInt("check.expect-status"));
    assertEquals(Duration.ofSeconds(2), be.getDuration("check.interval"), "haproxy default");
    assertEquals(Duration.ofSeconds(10), be.getDuration("check.timeout"), "timeout check 10s");
    assertEquals(3, be.getInt("check.fall"));
    assertEquals(2, be.getInt("check.rise"));
    assertEquals(Duration.ofSeconds(5), be.getDuration("timeouts.connect"), "from defaults");
    assertEquals(Duration.ofSeconds(35), be.getDuration("timeouts.client"));
    assertEquals(Duration.ofSeconds(35), be.getDuration("timeouts.server"));
    assertEquals(1, be.getInt("retries"), "from defaults");
  }

  @Test
  void kubeadmGuideBackupNodeWithOlderHaproxyConfig() {
    Config c = importOf("kubeadm-ha-backup/keepalived.conf", "kubeadm-ha-backup/haproxy.cfg");
    assertEquals(100, instance(c, 0).getInt("priority"));
    assertEquals("backup", instance(c, 0).getString("initial-state"));
    // The script reads its port from a variable it defines: haproxy's port, so the proxy.
    assertEquals("proxy", c.getString("checks.check_apiserver.type"));
    assertEquals("apiserverbackend", c.getString("checks.check_apiserver.backend"));
    Config be = c.getConfig("proxy.backends.apiserverbackend");
    assertEquals("tls", be.getString("check.type"), "ssl-hello-chk comes last and wins");
    assertFalse(be.hasPath("check.path"));
    assertEquals(Duration.ofSeconds(20), be.getDuration("timeouts.client"));
  }

  @Test
  void threeMastersHavePriorities101To99AndTrackTheProxy() {
    int[] priorities = {101, 100, 99};
    for (int n = 1; n <= 3; n++) {
      Config c = importOf("three-masters/node" + n + ".conf", "three-masters/haproxy.cfg");
      Config vi = instance(c, 0);
      assertEquals(priorities[n - 1], vi.getInt("priority"));
      assertEquals("backup", vi.getString("initial-state"), "state MASTER below 255 waits too");
      assertEquals(60, vi.getInt("virtual-router-id"));
      assertEquals("k8s-cont", vi.getString("authentication.password"), "8 bytes on the wire");
      List<? extends Config> tracked = vi.getConfigList("track.checks");
      assertEquals(2, tracked.size(), "chk_haproxy already tracks the proxy");
      assertFalse(c.hasPath("checks.proxy-ready"));
      assertEquals("chk_haproxy", tracked.get(0).getString("name"));
      assertEquals(2, tracked.get(0).getInt("weight"), "the script's weight");
      assertEquals("check_apiserver", tracked.get(1).getString("name"));
      assertEquals(-10, tracked.get(1).getInt("weight"), "track_script override");
      Config iface = vi.getConfigList("track.interfaces").get(0);
      assertEquals("ens192", iface.getString("name"));
      assertEquals(-50, iface.getInt("weight"));

      assertEquals("proxy", c.getString("checks.chk_haproxy.type"));
      assertEquals(
          c.getConfigList("proxy.frontends").get(0).getString("backend"),
          c.getString("checks.chk_haproxy.backend"));
      assertEquals("https://127.0.0.1:6443/readyz", c.getString("checks.check_apiserver.url"));
      assertEquals(
          Duration.ofSeconds(2), c.getDuration("checks.check_apiserver.timeout"), "--max-time 2");

      assertEquals(4000, c.getInt("proxy.maxconn"));
      Config fe = c.getConfigList("proxy.frontends").get(0);
      assertEquals(1000, fe.getInt("maxconn"));
      assertEquals(1, c.getConfigList("proxy.frontends").size(), "listen stats is dropped");
      Config be = c.getConfig("proxy.backends.k8s-api");
      assertEquals("leastconn", be.getString("balance"));
      assertEquals("https", be.getString("check.type"), "default-server check-ssl");
      assertEquals("/readyz", be.getString("check.path"));
      assertEquals(Duration.ofSeconds(3), be.getDuration("check.interval"));
      assertEquals(Duration.ofSeconds(1), be.getDuration("check.fast-interval"));
      assertEquals(Duration.ofMillis(5000), be.getDuration("timeouts.connect"), "unitless = ms");
      assertEquals(Duration.ofMinutes(1), be.getDuration("timeouts.server"));
      assertEquals(3, be.getInt("retries"));
      assertEquals("shutdown-sessions", be.getString("on-marked-down"));
    }
  }

  @Test
  void unicastVrrpV3WithIncludedScriptsAndListenSection() {
    Config c = importOf("unicast/keepalived.conf", "unicast/haproxy.cfg");
    Config vi = instance(c, 0);
    assertEquals(3, vi.getInt("version"), "global_defs vrrp_version");
    assertEquals(Duration.ofMillis(500), vi.getDuration("advert-interval"));
    assertEquals("pseudo-header", vi.getString("checksum-mode"), "keepalived's default");
    assertEquals(Duration.ofSeconds(5), vi.getDuration("preempt-delay"));
    assertFalse(vi.hasPath("authentication"), "VRRPv3 has none");
    assertEquals("10.0.0.11", vi.getString("unicast.source"));
    assertEquals(List.of("10.0.0.12", "10.0.0.13"), vi.getStringList("unicast.peers"));
    assertEquals(
        List.of("10.0.0.100/24 label eth1:vip", "10.0.1.100/24 dev eth2"),
        vi.getStringList("virtual-ips"));
    assertEquals(0, vi.getConfigList("track.interfaces").get(1).getInt("weight"), "FAULT");
    assertEquals(Duration.ofSeconds(1), vi.getDuration("garp.delay"), "garp_master_delay 1");
    assertFalse(vi.hasPath("garp.repeat"), "not written: vipd's default is keepalived's");
    assertEquals("/etc/keepalived/notify.sh master", vi.getString("notify.master"));
    assertEquals("/etc/keepalived/notify.sh stop", vi.getString("notify.stop"));
    assertEquals("/etc/keepalived/notify-any.sh", vi.getString("notify.any"));

    Config ready = c.getConfig("checks.chk_ready");
    assertEquals("exec", ready.getString("type"));
    assertTrue(ready.getBoolean("shell"));
    assertEquals(
        List.of("test -f /run/ready && grep -q ok /run/ready"), ready.getStringList("command"));
    assertEquals("proxy", c.getString("checks.chk_proxy_port.type"));
    assertEquals("kube-api", c.getString("checks.chk_proxy_port.backend"));
    assertEquals(-40, vi.getConfigList("track.checks").get(1).getInt("weight"));

    List<? extends Config> fes = c.getConfigList("proxy.frontends");
    assertEquals(
        List.of("0.0.0.0:7443", "10.0.0.100:8443"),
        fes.stream().map(f -> f.getString("bind")).toList());
    assertEquals("kube-api", fes.get(1).getString("backend"));
    Config be = c.getConfig("proxy.backends.kube-api");
    assertEquals("source", be.getString("balance"));
    assertEquals("tls", be.getString("check.type"));
    assertEquals(Duration.ofSeconds(1), be.getDuration("check.interval"), "default-server inter");
    assertEquals(2, be.getInt("check.fall"));
    List<? extends Config> servers = be.getConfigList("servers");
    assertEquals(10, servers.get(0).getInt("weight"));
    assertTrue(servers.get(2).getBoolean("backup"));
    assertFalse(servers.get(0).hasPath("backup"));
    assertEquals(Duration.ofHours(1), be.getDuration("timeouts.tunnel"));
    assertEquals(Duration.ofSeconds(5), be.getDuration("timeouts.client-fin"));
    assertEquals(Duration.ofSeconds(30), be.getDuration("timeouts.client"), "30000 ms");
    Config web = c.getConfig("proxy.backends.static-web");
    assertEquals("roundrobin", web.getString("balance"), "balance uri is not supported");
    assertEquals(
        "none", web.getString("check.type"), "haproxy did not check these servers; nor does vipd");
  }

  @Test
  void fateSharingIsAddedToEveryInstanceWithWeightZero() {
    Config c = importOf("apiserver-direct/keepalived.conf", "apiserver-direct/haproxy.cfg");
    Config proxy = c.getConfig("checks.proxy-ready");
    assertEquals("proxy", proxy.getString("type"));
    assertEquals("apiservers", proxy.getString("backend"));
    assertEquals(1, proxy.getInt("min-servers-up"));

    Config vi1 = instance(c, 0);
    List<? extends Config> t1 = vi1.getConfigList("track.checks");
    assertEquals(List.of("chk_apiserver", "proxy-ready"), names(t1));
    assertEquals(-60, t1.get(0).getInt("weight"), "the script's own weight");
    assertEquals(0, t1.get(1).getInt("weight"), "FAULT: the VIP leaves at once");

    Config vi2 = instance(c, 1);
    assertFalse(vi2.getBoolean("preempt"));
    List<? extends Config> t2 = vi2.getConfigList("track.checks");
    assertEquals(List.of("proxy-ready"), names(t2));
    assertEquals(0, t2.get(0).getInt("weight"), "FAULT, with or without preemption");
  }

  @Test
  void fateSharingWeightIsZeroOverThePriorityRange() throws java.io.IOException {
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("vipd-import");
    try {
      java.nio.file.Path haproxy = dir.resolve("haproxy.cfg");
      java.nio.file.Files.copy(Fixtures.path("apiserver-direct/haproxy.cfg"), haproxy);
      long[][] cases = {{255, 0}, {254, 0}, {2, 0}, {1, 0}};
      for (long[] pw : cases) {
        java.nio.file.Path conf = dir.resolve("keepalived.conf");
        java.nio.file.Files.writeString(
            conf,
            "vrrp_instance V {\n interface eth0\n virtual_router_id 5\n priority "
                + pw[0]
                + "\n virtual_ipaddress {\n  10.1.1.1/24\n }\n}\n");
        Config vi = instance(importOf(conf, haproxy), 0);
        Config t = vi.getConfigList("track.checks").get(0);
        assertEquals("proxy-ready", t.getString("name"));
        assertEquals(pw[1], t.getLong("weight"), "priority " + pw[0]);
      }
    } finally {
      try (var files = java.nio.file.Files.list(dir)) {
        for (java.nio.file.Path f : files.toList()) {
          java.nio.file.Files.delete(f);
        }
      }
      java.nio.file.Files.delete(dir);
    }
  }

  @Test
  void balanceFirstAndCheckPortAreCarriedOverAndStaticRoundRobinBecomesRoundRobin(
      @TempDir java.nio.file.Path dir) throws java.io.IOException {
    java.nio.file.Path haproxy = dir.resolve("haproxy.cfg");
    java.nio.file.Files.writeString(
        haproxy,
        "defaults\n mode tcp\n timeout connect 5s\n timeout client 1m\n timeout server 1m\n"
            + "frontend api\n bind *:8443\n default_backend filled\n"
            + "backend filled\n balance first\n"
            + " server cp1 10.0.0.11:6443 maxconn 100 maxqueue 256 check port 6444\n"
            + "backend fixed\n balance static-rr\n server cp1 10.0.0.11:6443\n");
    ImportResult r =
        ConfigImporter.importConfigs(Fixtures.path("kubeadm-ha/keepalived.conf"), haproxy);
    Config c = ConfigFactory.parseString(r.hocon());
    assertEquals("first", c.getString("proxy.backends.filled.balance"));
    assertEquals(6444, c.getInt("proxy.backends.filled.check.port"), "haproxy's check port");
    assertEquals("roundrobin", c.getString("proxy.backends.fixed.balance"));
    assertTrue(r.hocon().contains("the same order while they are not changed"), r.hocon());
    assertTrue(
        r.hocon().contains("without the options maxqueue 256: vipd queues per backend"), r.hocon());
  }

  @Test
  void passiveHealthSlowstartAndServerFinAreCarriedOver(@TempDir java.nio.file.Path dir)
      throws java.io.IOException {
    java.nio.file.Path haproxy = dir.resolve("haproxy.cfg");
    java.nio.file.Files.writeString(
        haproxy,
        "defaults\n mode tcp\n timeout connect 5s\n timeout client 1m\n timeout server 1m\n"
            + " timeout server-fin 30s\n"
            + "frontend api\n bind *:8443\n default_backend observed\n"
            + "backend observed\n default-server check observe layer4 on-error sudden-death"
            + " on-marked-up shutdown-backup-sessions"
            + " slowstart 30s\n"
            + " server cp1 10.0.0.11:6443\n server cp2 10.0.0.12:6443\n"
            + "backend limited\n server cp1 10.0.0.11:6443 check observe layer4 error-limit 3"
            + " on-error fastinter\n"
            + "backend unobserved\n server cp1 10.0.0.11:6443 check\n"
            + "backend mixed\n server cp1 10.0.0.11:6443 check observe layer4 error-limit 5000\n"
            + " server cp2 10.0.0.12:6443 check\n");
    Config c = importOf(Fixtures.path("kubeadm-ha/keepalived.conf"), haproxy);
    Config observed = c.getConfig("proxy.backends.observed");
    assertEquals("layer4", observed.getString("observe"));
    assertEquals(10, observed.getInt("error-limit"), "haproxy's default with observe");
    assertEquals("sudden-death", observed.getString("on-error"));
    assertEquals(Duration.ofSeconds(30), observed.getDuration("slowstart"));
    assertEquals("shutdown-backup-sessions", observed.getString("on-marked-up"));
    assertEquals(Duration.ofSeconds(30), observed.getDuration("timeouts.server-fin"));
    Config limited = c.getConfig("proxy.backends.limited");
    assertEquals(3, limited.getInt("error-limit"));
    assertEquals("fast-interval", limited.getString("on-error"));
    Config unobserved = c.getConfig("proxy.backends.unobserved");
    assertFalse(unobserved.hasPath("observe"), "vipd's default, which the comment explains");
    assertFalse(unobserved.hasPath("slowstart"));
    ImportResult r =
        ConfigImporter.importConfigs(Fixtures.path("kubeadm-ha/keepalived.conf"), haproxy);
    assertTrue(r.hocon().contains("no 'observe layer4' in haproxy"), r.hocon());
    assertEquals(1000, c.getInt("proxy.backends.mixed.error-limit"), "vipd's largest");
    assertTrue(r.hocon().contains("vipd's error-limit is at most 1000"), r.hocon());
    assertTrue(
        r.hocon().contains("on-error are per backend: server cp1's apply"),
        "cp2 has no observe: " + r.hocon());
    assertFalse(r.hocon().contains("without the options observe"), "not reported as dropped");
  }

  @Test
  void keepalivedTimingIsKeptAsWrittenAndGarpValuesAreCarried() {
    Config c = importOf("apiserver-direct/keepalived.conf", "apiserver-direct/haproxy.cfg");
    Config chk = c.getConfig("checks.chk_apiserver");
    assertEquals(Duration.ofSeconds(1), chk.getDuration("interval"));
    assertEquals(Duration.ofSeconds(3), chk.getDuration("timeout"), "timeout 3, as written");

    Config vi1 = instance(c, 0);
    assertEquals(2, vi1.getInt("garp.repeat"), "the instance's garp_master_repeat wins");
    assertEquals(Duration.ofSeconds(60), vi1.getDuration("garp.refresh"), "global default");
    assertEquals(2, vi1.getInt("garp.refresh-repeat"));
    assertFalse(vi1.hasPath("garp.delay"));
    Config vi2 = instance(c, 1);
    assertEquals(3, vi2.getInt("garp.repeat"), "vrrp_garp_master_repeat of global_defs");
    assertEquals(Duration.ofSeconds(60), vi2.getDuration("garp.refresh"));
  }

  @Test
  void minGarpMeansOneAnnouncementAndNoSecondBurstUnlessSetExplicitly() throws java.io.IOException {
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("vipd-import");
    java.nio.file.Path conf = dir.resolve("keepalived.conf");
    try {
      java.nio.file.Files.writeString(
          conf,
          "global_defs {\n vrrp_garp_master_repeat 4\n vrrp_min_garp\n}\n"
              + "vrrp_instance V {\n interface eth0\n virtual_router_id 5\n"
              + " virtual_ipaddress {\n  10.1.1.1/24\n }\n}\n");
      Config vi = instance(importOf(conf, null), 0);
      assertEquals(4, vi.getInt("garp.repeat"), "keepalived keeps a value already set");
      assertEquals(Duration.ZERO, vi.getDuration("garp.delay"));
    } finally {
      java.nio.file.Files.deleteIfExists(conf);
      java.nio.file.Files.delete(dir);
    }
  }

  private static List<String> names(List<? extends Config> tracked) {
    return tracked.stream().map(t -> t.getString("name")).toList();
  }

  @Test
  void missingScriptFileBecomesExecCheckWithWarning() {
    ImportResult r =
        ConfigImporter.importConfigs(Fixtures.path("missing-script/keepalived.conf"), null);
    Config c = ConfigFactory.parseString(r.hocon());
    Config check = c.getConfig("checks.chk_custom");
    assertEquals("exec", check.getString("type"));
    assertEquals(
        List.of("/etc/keepalived/does_not_exist.sh", "--quick"), check.getStringList("command"));
    assertFalse(check.hasPath("shell"));
    assertEquals(Duration.ofSeconds(5), check.getDuration("timeout"), "keepalived: the interval");
    assertEquals(-30, instance(c, 0).getConfigList("track.checks").get(0).getInt("weight"));
    assertEquals(100, instance(c, 0).getInt("priority"), "keepalived's default");
    assertTrue(
        r.warnings().stream()
            .anyMatch(
                w ->
                    w.startsWith("keepalived.conf:1: review:")
                        && w.contains("/etc/keepalived/does_not_exist.sh not found")),
        () -> "warnings: " + r.warnings());
    assertTrue(r.hocon().contains("# review: vrrp_script chk_custom (keepalived.conf:1)"));
    assertTrue(r.usable());
  }

  @Test
  void keepalivedOnlyImportHasNoProxy() {
    Config c = importOf("kubeadm-ha/keepalived.conf", null);
    assertFalse(c.hasPath("proxy"));
    assertEquals(101, instance(c, 0).getInt("priority"));
    // Without haproxy's frontends the script is still recognised by its name and curl.
    assertEquals("https", c.getString("checks.check_apiserver.type"));
  }
}
