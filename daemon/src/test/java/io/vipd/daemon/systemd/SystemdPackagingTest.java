package io.vipd.daemon.systemd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vipd.daemon.manifest.AppJar;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code systemd/install.sh} into a staging root, the installed launcher running the installed jar,
 * and the installed unit checked by {@code systemd-analyze verify} (with ExecStart pointing at the
 * staged launcher, since verify checks that the binary exists).
 */
@Timeout(120)
class SystemdPackagingTest {

  @TempDir static Path shared;
  static Path jar;

  @BeforeAll
  static void buildJar() throws Exception {
    jar = AppJar.write(shared.resolve("vipd.jar"));
  }

  private static Tools.Result install(Path destdir, String prefix) throws Exception {
    return Tools.run(
        List.of(AppJar.repoDir().resolve("systemd/install.sh").toString(), jar.toString()),
        Map.of("DESTDIR", destdir.toString(), "PREFIX", prefix),
        60);
  }

  private static String mode(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  @Test
  void installsTheTreeIntoDestdir(@TempDir Path root) throws Exception {
    String usersBefore = Files.readString(Path.of("/etc/passwd"));
    Tools.Result r = install(root, "/usr");
    assertEquals(0, r.status(), r.output());
    assertEquals("rw-r--r--", mode(root.resolve("usr/share/vipd/vipd.jar")));
    assertEquals("rwxr-xr-x", mode(root.resolve("usr/bin/vipd")));
    assertEquals("rw-r--r--", mode(root.resolve("lib/systemd/system/vipd.service")));
    assertEquals("rw-r-----", mode(root.resolve("etc/vipd/vipd.conf")));
    assertEquals(
        Files.readString(AppJar.repoDir().resolve("systemd/vipd.conf.example")),
        Files.readString(root.resolve("etc/vipd/vipd.conf")));
    assertTrue(Files.isRegularFile(root.resolve("usr/share/vipd/vipd.conf.example")));
    assertTrue(
        Files.readString(root.resolve("lib/systemd/system/vipd.service"))
            .contains("\nExecStart=/usr/bin/vipd run --config /etc/vipd/vipd.conf\n"));
    assertEquals(
        usersBefore, Files.readString(Path.of("/etc/passwd")), "DESTDIR install added a user");
    assertFalse(Files.exists(root.resolve("var/lib/vipd")), "no AppCDS archive in DESTDIR mode");

    Tools.Result v =
        Tools.run(List.of(root.resolve("usr/bin/vipd").toString(), "version"), Map.of(), 60);
    assertEquals(0, v.status(), v.output());
    assertEquals("vipd " + AppJar.version() + "\n", v.output());

    // A second install keeps the operator's config.
    Files.writeString(root.resolve("etc/vipd/vipd.conf"), "# mine\n");
    Tools.Result again = install(root, "/usr");
    assertEquals(0, again.status(), again.output());
    assertTrue(again.output().contains("keeping the existing"), again.output());
    assertEquals("# mine\n", Files.readString(root.resolve("etc/vipd/vipd.conf")));
  }

  /**
   * {@code systemctl reload} runs the unit's ExecReload lines in order and stops at the first that
   * fails: the installed check line passes the example config and fails a broken one, so a broken
   * file is never signalled.
   */
  @Test
  void theReloadChecksTheConfigBeforeSignalling(@TempDir Path root) throws Exception {
    Tools.Result r = install(root, "/usr");
    assertEquals(0, r.status(), r.output());
    List<String> reload =
        Files.readString(root.resolve("lib/systemd/system/vipd.service"))
            .lines()
            .filter(l -> l.startsWith("ExecReload="))
            .map(l -> l.substring("ExecReload=".length()))
            .toList();
    assertEquals(2, reload.size(), reload.toString());
    assertTrue(reload.get(1).startsWith("/bin/kill -HUP"), "the signal comes last: " + reload);
    Path conf = root.resolve("etc/vipd/vipd.conf");
    List<String> check =
        List.of(
            reload
                .get(0)
                .replace("/usr/bin/vipd", root.resolve("usr/bin/vipd").toString())
                .replace("/etc/vipd/vipd.conf", conf.toString())
                .split(" "));
    Tools.Result good = Tools.run(check, Map.of(), 60);
    assertEquals(0, good.status(), good.output());
    Files.writeString(conf, Files.readString(conf) + "\nproxy.maxconn = -1\n");
    Tools.Result bad = Tools.run(check, Map.of(), 60);
    assertEquals(1, bad.status(), bad.output());
    assertTrue(bad.output().contains("proxy.maxconn"), bad.output());
  }

  @Test
  void prefixMovesLauncherAndExecStart(@TempDir Path root) throws Exception {
    Tools.Result r = install(root, "/opt/vipd");
    assertEquals(0, r.status(), r.output());
    assertTrue(Files.isRegularFile(root.resolve("opt/vipd/share/vipd/vipd.jar")));
    assertTrue(
        Files.readString(root.resolve("lib/systemd/system/vipd.service"))
            .contains("\nExecStart=/opt/vipd/bin/vipd run --config /etc/vipd/vipd.conf\n"));
  }

  @Test
  void installedUnitPassesSystemdAnalyzeVerify(@TempDir Path root) throws Exception {
    Tools.require("systemd-analyze");
    Tools.Result r = install(root, "/usr");
    assertEquals(0, r.status(), r.output());
    String unit = Files.readString(root.resolve("lib/systemd/system/vipd.service"));
    Path dir = Files.createDirectories(root.resolve("verify"));
    Path checked = dir.resolve("vipd.service");
    Files.writeString(
        checked, unit.replace("=/usr/bin/vipd ", "=" + root.resolve("usr/bin/vipd") + " "));
    Tools.Result ok =
        Tools.run(List.of("systemd-analyze", "verify", checked.toString()), Map.of(), 60);
    // verify exits 0 even for keys it ignores; any output means a problem.
    assertEquals(new Tools.Result(0, ""), ok);

    // The check has teeth: a misspelt value is reported.
    Files.writeString(checked, unit.replace("Type=notify\n", "Type=notifi\n"));
    Tools.Result bad =
        Tools.run(List.of("systemd-analyze", "verify", checked.toString()), Map.of(), 60);
    assertNotEquals("", bad.output());
  }

  @Test
  void unitHoldsTheAgreedPolicy() throws Exception {
    String unit = Files.readString(AppJar.repoDir().resolve("systemd/vipd.service"));
    for (String line :
        List.of(
            "Type=notify",
            "ExecReload=/usr/bin/vipd check --config /etc/vipd/vipd.conf",
            "ExecReload=/bin/kill -HUP $MAINPID",
            "Restart=always",
            "WorkingDirectory=/var/lib/vipd",
            "WatchdogSec=10s",
            "User=vipd",
            "AmbientCapabilities=CAP_NET_ADMIN CAP_NET_RAW CAP_NET_BIND_SERVICE",
            "CapabilityBoundingSet=CAP_NET_ADMIN CAP_NET_RAW CAP_NET_BIND_SERVICE",
            "NoNewPrivileges=yes",
            "ProtectSystem=strict",
            "ProtectHome=yes",
            "PrivateTmp=yes",
            "ProtectKernelTunables=yes",
            "ProtectControlGroups=yes",
            "RestrictAddressFamilies=AF_INET AF_INET6 AF_NETLINK AF_PACKET AF_UNIX",
            "LockPersonality=yes",
            "SystemCallArchitectures=native")) {
      assertTrue(unit.contains("\n" + line + "\n"), "missing: " + line);
    }
    assertFalse(unit.contains("\nMemoryDenyWriteExecute="), "the JIT needs W+X memory");
  }
}
