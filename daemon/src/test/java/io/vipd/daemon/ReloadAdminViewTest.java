package io.vipd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vipd.daemon.config.ConfigLoader;
import io.vipd.daemon.config.DaemonConfig;
import io.vipd.daemon.config.LoadResult;
import io.vipd.daemon.reload.ReloadResult;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reload changes what the admin endpoint shows: a proxy that a reload starts, a frontend and a
 * server it adds, and then removes, appear in and disappear from {@code /status} and {@code
 * /metrics} of the same running vipd (real proxy and admin endpoint on loopback).
 */
@Timeout(60)
class ReloadAdminViewTest {

  @TempDir Path dir;

  @Test
  void reloadedComponentsAppearInStatusAndMetricsAndRemovedOnesDisappear() throws Exception {
    try (ServerSocket backend = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Components components = new Components()) {
      int server = backend.getLocalPort();
      components.start(load("admin.bind = \"127.0.0.1:0\"\n"), this::noReload);
      InetSocketAddress admin = components.adminAddress().orElseThrow();
      assertFalse(get(admin, "/metrics").contains("vipd_frontend_"), "no proxy yet");

      // A reload that starts the proxy: its frontend and server are served at once.
      List<String> changes =
          components.reload(load(proxy(frontend("api", "a"), backend("a", "s1", server))));
      assertTrue(changes.toString().contains("proxy started"), changes.toString());
      await(() -> metric(admin, "vipd_server_up{backend=\"a\",server=\"s1\"} 1.0"));
      assertTrue(get(admin, "/status").contains("\"api\""), get(admin, "/status"));
      assertTrue(
          get(admin, "/metrics").contains("vipd_frontend_connections_total{frontend=\"api\""));

      // A reload that adds a frontend and a backend.
      components.reload(
          load(
              proxy(
                  frontend("api", "a") + ", " + frontend("more", "b"),
                  backend("a", "s1", server) + "\n" + backend("b", "s2", server))));
      await(() -> metric(admin, "vipd_server_up{backend=\"b\",server=\"s2\"} 1.0"));
      String status = get(admin, "/status");
      assertTrue(status.contains("\"more\"") && status.contains("\"s2\""), status);
      assertTrue(
          get(admin, "/metrics").contains("vipd_frontend_connections_total{frontend=\"more\""));

      // And one that removes them again: their meters go, the kept ones stay.
      components.reload(load(proxy(frontend("api", "a"), backend("a", "s1", server))));
      String metrics = get(admin, "/metrics");
      assertFalse(metrics.contains("frontend=\"more\""), metrics);
      assertFalse(metrics.contains("server=\"s2\""), metrics);
      assertTrue(metrics.contains("vipd_server_up{backend=\"a\",server=\"s1\"} 1.0"), metrics);
      assertFalse(get(admin, "/status").contains("\"more\""));
    }
  }

  /**
   * A reload that waited for the lock while the stop closed everything must not start anything
   * again (a VRRP instance would re-add its VIP after its priority-0 advert).
   */
  @Test
  void aReloadAfterTheStopStartsNothing() throws Exception {
    try (ServerSocket backend = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Components components = new Components();
      components.start(load("admin.bind = \"127.0.0.1:0\"\n"), this::noReload);
      components.close();
      DaemonConfig withProxy =
          load(proxy(frontend("api", "a"), backend("a", "s1", backend.getLocalPort())));
      assertThrows(IllegalStateException.class, () -> components.reload(withProxy));
      assertTrue(components.proxy().isEmpty(), "no proxy started after the stop");
    }
  }

  @Test
  void aChangedDrainGraceIsReportedNotNoChange() throws Exception {
    try (ServerSocket backend = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Components components = new Components()) {
      String proxy = proxy(frontend("api", "a"), backend("a", "s1", backend.getLocalPort()));
      components.start(load(proxy), this::noReload);
      List<String> changes = components.reload(load(proxy + "proxy.drain-grace = 4s\n"));
      assertEquals(List.of("proxy drain-grace 5000 ms -> 4000 ms"), changes);
      assertEquals(java.time.Duration.ofSeconds(4), components.drainGrace());
    }
  }

  @Test
  void aChangedPollOrCoalesceWindowWaitsForARestartUnlessTheReloadStartsTheProxy()
      throws Exception {
    try (ServerSocket backend = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Components components = new Components()) {
      String proxy = proxy(frontend("api", "a"), backend("a", "s1", backend.getLocalPort()));
      components.start(load(proxy), this::noReload);
      List<String> changes =
          components.reload(
              load(
                  proxy
                      + "proxy.poll-window = 500ns\nproxy.coalesce-window = 20us\n"
                      + "proxy.busy-polling = true\n"));
      assertEquals(
          List.of(
              "proxy busy-polling false -> true: not applied until restart (the event loops are"
                  + " made at start)",
              "proxy poll-window 0us -> 0.5us: not applied until restart (the event loops are"
                  + " made at start)",
              "proxy coalesce-window 50us -> 20us: not applied until restart (the event loops are"
                  + " made at start)"),
          changes);
    }
    try (ServerSocket backend = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Components components = new Components()) {
      components.start(load("admin.bind = \"127.0.0.1:0\"\n"), this::noReload);
      String proxy = proxy(frontend("api", "a"), backend("a", "s1", backend.getLocalPort()));
      List<String> changes =
          components.reload(
              load(
                  proxy
                      + "proxy.poll-window = 20us\nproxy.busy-polling = true\n"
                      + "proxy.coalesce-window = 0s\n"));
      assertEquals(List.of("proxy started: 1 frontend(s)"), changes, "made with the new settings");
    }
  }

  private ReloadResult noReload() {
    return ReloadResult.rejected(List.of("not in this test"));
  }

  private String proxy(String frontends, String backends) {
    return "admin.bind = \"127.0.0.1:0\"\n"
        + "proxy {\n  frontends = [ "
        + frontends
        + " ]\n"
        + backends
        + "\n}\n";
  }

  private static String frontend(String name, String backend) throws IOException {
    return "{ name = "
        + name
        + ", bind = \"127.0.0.1:"
        + freePort()
        + "\", backend = "
        + backend
        + " }";
  }

  private static String backend(String name, String server, int port) {
    return "  backends."
        + name
        + " { servers = [ { name = "
        + server
        + ", address = \"127.0.0.1:"
        + port
        + "\" } ], check { type = tcp, interval = 100ms, rise = 1, fall = 1 } }";
  }

  private DaemonConfig load(String text) throws IOException {
    Path f = dir.resolve("vipd.conf");
    Files.writeString(f, text);
    LoadResult r = ConfigLoader.load(f);
    assertTrue(r.isValid(), r.errors().toString());
    return r.config().orElseThrow();
  }

  private static boolean metric(InetSocketAddress admin, String line) {
    try {
      return get(admin, "/metrics").contains(line);
    } catch (IOException e) {
      return false;
    }
  }

  private static String get(InetSocketAddress admin, String path) throws IOException {
    URL url = new URL("http://127.0.0.1:" + admin.getPort() + path);
    HttpURLConnection c = (HttpURLConnection) url.openConnection();
    c.setConnectTimeout(5000);
    c.setReadTimeout(5000);
    try (InputStream in = c.getInputStream()) {
      assertEquals(200, c.getResponseCode());
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } finally {
      c.disconnect();
    }
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not reached within 15 s");
      }
      Thread.sleep(50);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
