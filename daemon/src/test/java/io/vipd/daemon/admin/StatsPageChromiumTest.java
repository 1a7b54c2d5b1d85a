package io.vipd.daemon.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.netty.channel.EventLoopGroup;
import io.vipd.daemon.config.ConfigLoader;
import io.vipd.daemon.config.DaemonConfig;
import io.vipd.daemon.config.LoadResult;
import io.vipd.daemon.health.CheckFactory;
import io.vipd.daemon.proxy.ProxyService;
import io.vipd.daemon.reload.ReloadResult;
import io.vipd.daemon.systemd.Tools;
import io.vipd.health.check.CheckExecutors;
import io.vipd.proxy.ProxyEvents;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code /stats} page in a real headless Chromium (Debian's {@code chromium} package), in front
 * of a real admin server and proxy: the DOM Chromium renders holds the live counters, which the
 * page can only have fetched from {@code /status}, since the served HTML is static.
 */
@Timeout(60)
class StatsPageChromiumTest {

  private static final String TOKEN = "page-t0ken";
  private static final int RELAYED = 3;

  @TempDir Path dir;

  private ServerSocket echo;
  private EventLoopGroup loops;
  private ScheduledExecutorService blocking;
  private ProxyService proxy;
  private Admin admin;
  private int port;

  @BeforeEach
  void start() throws Exception {
    echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread echoThread = new Thread(this::serveEcho, "echo");
    echoThread.setDaemon(true);
    echoThread.start();
    Path f = dir.resolve("vipd.conf");
    Files.writeString(
        f,
        "proxy {\n"
            + "  frontends = [ { name = api, bind = \"127.0.0.1:"
            + AdminServerTest.freePort()
            + "\", backend = servers } ]\n"
            + "  backends.servers {\n"
            + "    servers = [ { name = s1, weight = 7, address = \"127.0.0.1:"
            + echo.getLocalPort()
            + "\" } ]\n"
            + "    check { type = tcp, interval = 100ms, rise = 1, fall = 1 }\n"
            + "  }\n"
            + "}\n"
            + "admin { bind = \"127.0.0.1:0\", token = \""
            + TOKEN
            + "\" }\n");
    LoadResult r = ConfigLoader.load(f);
    assertTrue(r.isValid(), r.errors().toString());
    DaemonConfig config = r.config().orElseThrow();
    loops = CheckExecutors.newEventLoopGroup(1, "test-checks");
    blocking = CheckExecutors.newBlockingExecutor(1, "test-exec");
    proxy =
        ProxyService.start(
            config.proxy(), new CheckFactory(loops, blocking), loops, ProxyEvents.NOOP);
    admin =
        Admin.start(
            config,
            Optional.empty(),
            Optional.empty(),
            Optional.of(proxy),
            () -> ReloadResult.applied(List.of()));
    port = admin.address().orElseThrow().getPort();
  }

  @AfterEach
  void stop() throws Exception {
    if (admin != null) {
      admin.close();
    }
    if (proxy != null) {
      proxy.stop(Duration.ZERO);
    }
    if (blocking != null) {
      blocking.shutdownNow();
    }
    if (loops != null) {
      loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2000);
    }
    echo.close();
  }

  @Test
  void pageIsStaticAndServedWithoutTheToken() throws Exception {
    RawHttp.Response page = RawHttp.get("127.0.0.1", port, "/stats", null);
    assertEquals(200, page.status());
    assertTrue(page.headers().toLowerCase().contains("content-type: text/html"), page.headers());
    assertFalse(page.body().contains("src=\"http"), "no external resources");
    assertFalse(page.body().contains("href=\"http"), "no external resources");
    assertFalse(page.body().contains("frontend-api"), "the HTML itself carries no data");
    assertEquals(401, RawHttp.get("127.0.0.1", port, "/status", null).status());
  }

  @Test
  void chromiumRendersLiveCountersFromStatus() throws Exception {
    String chromium = chromium();
    for (int i = 0; i < RELAYED; i++) {
      relayOnce("hello");
    }
    awaitServerChecked();

    String dom = dumpDom(chromium, "http://127.0.0.1:" + port + "/stats?token=" + TOKEN);

    String fe = row(dom, "frontend-api");
    assertEquals(
        List.of("api", "servers", "0", String.valueOf(RELAYED), "0", "15 B", "15 B"),
        cells(fe),
        fe);
    String s1 = row(dom, "server-servers-s1");
    assertTrue(s1.contains("class=\"up\""), s1);
    List<String> c = cells(s1);
    assertEquals(
        List.of("servers", "s1", "UP", "7", "0", String.valueOf(RELAYED)), c.subList(0, 6));
    assertEquals(List.of("15 B", "15 B", "0", "UP"), c.subList(6, 10), s1);
    assertTrue(c.get(10).matches(".+ in \\d+(\\.\\d+)? ms"), c.get(10));
    Matcher polls = Pattern.compile("data-polls=\"(\\d+)\"").matcher(dom);
    assertTrue(polls.find(), dom);
    assertTrue(Integer.parseInt(polls.group(1)) >= 2, "the page keeps polling: " + polls.group());
    assertTrue(dom.contains("no VRRP instances"), dom);
    assertTrue(dom.matches("(?s).*<div id=\"error\"[^>]*></div>.*"), "no error shown:\n" + dom);
  }

  /** Chromium's binary: must exist in CI; elsewhere its absence skips the test. */
  private static String chromium() {
    for (String name : List.of("chromium", "chromium-browser")) {
      for (String d : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
        File f = new File(d, name);
        if (f.canExecute()) {
          return f.getPath();
        }
      }
    }
    Tools.missing("chromium not found on PATH (apt-get install chromium)");
    return null;
  }

  private String dumpDom(String chromium, String url) throws Exception {
    Path profile = Files.createDirectory(dir.resolve("chromium-profile"));
    Path out = dir.resolve("dom.html");
    Path err = dir.resolve("chromium.err");
    Process p =
        new ProcessBuilder(
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--user-data-dir=" + profile,
                "--virtual-time-budget=5000",
                "--dump-dom",
                url)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    try {
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        fail("chromium did not finish in 20 s:\n" + Files.readString(err));
      }
    } finally {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
    String dom = Files.readString(out);
    assertEquals(0, p.exitValue(), dom + Files.readString(err));
    return dom;
  }

  private static String row(String dom, String id) {
    Matcher m = Pattern.compile("<tr[^>]*id=\"" + Pattern.quote(id) + "\".*?</tr>").matcher(dom);
    assertTrue(m.find(), "no row " + id + " in\n" + dom);
    return m.group();
  }

  private static List<String> cells(String row) {
    Matcher m = Pattern.compile("<td[^>]*>(.*?)</td>").matcher(row);
    List<String> cells = new java.util.ArrayList<>();
    while (m.find()) {
      cells.add(m.group(1));
    }
    return cells;
  }

  private void relayOnce(String text) throws IOException {
    InetSocketAddress fe = proxy.server().localAddress("api");
    try (Socket s = new Socket("127.0.0.1", fe.getPort())) {
      s.setSoTimeout(5000);
      s.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
      byte[] back = s.getInputStream().readNBytes(text.length());
      assertEquals(text, new String(back, StandardCharsets.US_ASCII));
    }
  }

  /** Waits until the check has a result and the proxy counted every relayed session as closed. */
  private void awaitServerChecked() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    String body;
    do {
      body = RawHttp.get("127.0.0.1", port, "/status", TOKEN).body();
      @SuppressWarnings("unchecked")
      Map<String, Object> doc = (Map<String, Object>) JsonReader.parse(body);
      Map<?, ?> p = (Map<?, ?>) doc.get("proxy");
      Map<?, ?> s1 = (Map<?, ?>) ((List<?>) p.get("servers")).get(0);
      Map<?, ?> fe = (Map<?, ?>) ((List<?>) p.get("frontends")).get(0);
      if (s1.get("check") instanceof Map<?, ?> c
          && c.get("lastResult") != null
          && Long.valueOf(0).equals(fe.get("activeConnections"))
          && Long.valueOf(0).equals(s1.get("activeConnections"))) {
        return;
      }
      Thread.sleep(50);
    } while (System.nanoTime() < deadline);
    throw new AssertionError("server check never ran or sessions stayed open:\n" + body);
  }

  private void serveEcho() {
    while (!echo.isClosed()) {
      try (Socket s = echo.accept()) {
        s.setSoTimeout(2000);
        InputStream in = s.getInputStream();
        OutputStream o = s.getOutputStream();
        byte[] buf = new byte[256];
        int n = in.read(buf);
        if (n > 0) {
          o.write(buf, 0, n);
          o.flush();
        }
      } catch (IOException e) {
        // closed at the end of the test, or a check's connection that sent nothing
      }
    }
  }
}
