package io.vipd.daemon.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import io.vipd.daemon.config.ConfigLoader;
import io.vipd.daemon.config.DaemonConfig;
import io.vipd.daemon.config.LoadResult;
import io.vipd.daemon.health.CheckFactory;
import io.vipd.daemon.metrics.DocumentedMetrics;
import io.vipd.daemon.metrics.DocumentedMetrics.Metric;
import io.vipd.daemon.metrics.DocumentedMetricsCheck;
import io.vipd.daemon.metrics.PrometheusTextParser;
import io.vipd.daemon.metrics.PrometheusTextParser.Exposition;
import io.vipd.daemon.proxy.ProxyService;
import io.vipd.daemon.reload.ReloadResult;
import io.vipd.health.check.CheckExecutors;
import io.vipd.proxy.ProxyEvents;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real proxy-only vipd (a loopback frontend in front of a loopback server with an active check)
 * and its admin endpoint: the whole {@code /metrics} scrape parses as Prometheus text, and every
 * metric {@code docs/operations.md} documents for the proxy, plus the JVM and process names, is
 * exported with a TYPE line of the documented type. The VRRP and tracked-check names need network
 * namespaces and are checked the same way by {@link AdminNetnsTest}.
 */
@Timeout(60)
class ProxyMetricsScrapeTest {

  @TempDir Path dir;

  @Test
  void everyDocumentedProxyMetricIsExportedWithItsType() throws Exception {
    EventLoopGroup loops = CheckExecutors.newEventLoopGroup(1, "scrape-checks");
    ScheduledExecutorService blocking = CheckExecutors.newBlockingExecutor(1, "scrape-exec");
    ProxyService proxy = null;
    Admin admin = null;
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Path f = dir.resolve("vipd.conf");
      Files.writeString(
          f,
          "proxy {\n"
              + "  frontends = [ { name = api, bind = \"127.0.0.1:"
              + AdminServerTest.freePort()
              + "\", backend = servers } ]\n"
              + "  backends.servers {\n"
              + "    servers = [ { name = s1, address = \"127.0.0.1:"
              + server.getLocalPort()
              + "\" } ]\n"
              + "    check { type = tcp, interval = 100ms, rise = 1, fall = 1 }\n"
              + "  }\n"
              + "}\n"
              + "admin.bind = \"127.0.0.1:0\"\n");
      LoadResult r = ConfigLoader.load(f);
      assertTrue(r.isValid(), r.errors().toString());
      DaemonConfig config = r.config().orElseThrow();
      proxy =
          ProxyService.start(
              config.proxy(), new CheckFactory(loops, blocking), loops, ProxyEvents.NOOP);
      admin =
          Admin.start(
              config,
              Optional.empty(),
              Optional.empty(),
              Optional.of(proxy),
              () -> ReloadResult.rejected(List.of("no reload in this test")));
      int port = admin.address().orElseThrow().getPort();

      // Wait for the first server check so that the check metrics carry a result.
      Exposition scrape;
      String text;
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      do {
        RawHttp.Response resp = RawHttp.get("127.0.0.1", port, "/metrics", null);
        assertEquals(200, resp.status());
        assertTrue(resp.headers().contains("text/plain; version=0.0.4"), resp.headers());
        text = resp.body();
        scrape = PrometheusTextParser.parse(text);
        Optional<Double> runs = scrape.value("vipd_server_check_runs_total", "server", "s1");
        if (runs.isPresent() && runs.get() >= 1) {
          break;
        }
        Thread.sleep(50);
      } while (System.nanoTime() < deadline);

      List<Metric> documented =
          DocumentedMetrics.all().stream()
              .filter(
                  m ->
                      m.name().startsWith("vipd_frontend_")
                          || m.name().startsWith("vipd_server_")
                          || m.section().equals("JVM and process"))
              .toList();
      assertTrue(documented.size() >= 20, "documented: " + documented);
      DocumentedMetricsCheck.assertExported(scrape, documented, text);
      assertEquals(1.0, scrape.value("vipd_server_up", "backend", "servers", "server", "s1").get());
      assertTrue(scrape.value("vipd_server_check_runs_total", "server", "s1").get() >= 1, text);
    } finally {
      if (admin != null) {
        admin.close();
      }
      if (proxy != null) {
        proxy.stop(Duration.ZERO);
      }
      blocking.shutdownNow();
      loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2000);
    }
  }
}
