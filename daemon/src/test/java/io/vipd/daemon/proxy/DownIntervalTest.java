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
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * haproxy's {@code downinter}: a server that is down is checked at {@code check.down-interval},
 * here far more often than its {@code interval}, against a real HTTP server that answers 503.
 */
@Timeout(60)
class DownIntervalTest {

  @TempDir Path dir;

  @Test
  void aDownServerIsCheckedAtTheDownInterval() throws Exception {
    AtomicInteger checks = new AtomicInteger();
    HttpServer apiserver =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    apiserver.createContext(
        "/readyz",
        exchange -> {
          checks.incrementAndGet();
          exchange.sendResponseHeaders(503, -1);
          exchange.close();
        });
    apiserver.start();
    EventLoopGroup loops = CheckExecutors.newEventLoopGroup(1, "downinter-checks");
    ScheduledExecutorService blocking = CheckExecutors.newBlockingExecutor(1, "downinter-exec");
    ProxyService proxy = null;
    try {
      Path f = dir.resolve("vipd.conf");
      Files.writeString(
          f,
          "proxy {\n"
              + "  frontends = [ { name = api, bind = \"127.0.0.1:"
              + ProxyUnderTest.freePort()
              + "\", backend = servers } ]\n"
              + "  backends.servers {\n"
              + "    servers = [ { name = s1, address = \"127.0.0.1:"
              + apiserver.getAddress().getPort()
              + "\" } ]\n"
              + "    check { type = http, path = /readyz, interval = 30s, down-interval = 100ms,"
              + " timeout = 2s, fall = 1, rise = 2 }\n"
              + "  }\n"
              + "}\n");
      LoadResult r = ConfigLoader.load(f);
      assertTrue(r.isValid(), r.errors().toString());
      DaemonConfig config = r.config().orElseThrow();
      assertEquals(
          Duration.ofMillis(100), config.proxy().backends().get("servers").check().downInterval());
      proxy =
          ProxyService.start(
              config.proxy(), new CheckFactory(loops, blocking), loops, ProxyEvents.NOOP);
      ProxyService started = proxy;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (started.status().server("servers", "s1").up() && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertFalse(started.status().server("servers", "s1").up(), "the 503 takes it down");
      int atDown = checks.get();
      Thread.sleep(1500);
      int more = checks.get() - atDown;
      // every 100 ms (with jitter) while down: about 15; at the 30 s interval it would be none
      assertTrue(more >= 5, "only " + more + " checks in 1.5 s while down");
    } finally {
      if (proxy != null) {
        proxy.stop(Duration.ZERO);
      }
      apiserver.stop(0);
      blocking.shutdownNow();
      loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2000);
    }
  }
}
