package io.vipd.daemon.systemd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vipd.daemon.config.ConfigLoader;
import io.vipd.daemon.config.DaemonConfig;
import io.vipd.daemon.config.LoadResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which capabilities a configuration needs and the message for each missing one. */
class CapabilityCheckTest {

  private static final String VRRP =
      "vrrp.instances = [ { name = VI_1, interface = eth0, virtual-router-id = 51,"
          + " virtual-ips = [\"192.168.1.100/24\"] } ]\nadmin.enabled = false\n";
  private static final String PROXY_443 =
      "proxy { frontends = [ { name = api, bind = \"0.0.0.0:443\", backend = b } ]\n"
          + " backends.b { servers = [ { name = s1, address = \"127.0.0.1:6443\" } ] } }\n"
          + "admin.bind = \"127.0.0.1:9188\"\n";
  private static final String GRANT =
      "; run as root or grant it (systemd: AmbientCapabilities=CAP_NET_ADMIN CAP_NET_RAW"
          + " CAP_NET_BIND_SERVICE; Kubernetes: securityContext.capabilities.add)";

  @TempDir Path dir;

  private DaemonConfig config(String text) throws Exception {
    Path f = dir.resolve("vipd.conf");
    Files.writeString(f, text);
    LoadResult r = ConfigLoader.load(f);
    return r.config().orElseThrow(() -> new AssertionError(r.errors().toString()));
  }

  private static String status(String capEff) {
    return "Name:\tjava\nUid:\t1000\t1000\t1000\t1000\nCapInh:\t0000000000000000\n"
        + "CapPrm:\t"
        + capEff
        + "\nCapEff:\t"
        + capEff
        + "\nCapBnd:\t000001ffffffffff\n";
  }

  /**
   * The kernel's lowest unprivileged port as {@code /proc} has it: read whole. A {@code /proc/sys}
   * file reports size 0, and {@code Files.readString} returned its first byte only: 1 for 1024.
   */
  @Test
  void theUnprivilegedPortStartIsReadWhole() throws Exception {
    Path file = Path.of("/proc/sys/net/ipv4/ip_unprivileged_port_start");
    int expected = Integer.parseInt(Files.readAllLines(file).get(0).trim());
    assertEquals(expected, CapabilityCheck.unprivilegedPortStart());
  }

  @Test
  void plainUserWithVrrpMissesRawAndAdmin() throws Exception {
    assertEquals(
        List.of(
            "vipd: missing capability CAP_NET_RAW (needed for VRRP raw sockets)" + GRANT,
            "vipd: missing capability CAP_NET_ADMIN (needed to add and remove the virtual IPs)"
                + GRANT),
        CapabilityCheck.missing(config(VRRP), status("0000000000000000"), 1024));
  }

  @Test
  void rootOrTheUnitsAmbientSetPasses() throws Exception {
    assertEquals(
        List.of(), CapabilityCheck.missing(config(VRRP), status("000001ffffffffff"), 1024));
    // CAP_NET_BIND_SERVICE | CAP_NET_ADMIN | CAP_NET_RAW, what vipd.service grants.
    assertEquals(
        List.of(), CapabilityCheck.missing(config(VRRP), status("0000000000003400"), 1024));
    assertEquals(
        List.of(), CapabilityCheck.missing(config(PROXY_443), status("0000000000003400"), 1024));
  }

  @Test
  void containerThatDroppedOnlyNetRaw() throws Exception {
    assertEquals(
        List.of("vipd: missing capability CAP_NET_RAW (needed for VRRP raw sockets)" + GRANT),
        CapabilityCheck.missing(config(VRRP), status("0000000000001000"), 1024));
  }

  @Test
  void lowPortNeedsBindServiceUnlessTheSysctlAllowsIt() throws Exception {
    assertEquals(
        List.of(
            "vipd: missing capability CAP_NET_BIND_SERVICE (needed to listen on port 443)" + GRANT),
        CapabilityCheck.missing(config(PROXY_443), status("0000000000000000"), 1024));
    assertEquals(
        List.of(), CapabilityCheck.missing(config(PROXY_443), status("0000000000000000"), 0));
  }

  @Test
  void proxyOnHighPortsNeedsNothing() throws Exception {
    String text = PROXY_443.replace("0.0.0.0:443", "0.0.0.0:8443");
    assertEquals(
        List.of(), CapabilityCheck.missing(config(text), status("0000000000000000"), 1024));
  }

  @Test
  void unreadableStatusIsNotAVerdict() throws Exception {
    assertEquals(List.of(), CapabilityCheck.missing(config(VRRP), "Name:\tjava\n", 1024));
    assertEquals(OptionalLong.empty(), CapabilityCheck.effectiveSet("CapEff:\tzz\n"));
    assertEquals(OptionalLong.of(0x3400), CapabilityCheck.effectiveSet(status("0000000000003400")));
  }
}
