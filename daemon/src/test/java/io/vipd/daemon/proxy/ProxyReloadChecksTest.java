package io.vipd.daemon.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import io.vipd.daemon.config.ConfigLoader;
import io.vipd.daemon.config.LoadResult;
import io.vipd.daemon.config.ProxyConfig;
import io.vipd.daemon.health.CheckFactory;
import io.vipd.health.testing.ApiServerFixture;
import io.vipd.health.testing.TestPki;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server that a wrong check marked down comes back when a reload fixes the check: the new check
 * starts from the proxy's state of the server, so its first success is a change the proxy hears
 * (real proxy and checks on loopback).
 */
@Timeout(60)
class ProxyReloadChecksTest {

  @TempDir Path dir;

  private ProxyUnderTest under;
  private EventLoopGroup loops;
  private CheckFactory factory;
  private ProxyService proxy;
  private int front;

  @BeforeEach
  void start() throws Exception {
    under = new ProxyUnderTest("reload");
    loops = under.loops;
    factory = under.factory;
    front = ProxyUnderTest.freePort();
  }

  @AfterEach
  void stop() {
    under.close();
  }

  @Test
  void fixingTheCheckByReloadBringsTheServerBackAndNoneMeansUp() throws Exception {
    // a TCP listener that never speaks HTTP: an http check of it times out, a tcp check passes
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      int port = server.getLocalPort();
      proxy = under.start(config(front, port, "type = http, timeout = 200ms"));
      ProxyService p = proxy;
      await(() -> !up(p), "marked down by the wrong check");

      p.apply(config(front, port, "type = tcp, timeout = 1s"), factory, loops);
      await(() -> up(p), "up again after the reload fixed the check");

      p.apply(config(front, port, "type = http, timeout = 200ms"), factory, loops);
      await(() -> !up(p), "down again");
      p.apply(config(front, port, "type = none"), factory, loops);
      assertTrue(up(p), "type = none: always up");
      Thread.sleep(300);
      assertTrue(up(p), "and stays up");
      assertFalse(p.checkStatus().stream().anyMatch(s -> s.checkName().contains("s1")));
    }
  }

  @Test
  void aReloadWhoseCheckCannotBeBuiltChangesNothing() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      int port = server.getLocalPort();
      proxy = under.start(config(front, port, "type = tcp"));
      ProxyService p = proxy;
      await(() -> up(p), "up under the tcp check");
      // A second server, and an https check whose CA file holds no certificate by the time the
      // check is built (the configuration was read while it still held one: a renewal under way):
      // the proxy must not take the new server with no check while the reload is reported as
      // rejected.
      Path notACa = dir.resolve("not-a-ca.pem");
      Files.copy(TestPki.generate(dir.resolve("pki"), "test-ca").caCert(), notACa);
      ProxyConfig broken =
          config(
              front,
              port,
              "type = https, ca-file = \"" + notACa + "\"",
              ", { name = s2, address = \"127.0.0.1:" + port + "\" }");
      Files.writeString(notACa, "not a certificate\n");
      IOException e = assertThrows(IOException.class, () -> p.apply(broken, factory, loops));
      assertTrue(e.getMessage().contains("backend servers, server s1: check"), e.getMessage());
      assertEquals(1, p.status().servers().size(), "s2 not added: " + p.status().servers());
      assertEquals(1, p.checkStatus().size());
      Thread.sleep(300);
      assertTrue(up(p), "s1 still up under its tcp check");
    }
  }

  @Test
  void aReloadTakesACaFileRenewedUnderTheSamePath() throws Exception {
    try (ApiServerFixture api = ApiServerFixture.start()) {
      // The check trusts another CA first: the server's certificate fails verification.
      Path ca = dir.resolve("ca.pem");
      TestPki other = TestPki.generate(dir.resolve("other"), "another-ca");
      Files.copy(other.caCert(), ca);
      String check = "type = https, path = \"/readyz\", ca-file = \"" + ca + "\", timeout = 1s";
      proxy = under.start(config(front, api.port(), check));
      ProxyService p = proxy;
      await(() -> !up(p), "down: the server's certificate is not from the CA the check trusts");

      // The CA file is renewed in place (the right CA now) and the same configuration reloaded.
      Files.copy(api.pki().caCert(), ca, StandardCopyOption.REPLACE_EXISTING);
      List<String> changes = p.apply(config(front, api.port(), check), factory, loops);
      assertTrue(changes.toString().contains("server check(s) (re)started"), changes.toString());
      await(() -> up(p), "up: the reload took the renewed CA");
    }
  }

  /**
   * A check rebuilt by a reload (its settings changed) starts from its server's state with full
   * health, as the check it replaces had after its runs: an up server takes {@code fall} failures
   * to go down. It started at the edge before, so the first failure after a routine reload took a
   * healthy server out of rotation.
   */
  @Test
  void aRebuiltCheckOfAnUpServerTakesFallFailuresToGoDown() throws Exception {
    ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    int port = server.getLocalPort();
    proxy = under.start(config(front, port, "type = tcp, fall = 3"));
    ProxyService p = proxy;
    await(() -> up(p), "up under the tcp check");

    p.apply(config(front, port, "type = tcp, fall = 3, interval = 300ms"), factory, loops);
    server.close(); // from now on every run fails
    await(() -> failures(p) >= 2, "two failed runs of the rebuilt check");
    assertTrue(up(p), "still up after two of three failures: " + p.checkStatus());
    await(() -> !up(p), "down after the third");
  }

  /**
   * A server moved to another address by a reload is a new server to its check, up as haproxy
   * starts one: its first failure takes it down (a dead new address must not stay in rotation for
   * {@code fall} checks).
   */
  @Test
  void aServerMovedToADeadAddressGoesDownAtItsFirstFailure() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      proxy = under.start(config(front, server.getLocalPort(), "type = tcp, fall = 3"));
      ProxyService p = proxy;
      await(() -> up(p), "up under the tcp check");
      int dead = ProxyUnderTest.freePort(); // nothing listens there
      p.apply(config(front, dead, "type = tcp, fall = 3, interval = 300ms"), factory, loops);
      await(() -> !up(p), "down at the new address");
      assertTrue(failures(p) < 3, "at its first failure, not its third: " + p.checkStatus());
    }
  }

  private static int failures(ProxyService p) {
    return p.checkStatus().get(0).consecutiveFailures();
  }

  private static boolean up(ProxyService p) {
    return p.status().servers().get(0).up();
  }

  private ProxyConfig config(int front, int port, String check) throws Exception {
    return config(front, port, check, "");
  }

  /** {@code moreServers}: further entries of the servers list, each starting with a comma. */
  private ProxyConfig config(int front, int port, String check, String moreServers)
      throws Exception {
    Path f = dir.resolve("vipd.conf");
    Files.writeString(
        f,
        "proxy {\n"
            + "  frontends = [ { name = api, bind = \"127.0.0.1:"
            + front
            + "\", backend = servers } ]\n"
            + "  backends.servers {\n"
            + "    servers = [ { name = s1, address = \"127.0.0.1:"
            + port
            + "\" }"
            + moreServers
            + " ]\n"
            + "    check { interval = 100ms, rise = 1, fall = 1, "
            + check
            + " }\n"
            + "  }\n"
            + "}\n");
    LoadResult r = ConfigLoader.load(f);
    assertTrue(r.isValid(), r.errors().toString());
    return r.config().orElseThrow().proxy();
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not reached within 15 s: " + what);
      }
      Thread.sleep(20);
    }
  }
}
