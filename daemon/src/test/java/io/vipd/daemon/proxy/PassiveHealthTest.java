package io.vipd.daemon.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vipd.health.CheckResult;
import io.vipd.health.HealthState;
import io.vipd.health.HealthStatus;
import io.vipd.health.testing.RefusedPorts;
import io.vipd.proxy.ServerStatus;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Passive health as a user configures it (haproxy's {@code observe}, {@code error-limit}, {@code
 * on-error}): clients connect through vipd's proxy to a server that refuses connections, over real
 * loopback sockets, and the server's state follows the failed connects. The active check's interval
 * is a day, so within a test only failed connects can change the state; and as no check has passed
 * yet, the server starts at haproxy's start health ({@code rise}), one failed check from down, so
 * each test counts the errors that lead to that one failed check. How {@code fall} counts from full
 * health is the health module's {@code HealthTrackerTest}.
 */
@Timeout(60)
class PassiveHealthTest {

  /** Long enough for a passive report that should not have come to have been applied. */
  private static final long SETTLE_MILLIS = 300;

  @TempDir Path dir;

  private ProxyUnderTest under;
  private ProxyService proxy;
  private int front;
  private int refusing;

  @BeforeEach
  void start() {
    under = new ProxyUnderTest("passive");
  }

  @AfterEach
  void stop() {
    under.close();
  }

  @Test
  void byDefaultAFailedConnectIsAFailedCheck() throws Exception {
    startProxy("");
    assertEquals(HealthState.UP, check().state());
    failedConnects(1);
    await(() -> check().state() == HealthState.DOWN, "down at the first failed connect");
    assertTrue(detail().startsWith("passive: "), detail());
  }

  @Test
  void errorLimitCountsConsecutiveFailedConnectsBeforeOnErrorApplies() throws Exception {
    startProxy("error-limit = 3");
    failedConnects(2);
    settle();
    assertEquals(HealthState.UP, check().state(), "2 errors of a limit of 3 count nothing");
    assertTrue(check().lastResult().isEmpty(), "no result yet");
    failedConnects(1);
    await(() -> check().state() == HealthState.DOWN, "down at the third error");
    assertTrue(detail().startsWith("passive: 3 consecutive connect errors, the last: "), detail());
  }

  @Test
  void fastIntervalAloneCountsNothing() throws Exception {
    startProxy("on-error = fast-interval");
    failedConnects(3);
    settle();
    assertEquals(HealthState.UP, check().state());
    assertTrue(check().lastResult().isEmpty(), "no passive result");
  }

  @Test
  void markDownTakesTheServerOutOfTheProxy() throws Exception {
    startProxy("on-error = mark-down");
    failedConnects(1);
    await(() -> check().state() == HealthState.DOWN, "down at once");
    // the proxy hears of it just after the check's state is published
    await(() -> !server().up(), "the proxy no longer sends clients to it");
  }

  @Test
  void aReloadTakesNewPassiveSettingsAndSaysSo() throws Exception {
    startProxy("");
    List<String> changes =
        proxy.apply(
            ProxyUnderTest.load(dir, config("error-limit = 3")), under.factory, under.loops);
    assertTrue(
        changes.contains(
            "backend apiservers: passive health now observe = layer4, error-limit = 3,"
                + " on-error = fail-check"),
        changes.toString());
    failedConnects(2);
    settle();
    assertEquals(HealthState.UP, check().state(), "the new limit applies");
    failedConnects(1);
    await(() -> check().state() == HealthState.DOWN, "down at the third error");
  }

  @Test
  void observeNoneLeavesHealthToTheChecks() throws Exception {
    startProxy("observe = none");
    failedConnects(5);
    settle();
    assertEquals(HealthState.UP, check().state());
    assertTrue(check().lastResult().isEmpty(), "no passive result");
  }

  /**
   * A proxy whose one backend has one server, {@code a}, on a port nothing listens on: every
   * client's connect to it is refused, and with {@code retries = 0} each client costs one attempt.
   */
  private void startProxy(String backendKeys) throws Exception {
    // Reserved, not merely free a moment ago: a freed port could be the frontend's own, be taken
    // by a listener, or become a client's ephemeral port (a self-connect), and so not refuse.
    // Reserved first, so the frontend's free port cannot be the same one.
    refusing = RefusedPorts.reserve().getPort();
    front = ProxyUnderTest.freePort();
    proxy = under.start(dir, config(backendKeys));
  }

  private String config(String backendKeys) {
    return ProxyUnderTest.apiProxy(
        front,
        "    servers = [ { name = a, address = \"127.0.0.1:"
            + refusing
            + "\" } ]\n"
            + "    check { type = tcp, interval = 24h, timeout = 1s, fall = 3, rise = 2 }\n"
            + "    retries = 0\n"
            + "    "
            + backendKeys
            + "\n");
  }

  /** {@code n} clients, one after the other, each closed by the proxy once its connect failed. */
  private void failedConnects(int n) throws Exception {
    long before = server().connectFailures();
    for (int i = 0; i < n; i++) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), front), 5000);
        s.setSoTimeout(5000);
        InputStream in = s.getInputStream();
        assertEquals(-1, in.read(), "the proxy closes a client whose server refused");
      } catch (java.net.SocketException closedWithReset) {
        // also a close: what matters is the count below
      }
    }
    await(
        () -> server().connectFailures() == before + n,
        (before + n) + " failed connects counted by the proxy");
  }

  private ServerStatus server() {
    return proxy.status().servers().stream()
        .filter(s -> s.server().equals("a"))
        .findFirst()
        .orElseThrow();
  }

  private HealthStatus check() {
    return proxy.checkStatus().stream()
        .filter(h -> h.checkName().equals("apiservers/a"))
        .findFirst()
        .orElseThrow();
  }

  private String detail() {
    return check().lastResult().map(CheckResult::detail).orElse("(none)");
  }

  private static void settle() throws InterruptedException {
    Thread.sleep(SETTLE_MILLIS);
  }

  private static void await(BooleanSupplier condition, String what) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for: " + what);
      }
      Thread.sleep(10);
    }
  }
}
