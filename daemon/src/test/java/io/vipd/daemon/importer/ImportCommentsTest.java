package io.vipd.daemon.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every directive that is not carried over is named in a comment and a warning, with file:line. */
class ImportCommentsTest {

  @TempDir Path dir;

  private static void assertDropped(ImportResult r, String fixture, String file, String directive) {
    int line = Fixtures.lineOf(fixture, directive);
    String where = file + ":" + line;
    assertTrue(
        r.hocon().contains("# not carried over: " + directive + " (" + where + "): "),
        () -> "no comment for '" + directive + "' at " + where + " in\n" + r.hocon());
    assertTrue(
        r.warnings().stream()
            .anyMatch(w -> w.startsWith(where + ": not carried over: " + directive)),
        () -> "no warning for '" + directive + "' at " + where + " in " + r.warnings());
  }

  @Test
  void kubeadmHaproxyDirectivesThatVipdDoesNotNeedAreCommented() {
    ImportResult r =
        ConfigImporter.importConfigs(
            Fixtures.path("kubeadm-ha/keepalived.conf"), Fixtures.path("kubeadm-ha/haproxy.cfg"));
    String h = "kubeadm-ha/haproxy.cfg";
    for (String d :
        List.of(
            "log stdout format raw local0",
            "daemon",
            "log global",
            "option httplog",
            "option dontlognull",
            "option http-server-close",
            "option forwardfor except 127.0.0.0/8",
            "timeout http-request 10s",
            "timeout http-keep-alive 10s",
            "option tcplog")) {
      assertDropped(r, h, "haproxy.cfg", d);
    }
    assertDropped(r, "kubeadm-ha/keepalived.conf", "keepalived.conf", "router_id LVS_DEVEL");
    assertTrue(r.hocon().contains("vipd logs to stdout; use journald"));
    assertTrue(r.hocon().contains("redispatch = true"), "option redispatch is carried over");
    assertTrue(r.hocon().contains("queue = 20s"), "timeout queue is carried over");
  }

  @Test
  void keepalivedDirectivesThatVipdDoesNotNeedAreCommented() {
    ImportResult r =
        ConfigImporter.importConfigs(
            Fixtures.path("unicast/keepalived.conf"), Fixtures.path("unicast/haproxy.cfg"));
    String k = "unicast/keepalived.conf";
    assertDropped(r, k, "keepalived.conf", "notification_email");
    assertDropped(r, k, "keepalived.conf", "vrrp_sync_group G1");
    int brd = Fixtures.lineOf(k, "brd 10.0.0.255");
    assertTrue(
        r.hocon()
            .contains("not carried over: brd 10.0.0.255 scope global (keepalived.conf:" + brd));
    int auth = Fixtures.lineOf(k, "authentication {");
    assertTrue(r.hocon().contains("authentication (keepalived.conf:" + auth + "): VRRPv3 has no"));
    assertDropped(r, "unicast/conf.d/scripts.conf", "conf.d/scripts.conf", "user nobody");
    String h = "unicast/haproxy.cfg";
    assertDropped(r, h, "haproxy.cfg", "nbthread 2");
    assertDropped(r, h, "haproxy.cfg", "use_backend other if { src 10.1.0.0/16 }");
    assertTrue(
        r.hocon().contains("vipd's slowstart is per backend: every server gets server cp2's 30s"),
        r.hocon());
  }

  @Test
  void garpFormsWithoutAVipdKeySayWhyAndTheOthersAreCarried() {
    String k = "apiserver-direct/keepalived.conf";
    ImportResult r =
        ConfigImporter.importConfigs(
            Fixtures.path(k), Fixtures.path("apiserver-direct/haproxy.cfg"));
    assertDropped(r, k, "keepalived.conf", "vrrp_garp_interval 0.001");
    assertDropped(r, k, "keepalived.conf", "vrrp_garp_lower_prio_repeat 2");
    assertDropped(r, k, "keepalived.conf", "garp_lower_prio_delay 5");
    assertTrue(r.hocon().contains("back to back, with no delay between messages"), r.hocon());
    assertFalse(r.hocon().contains("not carried over: vrrp_garp_master"), r.hocon());
    assertFalse(r.hocon().contains("not carried over: garp_master"), r.hocon());
    assertFalse(r.hocon().contains("own schedule"), "the old, untrue reason");
  }

  @Test
  void absoluteIncludeFoundNowhereIsSaidInTheOutput() throws IOException {
    Path conf = dir.resolve("keepalived.conf");
    Files.writeString(
        conf,
        "include /nonexistent-vipd-test/conf.d/*.conf\n"
            + "vrrp_instance V {\n interface eth0\n virtual_router_id 5\n"
            + " virtual_ipaddress {\n  10.1.1.1/24\n }\n}\n");
    ImportResult r = ConfigImporter.importConfigs(conf, null);
    String expected =
        "# keepalived.conf:1: warning: include matches no file:"
            + " /nonexistent-vipd-test/conf.d/*.conf (looked there and beside the given"
            + " keepalived.conf as nonexistent-vipd-test/conf.d/*.conf, conf.d/*.conf);"
            + " whatever it defines is missing from this import";
    assertTrue(r.hocon().contains(expected + "\n"), r.hocon());
    assertTrue(r.usable(), "keepalived carries on too");
  }

  @Test
  void commentsAndWarningsAgree() {
    ImportResult r =
        ConfigImporter.importConfigs(
            Fixtures.path("three-masters/node2.conf"), Fixtures.path("three-masters/haproxy.cfg"));
    Pattern comment =
        Pattern.compile("# (not carried over|changed|review): (.*) \\(([^()]+:\\d+)\\): ");
    Matcher m = comment.matcher(r.hocon());
    int comments = 0;
    while (m.find()) {
      comments++;
      String expected = m.group(3) + ": " + m.group(1) + ": " + m.group(2) + ": ";
      assertTrue(
          r.warnings().stream().anyMatch(w -> w.startsWith(expected)),
          () -> "no warning " + expected + " in " + r.warnings());
    }
    assertEquals(r.warnings().size(), comments, r.warnings()::toString);
    assertTrue(comments >= 8, "the fixture has many dropped directives");
  }

  @Test
  void authenticationAhIsReportedAsNotSupported() throws IOException {
    Path conf = dir.resolve("keepalived.conf");
    Files.writeString(
        conf,
        "vrrp_instance V {\n interface eth0\n virtual_router_id 5\n"
            + " authentication {\n  auth_type AH\n  auth_pass x\n }\n"
            + " virtual_ipaddress {\n  10.1.1.1/24\n }\n}\n");
    ImportResult r = ConfigImporter.importConfigs(conf, null);
    assertTrue(r.hocon().contains("AH is not supported"), r.hocon());
    assertFalse(r.hocon().contains("authentication {"));
    assertTrue(r.warnings().get(0).startsWith("keepalived.conf:4: not carried over:"));
    assertTrue(r.usable());
  }

  @Test
  void initialMasterClearsNopreemptLikeKeepalived() throws IOException {
    Path conf = dir.resolve("keepalived.conf");
    Files.writeString(
        conf,
        "vrrp_instance V {\n state MASTER\n nopreempt\n interface eth0\n virtual_router_id 5\n"
            + " virtual_ipaddress {\n  10.1.1.1\n }\n}\n");
    ImportResult r = ConfigImporter.importConfigs(conf, null);
    var c = com.typesafe.config.ConfigFactory.parseString(r.hocon());
    var vi = c.getConfigList("vrrp.instances").get(0);
    assertEquals(255, vi.getInt("priority"), "keepalived: initial MASTER without priority");
    assertTrue(vi.getBoolean("preempt"));
    assertTrue(
        r.warnings().stream().anyMatch(w -> w.startsWith("keepalived.conf:3: changed: nopreempt")));
  }
}
