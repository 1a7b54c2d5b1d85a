package io.vipd.daemon.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Unreadable input makes the import unusable and names file:line; it never throws. */
class ImportErrorsTest {

  @TempDir Path dir;

  @Test
  void unbalancedBracesMakeTheImportUnusable() {
    ImportResult r = ConfigImporter.importConfigs(Fixtures.path("errors/unbalanced.conf"), null);
    assertFalse(r.usable());
    assertEquals(
        "unbalanced.conf:1: error: missing '}' for the block of vrrp_instance opened here",
        r.warnings().get(0));
    assertTrue(r.hocon().contains("# THE INPUT COULD NOT BE READ CORRECTLY"));
  }

  @Test
  void strayClosingBraceIsReportedWithItsLine() {
    ImportResult r = ConfigImporter.importConfigs(Fixtures.path("errors/extra-brace.conf"), null);
    assertFalse(r.usable());
    assertEquals(
        "extra-brace.conf:5: error: unexpected '}' without a matching '{'", r.warnings().get(0));
  }

  @Test
  void badHaproxyFileMakesTheImportUnusable() {
    ImportResult r =
        ConfigImporter.importConfigs(
            Fixtures.path("kubeadm-ha/keepalived.conf"), Fixtures.path("errors/bad-haproxy.cfg"));
    assertFalse(r.usable());
    assertTrue(
        r.warnings().contains("bad-haproxy.cfg:1: error: 'maxconn' appears before any section"));
  }

  @Test
  void missingFilesAreReportedNotThrown() {
    ImportResult r =
        ConfigImporter.importConfigs(dir.resolve("keepalived.conf"), dir.resolve("haproxy.cfg"));
    assertFalse(r.usable());
    assertTrue(
        r.warnings().get(0).startsWith("keepalived.conf: error: cannot read"),
        r.warnings()::toString);
    assertTrue(r.warnings().get(1).startsWith("haproxy.cfg: error: cannot read"));
  }

  @Test
  void configWithNothingUsableIsUnusable() throws IOException {
    Path conf = dir.resolve("keepalived.conf");
    Files.writeString(
        conf, "global_defs {\n router_id x\n}\nvrrp_instance V {\n priority 100\n}\n");
    ImportResult r = ConfigImporter.importConfigs(conf, null);
    assertFalse(r.usable());
    assertTrue(
        r.hocon()
            .contains("not carried over: vrrp_instance V (keepalived.conf:4): it has no interface"),
        r.hocon());
    assertTrue(com.typesafe.config.ConfigFactory.parseString(r.hocon()).isEmpty());
  }

  @Test
  void haproxyEnvironmentVariablesAreNamedAsTheProblem() throws IOException {
    Path k = dir.resolve("keepalived.conf");
    Files.writeString(k, "vrrp_instance V {\n interface eth0\n virtual_router_id 5\n}\n");
    Path h = dir.resolve("haproxy.cfg");
    Files.writeString(
        h,
        "frontend fe\n bind *:${APISERVER_DEST_PORT}\n default_backend be\n"
            + "backend be\n server ${HOST1_ID} ${HOST1_ADDRESS}:6443 check\n");
    ImportResult r = ConfigImporter.importConfigs(k, h);
    assertTrue(
        r.warnings().stream()
            .anyMatch(
                w ->
                    w.startsWith("haproxy.cfg:2: not carried over:")
                        && w.contains("environment variables")),
        r.warnings()::toString);
    assertTrue(
        r.warnings().stream().anyMatch(w -> w.startsWith("haproxy.cfg:5: not carried over:")));
    assertTrue(r.usable(), "the VRRP instance is still usable");
  }
}
