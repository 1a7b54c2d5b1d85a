package io.vipd.daemon.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vipd.vrrp.packet.Ipv4ChecksumMode;
import io.vipd.vrrp.packet.VrrpVersion;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The example of CONFIG.md (copied verbatim into test resources) through the loader. */
class ConfigMdExampleTest {

  @TempDir Path dir;

  @Test
  void verbatimExampleIsRefusedOnlyForPasswordOnVersion3() throws Exception {
    // CONFIG.md shows "authentication" (v2 only) inside a version 3 instance to list every key;
    // the loader must catch exactly that and nothing else.
    LoadResult r = TestFiles.load(dir, TestFiles.resource("/config/config-md-example.conf"));
    assertEquals(
        List.of(
            dir.resolve("vipd.conf")
                + ":12: vrrp.instances[0].authentication.type: found pass on a version 3 instance,"
                + " expected none (VRRPv3 has no authentication, RFC 5798 section 9)"),
        TestFiles.formatted(r.errors()));
    assertTrue(r.config().isEmpty());
  }

  @Test
  void exampleAsVersion2LoadsIntoRecords() throws Exception {
    String text =
        TestFiles.resource("/config/config-md-example.conf")
            .replace("version = 3 ", "version = 2 ")
            .replace(
                "backup = ..., fault = ..., stop = ...",
                "backup = /etc/vipd/b.sh, fault = /etc/vipd/f.sh, stop = /etc/vipd/s.sh");
    LoadResult r = TestFiles.load(dir, text);
    assertEquals(List.of(), r.errors());
    assertEquals(List.of(), r.warnings());
    DaemonConfig c = r.config().orElseThrow();

    VrrpInstanceConfig i = c.vrrp().instances().get(0);
    assertEquals(1, c.vrrp().instances().size());
    assertEquals("VI_1", i.name());
    assertEquals("eth0", i.interfaceName());
    assertEquals(51, i.virtualRouterId());
    assertEquals(101, i.priority());
    assertEquals(VrrpVersion.V2, i.version());
    assertEquals(Duration.ofSeconds(1), i.advertInterval());
    assertEquals(InitialState.BACKUP, i.initialState());
    assertTrue(i.preempt());
    assertEquals(Duration.ZERO, i.preemptDelay());
    assertEquals("42", i.authentication().orElseThrow().password().reveal());
    assertEquals(Ipv4ChecksumMode.PSEUDO_HEADER, i.checksumMode());
    assertTrue(i.lowerPriorityAdvert());
    UnicastConfig u = i.unicast().orElseThrow();
    assertEquals(Optional.of(InetAddress.getByName("10.0.0.11")), u.source());
    assertEquals(
        List.of(InetAddress.getByName("10.0.0.12"), InetAddress.getByName("10.0.0.13")), u.peers());
    assertEquals(
        List.of(
            new VirtualIp(InetAddress.getByName("192.168.1.100"), 24, "eth0", Optional.empty())),
        i.virtualIps());
    assertEquals(IpFamily.IPV4, i.family());
    assertEquals(List.of(new TrackConfig.Tracked("apiserver", -20)), i.track().checks());
    assertEquals(List.of(new TrackConfig.Tracked("eth0", 0)), i.track().interfaces());
    assertEquals(
        new NotifyConfig(
            Optional.of("/etc/vipd/notify.sh"),
            Optional.of("/etc/vipd/b.sh"),
            Optional.of("/etc/vipd/f.sh"),
            Optional.of("/etc/vipd/s.sh"),
            Optional.empty(),
            Duration.ofSeconds(30)),
        i.notifyScripts());
    assertEquals(new GarpConfig(5, Duration.ofSeconds(5), Duration.ZERO, 1), i.garp());

    assertEquals(
        List.of("apiserver", "flag", "haproxy-alive", "script"), List.copyOf(c.checks().keySet()));
    CheckConfig api = c.checks().get("apiserver");
    assertEquals(CheckType.HTTPS, api.type());
    assertEquals(Optional.of(URI.create("https://127.0.0.1:6443/readyz")), api.url());
    assertTrue(api.insecure());
    assertEquals(200, api.expectStatus());
    assertEquals(Duration.ofSeconds(1), api.interval());
    assertEquals(Duration.ofSeconds(1), api.timeout());
    assertEquals(3, api.fall());
    assertEquals(2, api.rise());
    CheckConfig tcp = c.checks().get("haproxy-alive");
    assertEquals(CheckType.TCP, tcp.type());
    assertEquals(Optional.of(new HostPort("127.0.0.1", 8443)), tcp.address());
    CheckConfig script = c.checks().get("script");
    assertEquals(CheckType.EXEC, script.type());
    assertEquals(List.of("/etc/vipd/check.sh", "arg"), script.command());
    assertFalse(script.shell());
    assertEquals(Duration.ofSeconds(2), script.timeout());
    assertEquals(Duration.ofSeconds(3), script.interval());
    CheckConfig flag = c.checks().get("flag");
    assertEquals(CheckType.FILE, flag.type());
    assertEquals(Optional.of(Path.of("/run/vipd/healthy")), flag.path());

    ProxyConfig p = c.proxy();
    assertEquals(
        List.of(new FrontendConfig("apiserver", new HostPort("0.0.0.0", 8443), "apiservers", 0)),
        p.frontends());
    assertEquals(10000, p.maxconn());
    BackendConfig b = p.backends().get("apiservers");
    assertEquals(Balance.ROUNDROBIN, b.balance());
    assertEquals(
        List.of(
            new ServerConfig("cp1", new HostPort("10.0.0.11", 6443), 1, false, 0),
            new ServerConfig("cp2", new HostPort("10.0.0.12", 6443), 2, false, 0)),
        b.servers());
    assertEquals(
        new BackendCheckConfig(
            BackendCheckType.HTTPS,
            "/readyz",
            true,
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            200,
            Duration.ofSeconds(2),
            Duration.ofSeconds(2),
            Duration.ofSeconds(2),
            Duration.ofSeconds(2),
            3,
            2,
            0),
        b.check());
    assertEquals(
        new ProxyTimeouts(
            Duration.ofSeconds(5),
            Duration.ofSeconds(20),
            Duration.ofSeconds(20),
            Duration.ofHours(1),
            Duration.ofMinutes(1),
            Duration.ZERO,
            Duration.ZERO),
        b.timeouts());
    assertEquals(3, b.retries());
    assertTrue(b.redispatch());
    assertEquals(OnMarkedDown.NONE, b.onMarkedDown());

    assertEquals(
        new AdminConfig(true, new HostPort("127.0.0.1", 9188), Optional.empty()), c.admin());
    assertEquals("info", c.logging().level());
    assertEquals(dir.resolve("vipd.conf"), c.source());
  }

  @Test
  void emptyFileIsAValidDaemonWithNothingToDo() {
    LoadResult r = TestFiles.load(dir, "# nothing\n");
    assertEquals(List.of(), r.errors());
    DaemonConfig c = r.config().orElseThrow();
    assertTrue(c.vrrp().instances().isEmpty());
    assertTrue(c.checks().isEmpty());
    assertTrue(c.proxy().isEmpty());
  }

  @Test
  void shippedExampleIsValid() {
    Path example = TestFiles.projectRoot().resolve("systemd/vipd.conf.example");
    LoadResult r = ConfigLoader.load(example);
    assertEquals(List.of(), r.errors());
    assertEquals(List.of(), r.warnings());
    VrrpInstanceConfig i = r.config().orElseThrow().vrrp().instances().get(0);
    assertEquals(VrrpVersion.V3, i.version());
    assertEquals(Duration.ofMillis(100), i.advertInterval());
    assertEquals("192.168.1.100/24", i.virtualIps().get(0).cidr());
    assertEquals(Optional.of("eth0:vip"), i.virtualIps().get(0).label());
    BackendConfig b = r.config().orElseThrow().proxy().backends().get("apiservers");
    assertEquals(3, b.servers().size());
    assertTrue(b.servers().stream().allMatch(s -> s.address().port() == 6443));
    assertEquals(8443, r.config().orElseThrow().proxy().frontends().get(0).bind().port());
  }
}
