package io.vipd.daemon.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import io.vipd.daemon.config.ConfigLoader;
import io.vipd.daemon.config.DaemonConfig;
import io.vipd.daemon.config.LoadResult;
import io.vipd.daemon.health.CheckFactory;
import io.vipd.health.HealthState;
import io.vipd.health.check.CheckExecutors;
import io.vipd.proxy.ProxyEvents;
import io.vipd.proxy.ServerAdminState;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fate-sharing source ({@code type = proxy}) of a real proxy on loopback: it follows the
 * servers' health and the operator's drain, disable and weight settings, since a proxy whose every
 * server refuses new connections cannot serve.
 */
@Timeout(60)
class ProxyReadinessTest {

  @TempDir Path dir;

  private record Report(HealthState state, String detail) {}

  @Test
  void drainingOrZeroingEveryServerTakesTheProxyDownAndEnablingOneBringsItBack() throws Exception {
    EventLoopGroup loops = CheckExecutors.newEventLoopGroup(1, "readiness-checks");
    ScheduledExecutorService blocking = CheckExecutors.newBlockingExecutor(1, "readiness-exec");
    ProxyService proxy = null;
    int frontPort;
    try (ServerSocket front = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      frontPort = front.getLocalPort();
    }
    try (ServerSocket a = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        ServerSocket b = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Path f = dir.resolve("vipd.conf");
      Files.writeString(
          f,
          "proxy {\n"
              + "  frontends = [ { name = api, bind = \"127.0.0.1:"
              + frontPort
              + "\", backend = servers } ]\n"
              + "  backends.servers {\n"
              + "    servers = [ { name = s1, address = \"127.0.0.1:"
              + a.getLocalPort()
              + "\" }, { name = s2, address = \"127.0.0.1:"
              + b.getLocalPort()
              + "\" } ]\n"
              + "    check { type = tcp, interval = 100ms, rise = 1, fall = 1 }\n"
              + "  }\n"
              + "}\n");
      LoadResult r = ConfigLoader.load(f);
      assertTrue(r.isValid(), r.errors().toString());
      DaemonConfig config = r.config().orElseThrow();
      proxy =
          ProxyService.start(
              config.proxy(), new CheckFactory(loops, blocking), loops, ProxyEvents.NOOP);
      AtomicReference<Report> last = new AtomicReference<>();
      Runnable cancel =
          proxy.readiness("servers", 1).subscribe((s, d) -> last.set(new Report(s, d)));
      assertEquals(HealthState.UP, last.get().state(), last.get().detail());

      proxy.setServerAdminState("servers", "s1", ServerAdminState.DRAIN);
      assertEquals(HealthState.UP, last.get().state(), "s2 still serves: " + last.get());
      proxy.setServerAdminState("servers", "s2", ServerAdminState.MAINT);
      assertEquals(
          new Report(HealthState.DOWN, "2 of 2 servers up, 0 taking new connections"), last.get());

      proxy.setServerAdminState("servers", "s2", ServerAdminState.READY);
      assertEquals(HealthState.UP, last.get().state(), last.get().detail());
      proxy.setServerWeight("servers", "s2", 0);
      assertEquals(HealthState.DOWN, last.get().state(), last.get().detail());
      proxy.setServerWeight("servers", "s2", 1);
      assertEquals(
          new Report(HealthState.UP, "2 of 2 servers up, 1 taking new connections"), last.get());

      // A disabled frontend refuses the VIP's clients: the node cannot serve them.
      proxy.setFrontendEnabled("api", false);
      assertEquals(new Report(HealthState.DOWN, "frontend api disabled"), last.get());
      proxy.setFrontendEnabled("api", true);
      assertEquals(HealthState.UP, last.get().state(), last.get().detail());

      // A cancelled subscription (a reload re-subscribes) hears nothing more.
      cancel.run();
      Report before = last.get();
      proxy.setServerWeight("servers", "s2", 0);
      assertEquals(before, last.get());
    } finally {
      if (proxy != null) {
        proxy.stop(Duration.ZERO);
      }
      blocking.shutdownNow();
      loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2000);
    }
  }
}
