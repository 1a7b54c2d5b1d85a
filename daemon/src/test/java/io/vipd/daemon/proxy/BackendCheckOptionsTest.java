package io.vipd.daemon.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.netty.channel.EventLoopGroup;
import io.vipd.daemon.config.ConfigLoader;
import io.vipd.daemon.config.DaemonConfig;
import io.vipd.daemon.config.LoadResult;
import io.vipd.daemon.health.CheckFactory;
import io.vipd.health.check.CheckExecutors;
import io.vipd.proxy.ProxyEvents;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * haproxy's per-server check options, against a real HTTP "apiserver" whose {@code /readyz} answers
 * a fixed status and counts the checks: {@code downinter} and {@code check port}.
 */
@Timeout(60)
class BackendCheckOptionsTest {

  static {
    // The JDK's HTTP server reads its time limits once per JVM, when first used, and AdminServer
    // sets them as it loads: loaded before this test's own HttpServer, so that admin tests run
    // later in this JVM (AdminStalledClientsTest) still find them, whatever the test order.
    try {
      Class.forName("io.vipd.daemon.admin.AdminServer");
    } catch (ClassNotFoundException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @TempDir Path dir;

  private final AtomicInteger checks = new AtomicInteger();
  private final EventLoopGroup loops = CheckExecutors.newEventLoopGroup(1, "check-options");
  private final ScheduledExecutorService blocking =
      CheckExecutors.newBlockingExecutor(1, "check-options-exec");
  private HttpServer apiserver;
  private ProxyService proxy;

  @AfterEach
  void tearDown() {
    if (proxy != null) {
      proxy.stop(Duration.ZERO);
    }
    if (apiserver != null) {
      apiserver.stop(0);
    }
    blocking.shutdownNow();
    loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2000);
  }

  /** Starts the "apiserver": every {@code /readyz} is counted and answered {@code status}. */
  private int readyz(int status) throws IOException {
    apiserver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    apiserver.createContext(
        "/readyz",
        exchange -> {
          checks.incrementAndGet();
          exchange.sendResponseHeaders(status, -1);
          exchange.close();
        });
    apiserver.start();
    return apiserver.getAddress().getPort();
  }

  /** A proxy with one server, s1, on {@code serverPort}, checked with {@code check}. */
  private DaemonConfig start(int serverPort, String check) throws IOException {
    Path f = dir.resolve("vipd.conf");
    Files.writeString(
        f,
        "proxy {\n"
            + "  frontends = [ { name = api, bind = \"127.0.0.1:"
            + ProxyUnderTest.freePort()
            + "\", backend = servers } ]\n"
            + "  backends.servers {\n"
            + "    servers = [ { name = s1, address = \"127.0.0.1:"
            + serverPort
            + "\" } ]\n"
            + "    check { type = http, path = /readyz, "
            + check
            + " }\n"
            + "  }\n"
            + "}\n");
    LoadResult r = ConfigLoader.load(f);
    assertTrue(r.isValid(), r.errors().toString());
    DaemonConfig config = r.config().orElseThrow();
    proxy =
        ProxyService.start(
            config.proxy(), new CheckFactory(loops, blocking), loops, ProxyEvents.NOOP);
    return config;
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertTrue(condition.getAsBoolean(), what);
  }

  private boolean s1Up() {
    return proxy.status().server("servers", "s1").up();
  }

  /** {@code downinter}: a down server is checked at its own interval, here far below interval. */
  @Test
  void aDownServerIsCheckedAtTheDownInterval() throws Exception {
    int port = readyz(503);
    DaemonConfig config =
        start(port, "interval = 30s, down-interval = 100ms, timeout = 2s, fall = 1, rise = 2");
    assertEquals(
        Duration.ofMillis(100), config.proxy().backends().get("servers").check().downInterval());
    await("the 503 takes it down", () -> !s1Up());
    int atDown = checks.get();
    Thread.sleep(1500);
    int more = checks.get() - atDown;
    // every 100 ms (with jitter) while down: about 15; at the 30 s interval it would be none
    assertTrue(more >= 5, "only " + more + " checks in 1.5 s while down");
    assertFalse(s1Up());
  }

  /** {@code check port}: the check goes to another port of the server's address. */
  @Test
  void theCheckGoesToItsOwnPortOfTheServersAddress() throws Exception {
    int port = readyz(200);
    int refusing = ProxyUnderTest.freePort(); // nothing listens on the server's own port
    start(refusing, "interval = 100ms, timeout = 1s, fall = 1, rise = 1, port = " + port);
    await("checks reaching the check port", () -> checks.get() >= 5);
    assertTrue(s1Up(), "up: its check passes, though its own port refuses (fall = 1)");
  }
}
