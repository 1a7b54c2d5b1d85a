package io.vipd.daemon.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vipd.vrrp.linux.NetnsLan;
import io.vipd.vrrp.linux.NetnsRequirement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vipd check --host} run as a real process inside a network namespace whose only interfaces
 * are {@code lo} and {@code eth0} (10.77.232.11/24), so the machine it judges is known.
 */
@Tag("netns")
class HostCheckNetnsTest {

  private static NetnsLan lan;

  @TempDir Path dir;

  @BeforeAll
  static void createNamespace() throws Exception {
    NetnsRequirement.require("setpriv");
    lan = NetnsLan.create(232, 1);
  }

  @AfterAll
  static void removeNamespace() {
    if (lan != null) {
      lan.close();
    }
  }

  private static String instance(String iface, String vip) {
    return "vrrp.instances = [ { name = VI_1, interface = "
        + iface
        + ", virtual-router-id = 51, virtual-ips = [\""
        + vip
        + "\"] } ]\nadmin.enabled = false\n";
  }

  private NetnsLan.ExecResult check(String config, String... prefix) throws Exception {
    Path f = dir.resolve("host.conf");
    Files.writeString(f, config);
    List<String> argv = new ArrayList<>(List.of(prefix));
    argv.addAll(
        List.of(
            NetnsLan.javaCommand(
                "io.vipd.daemon.Main", "check", "--host", "--config", f.toString())));
    return lan.exec(1, argv.toArray(String[]::new));
  }

  @Test
  void vipInTheSubnetOfAnExistingInterfacePasses() throws Exception {
    NetnsLan.ExecResult r = check(instance("eth0", "10.77.232.101/24"));
    assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
    assertTrue(r.stdout().endsWith("host.conf: valid\n"), r.stdout());
  }

  @Test
  void missingInterfaceFails() throws Exception {
    NetnsLan.ExecResult r = check(instance("eth9", "10.77.232.101/24"));
    assertEquals(1, r.exitCode(), r.stdout() + r.stderr());
    assertTrue(
        r.stdout()
            .contains(
                "host.conf: vrrp.instances[0].interface: interface eth9 does not exist on this"
                    + " host (it has: "),
        r.stdout());
    assertTrue(r.stdout().matches("(?s).*it has: [^)]*eth0[^)]*\\).*"), r.stdout());
    assertTrue(r.stdout().contains("host.conf: invalid, 1 error"), r.stdout());
  }

  @Test
  void vipOutsideEverySubnetWarns() throws Exception {
    NetnsLan.ExecResult r = check(instance("eth0", "192.168.5.1/24"));
    assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
    assertTrue(
        r.stdout()
            .contains(
                "host.conf: warning: vrrp.instances[0].virtual-ips[0]: VIP 192.168.5.1/24 is in no"
                    + " subnet of eth0 (10.77.232.11/24): hosts on the segment need a route to reach it\n"),
        r.stdout());
    assertTrue(r.stdout().endsWith("host.conf: valid (1 warning)\n"), r.stdout());
  }

  @Test
  void missingCapabilitiesFail() throws Exception {
    NetnsLan.ExecResult r =
        check(
            instance("eth0", "10.77.232.101/24"),
            "setpriv",
            "--bounding-set",
            "-net_admin,-net_raw",
            "--inh-caps",
            "-net_admin,-net_raw");
    assertEquals(1, r.exitCode(), r.stdout() + r.stderr());
    assertTrue(
        r.stdout()
            .contains(
                "host.conf: vrrp: VRRP needs root or CAP_NET_ADMIN and CAP_NET_RAW (raw sockets,"
                    + " addresses), which this process lacks"),
        r.stdout());
  }
}
