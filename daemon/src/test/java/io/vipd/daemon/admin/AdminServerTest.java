package io.vipd.daemon.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import io.vipd.daemon.cli.Cli;
import io.vipd.daemon.config.AdminConfig;
import io.vipd.daemon.config.ConfigLoader;
import io.vipd.daemon.config.DaemonConfig;
import io.vipd.daemon.config.HostPort;
import io.vipd.daemon.config.LoadResult;
import io.vipd.daemon.health.CheckFactory;
import io.vipd.daemon.proxy.ProxyService;
import io.vipd.daemon.reload.ReloadResult;
import io.vipd.health.check.CheckExecutors;
import io.vipd.proxy.ProxyEvents;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin endpoint over real HTTP on an ephemeral loopback port, in front of a real proxy (a
 * loopback frontend relaying to a tiny echo server, with an active TCP check).
 */
@Timeout(60)
class AdminServerTest {

  private static final String TOKEN = "t0ken-for-tests";

  @TempDir Path dir;

  private ServerSocket echo;
  private Thread echoThread;
  private EventLoopGroup loops;
  private ScheduledExecutorService blocking;
  private ProxyService proxy;
  private Admin admin;
  private int port;

  @BeforeEach
  void start() throws Exception {
    echo = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
    echoThread = new Thread(this::serveEcho, "echo");
    echoThread.setDaemon(true);
    echoThread.start();
    DaemonConfig config =
        load(
            "proxy {\n"
                + "  frontends = [ { name = api, bind = \"127.0.0.1:"
                + freePort()
                + "\", backend = servers } ]\n"
                + "  backends.servers {\n"
                + "    servers = [ { name = s1, address = \"127.0.0.1:"
                + echo.getLocalPort()
                + "\" } ]\n"
                + "    check { type = tcp, interval = 100ms, rise = 1, fall = 1 }\n"
                + "  }\n"
                + "}\n"
                + "admin { bind = \"127.0.0.1:0\", token = \""
                + TOKEN
                + "\" }\n");
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
            () -> {
              reloads.incrementAndGet();
              return reloadAnswer;
            });
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

  /** A port free a moment ago (frontends need a real port; a clash would fail the start). */
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private DaemonConfig load(String text) throws IOException {
    Path f = dir.resolve("vipd.conf");
    Files.writeString(f, text);
    LoadResult r = ConfigLoader.load(f);
    assertTrue(r.isValid(), r.errors().toString());
    return r.config().orElseThrow();
  }

  private void serveEcho() {
    while (!echo.isClosed()) {
      try (Socket s = echo.accept()) {
        s.setSoTimeout(2000);
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        byte[] buf = new byte[256];
        int n = in.read(buf);
        if (n > 0) {
          out.write(buf, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // closed at the end of the test, or a check's connection that sent nothing
      }
    }
  }

  private final java.util.concurrent.atomic.AtomicInteger reloads =
      new java.util.concurrent.atomic.AtomicInteger();
  private volatile ReloadResult reloadAnswer = ReloadResult.applied(List.of());

  private RawHttp.Response get(String path, String token) throws IOException {
    return RawHttp.get("127.0.0.1", port, path, token);
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

  private String awaitServerChecked() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    String body;
    do {
      body = get("/metrics", TOKEN).body();
      if (MetricsText.value(body, "vipd_server_check_runs_total", "server=\"s1\"") >= 1) {
        return body;
      }
      Thread.sleep(50);
    } while (System.nanoTime() < deadline);
    throw new AssertionError("server check never ran:\n" + body);
  }

  /**
   * Waits until {@code /status} shows no session open on the frontend or the server: the client's
   * close in {@link #relayOnce} returns before the proxy has seen it and ended the session.
   */
  private void awaitSessionsEnded() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    String body;
    do {
      body = get("/status", TOKEN).body();
      Map<?, ?> p = (Map<?, ?>) ((Map<?, ?>) JsonReader.parse(body)).get("proxy");
      Map<?, ?> fe = (Map<?, ?>) ((List<?>) p.get("frontends")).get(0);
      Map<?, ?> s1 = (Map<?, ?>) ((List<?>) p.get("servers")).get(0);
      if (Long.valueOf(0).equals(fe.get("activeConnections"))
          && Long.valueOf(0).equals(s1.get("activeConnections"))) {
        return;
      }
      Thread.sleep(50);
    } while (System.nanoTime() < deadline);
    throw new AssertionError("the relayed session stayed open:\n" + body);
  }

  /**
   * A client that sends part of a request and goes quiet (a crashed scraper, or anyone who can
   * reach the port: the token is read after the headers) must not hold up the liveness probe, and
   * is cut off after the request time limit (5 s).
   */
  @Test
  @Timeout(60)
  void aClientStalledMidRequestHoldsUpNobodyAndIsCutOff() throws Exception {
    try (Socket stalled = new Socket("127.0.0.1", port)) {
      stalled.getOutputStream().write("GET /heal".getBytes(StandardCharsets.US_ASCII));
      stalled.getOutputStream().flush();
      Thread.sleep(300); // a worker is now blocked reading the rest of it
      for (int i = 0; i < 3; i++) {
        assertEquals(200, get("/healthz", null).status());
      }
      stalled.setSoTimeout(20_000);
      long start = System.nanoTime();
      int read;
      try {
        read = stalled.getInputStream().read();
      } catch (java.net.SocketException e) {
        read = -1; // reset: closed all the same
      }
      long seconds = (System.nanoTime() - start) / 1_000_000_000L;
      assertEquals(-1, read, "the stalled connection is closed, not answered");
      assertTrue(seconds < 15, "closed after " + seconds + " s");
    }
  }

  @Test
  void healthzNeedsNoTokenEverythingElseDoes() throws Exception {
    assertEquals(200, get("/healthz", null).status());
    assertEquals("ok\n", get("/healthz", null).body());
    for (String path : List.of("/readyz", "/status", "/metrics")) {
      RawHttp.Response none = get(path, null);
      assertEquals(401, none.status(), path);
      assertTrue(
          none.headers().toLowerCase(java.util.Locale.ROOT).contains("www-authenticate: bearer"),
          none.headers());
      assertEquals(401, get(path, "wrong").status(), path);
      assertEquals(401, get(path, TOKEN + "x").status(), path);
      assertEquals(200, get(path, TOKEN).status(), path);
    }
    assertEquals(404, get("/nope", TOKEN).status());
    assertEquals(405, RawHttp.request("POST", "127.0.0.1", port, "/status", TOKEN).status());
  }

  @Test
  void readyzFollowsTheProxy() throws Exception {
    assertEquals("ready\n", get("/readyz", TOKEN).body());
    proxy.stop(Duration.ZERO);
    RawHttp.Response r = get("/readyz", TOKEN);
    assertEquals(503, r.status());
    assertEquals("not ready: proxy frontends not listening\n", r.body());
    assertEquals(200, get("/healthz", null).status(), "the process is still alive");
  }

  @Test
  void metricsCountTheProxiedConnectionAndTheChecks() throws Exception {
    relayOnce("hello");
    awaitServerChecked();
    // A scrape reads a status snapshot cached for 100 ms (one scrape's worth): another test's
    // scrape just before the relay may still be served, so wait for the next snapshot.
    Thread.sleep(150);
    String m = get("/metrics", TOKEN).body();
    assertEquals(1.0, MetricsText.value(m, "vipd_frontend_connections_total", "frontend=\"api\""));
    assertEquals(5.0, MetricsText.value(m, "vipd_frontend_bytes_in_total", "frontend=\"api\""));
    assertEquals(5.0, MetricsText.value(m, "vipd_frontend_bytes_out_total", "frontend=\"api\""));
    assertEquals(1.0, MetricsText.value(m, "vipd_server_connections_total", "server=\"s1\""));
    assertEquals(
        1.0, MetricsText.value(m, "vipd_server_up", "backend=\"servers\"", "server=\"s1\""));
    assertEquals(1.0, MetricsText.value(m, "vipd_server_check_last_result", "server=\"s1\""));
    double seconds = MetricsText.value(m, "vipd_server_check_duration_seconds", "server=\"s1\"");
    assertTrue(seconds > 0 && seconds < 2, "check duration " + seconds);
    assertEquals(
        0.0,
        MetricsText.value(
            m, "vipd_frontend_sessions_closed_total", "frontend=\"api\"", "reason=\"no_server\""));
    for (String jvm :
        List.of(
            "jvm_memory_used_bytes",
            "jvm_threads_live_threads",
            "process_uptime_seconds",
            "process_cpu_usage",
            "process_files_open_files",
            "system_cpu_count")) {
      assertTrue(MetricsText.hasSample(m, jvm), jvm + " missing");
    }
    assertTrue(MetricsText.value(m, "vipd_proxy_loop_sleeps_total") >= 1, "the loop slept");
    assertTrue(get("/metrics", TOKEN).headers().contains("text/plain; version=0.0.4"));
  }

  @Test
  void proxyMetricsDocumentedAreExported() throws Exception {
    String m = awaitServerChecked();
    List<String> documented =
        MetricsText.documentedNames().stream()
            .filter(
                n ->
                    n.startsWith("vipd_frontend_")
                        || n.startsWith("vipd_server_")
                        || n.startsWith("vipd_proxy_"))
            .toList();
    assertTrue(documented.size() >= 10, "documented: " + documented);
    for (String name : documented) {
      assertTrue(MetricsText.hasSample(m, name), name + " documented but not exported");
    }
  }

  @Test
  void statusJsonDescribesTheProxy() throws Exception {
    relayOnce("ping");
    awaitServerChecked();
    Object doc = JsonReader.parse(get("/status", TOKEN).body());
    @SuppressWarnings("unchecked")
    Map<String, Object> status = (Map<String, Object>) doc;
    assertEquals(true, status.get("ready"));
    assertEquals(List.of(), status.get("instances"));
    Map<?, ?> proxyStatus = (Map<?, ?>) status.get("proxy");
    Map<?, ?> fe = (Map<?, ?>) ((List<?>) proxyStatus.get("frontends")).get(0);
    assertEquals("api", fe.get("name"));
    assertEquals(1L, fe.get("accepted"));
    Map<?, ?> s1 = (Map<?, ?>) ((List<?>) proxyStatus.get("servers")).get(0);
    assertEquals("s1", s1.get("name"));
    assertEquals(true, s1.get("up"));
    Map<?, ?> check = (Map<?, ?>) s1.get("check");
    assertEquals("up", check.get("state"));
    assertEquals(true, ((Map<?, ?>) check.get("lastResult")).get("healthy"));
  }

  @Test
  void vipdStatusRendersTheLiveDaemonAsATable() throws Exception {
    relayOnce("x");
    awaitServerChecked();
    awaitSessionsEnded(); // the table's ACTIVE columns below must read 0
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        new Cli()
            .execute(
                new String[] {"status", "--admin", "127.0.0.1:" + port, "--token", TOKEN},
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    String text = out.toString(StandardCharsets.UTF_8);
    assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
    assertTrue(text.startsWith("vipd: ready\n"), text);
    assertTrue(text.contains("FRONTEND  BACKEND  ACTIVE  TOTAL  REFUSED  BYTES IN"), text);
    // ... bytes in, bytes out, and its backend's queue
    assertTrue(text.matches("(?s).*\\napi\\s+servers\\s+0\\s+1\\s+0\\s+1\\s+1\\s+0\\n.*"), text);
    // status, weight, active, total, bytes in/out, connect failures, check, last check
    assertTrue(
        text.matches(
            "(?s).*\\nservers/s1\\s+UP\\s+1\\s+0\\s+1\\s+1\\s+1\\s+0\\s+UP\\s+\\S.* in"
                + " \\d+\\.\\dms\\n.*"),
        text);
    assertFalse(text.contains("VRRP instance"), "no VRRP in this setup: " + text);
  }

  @Test
  void vipdStatusWithoutTokenOrDaemonFailsClearly() throws Exception {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
    PrintStream o = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    assertEquals(
        1, new Cli().execute(new String[] {"status", "--admin", "127.0.0.1:" + port}, o, e));
    assertTrue(
        err.toString(StandardCharsets.UTF_8).contains("needs the admin token"), err.toString());
    err.reset();
    int closed = io.vipd.health.testing.RefusedPorts.reserve().getPort();
    assertEquals(
        1, new Cli().execute(new String[] {"status", "--admin", "127.0.0.1:" + closed}, o, e));
    assertTrue(
        err.toString(StandardCharsets.UTF_8)
            .startsWith("vipd status: cannot reach vipd at http://127.0.0.1:" + closed),
        err.toString());
  }

  @Test
  void reloadIsAPostWithTheTokenAndReportsWhatChangedOrWhyNot() throws Exception {
    assertEquals(405, RawHttp.get("127.0.0.1", port, "/reload", TOKEN).status());
    assertEquals(401, RawHttp.request("POST", "127.0.0.1", port, "/reload", null).status());
    assertEquals(0, reloads.get(), "refused requests do not reload");

    reloadAnswer = ReloadResult.applied(List.of("server apis/c removed"));
    RawHttp.Response ok = RawHttp.request("POST", "127.0.0.1", port, "/reload", TOKEN);
    assertEquals(200, ok.status());
    assertEquals("reloaded: server apis/c removed\n", ok.body());

    reloadAnswer = ReloadResult.rejected(List.of("vipd.conf:3: proxy.maxconn: found -1"));
    RawHttp.Response bad = RawHttp.request("POST", "127.0.0.1", port, "/reload", TOKEN);
    assertEquals(422, bad.status());
    assertTrue(bad.body().contains("vipd.conf:3: proxy.maxconn: found -1"), bad.body());
    assertEquals(2, reloads.get());

    // vipd reload: the same, with its exit status
    String admin = "127.0.0.1:" + port;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    assertEquals(1, cli(out, err, "reload", "--admin", admin, "--token", TOKEN), out.toString());
    assertTrue(
        err.toString(StandardCharsets.UTF_8).contains("vipd.conf:3: proxy.maxconn: found -1"),
        err.toString(StandardCharsets.UTF_8));
    reloadAnswer = ReloadResult.applied(List.of("server apis/c removed"));
    out.reset();
    assertEquals(0, cli(out, err, "reload", "--admin", admin, "--token", TOKEN));
    assertEquals("reloaded: server apis/c removed\n", out.toString(StandardCharsets.UTF_8));
    assertEquals(1, cli(out, err, "reload", "--admin", admin), "no token");
    assertEquals(4, reloads.get());
  }

  private RawHttp.Response post(String path, String token) throws IOException {
    return RawHttp.request("POST", "127.0.0.1", port, path, token);
  }

  private Map<?, ?> serverStatus() throws IOException {
    Map<?, ?> status = (Map<?, ?>) JsonReader.parse(get("/status", TOKEN).body());
    return (Map<?, ?>) ((List<?>) ((Map<?, ?>) status.get("proxy")).get("servers")).get(0);
  }

  private int cli(ByteArrayOutputStream out, ByteArrayOutputStream err, String... args) {
    return new Cli()
        .execute(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void serverOperationsArePostsWithTheTokenAndNameUnknownThings() throws Exception {
    assertEquals(401, post("/servers/servers/s1/drain", null).status());
    assertEquals(401, post("/servers/servers/s1/drain", "wrong").status());
    assertEquals(405, get("/servers/servers/s1/drain", TOKEN).status());
    RawHttp.Response noBackend = post("/servers/nope/s1/drain", TOKEN);
    assertEquals(404, noBackend.status());
    assertEquals("no backend nope\n", noBackend.body());
    RawHttp.Response noServer = post("/servers/servers/s9/drain", TOKEN);
    assertEquals(404, noServer.status());
    assertEquals("backend servers has no server s9\n", noServer.body());
    assertEquals(404, post("/servers/servers/s1/explode", TOKEN).status());
    assertEquals(404, post("/servers/servers/s1", TOKEN).status());
    assertEquals(404, post("/vrrp/VI_1/handover", TOKEN).status(), "no VRRP here");
    assertEquals("ready", serverStatus().get("adminState"), "refused requests change nothing");

    RawHttp.Response drained = post("/servers/servers/s1/drain", TOKEN);
    assertEquals(200, drained.status());
    assertEquals(
        "server servers/s1: ready -> drain (no new connections; established ones continue)\n",
        drained.body());
    assertEquals("drain", serverStatus().get("adminState"));
    InetSocketAddress fe = proxy.server().localAddress("api");
    try (Socket s = new Socket("127.0.0.1", fe.getPort())) {
      s.setSoTimeout(5000);
      s.getOutputStream().write('x');
      int read;
      try {
        read = s.getInputStream().read();
      } catch (java.net.SocketException reset) {
        read = -1; // closed with a reset: no server to relay to
      }
      assertEquals(-1, read, "no server takes a new connection");
    }
    assertEquals(200, post("/servers/servers/s1/enable", TOKEN).status());
    relayOnce("back");
    awaitSessionsEnded(); // else shutting down sessions may still find that one

    RawHttp.Response shut = post("/servers/servers/s1/shutdown-sessions", TOKEN);
    assertEquals(200, shut.status());
    assertEquals(
        "server servers/s1: 0 established session(s) closed; clients reconnect\n", shut.body());

    assertEquals(400, post("/servers/servers/s1/weight", TOKEN).status());
    assertEquals(400, post("/servers/servers/s1/weight?value=300", TOKEN).status());
    assertEquals(400, post("/servers/servers/s1/weight?value=x", TOKEN).status());
    RawHttp.Response weight = post("/servers/servers/s1/weight?value=7", TOKEN);
    assertEquals("server servers/s1: weight 1 -> 7\n", weight.body());
    assertEquals(7L, ((Number) serverStatus().get("weight")).longValue());

    assertEquals(400, post("/servers/servers/s1/maxconn?value=-1", TOKEN).status());
    assertEquals(400, post("/servers/servers/s1/maxconn?value=2000000", TOKEN).status());
    assertEquals(400, post("/servers/servers/s1/maxconn?value=many", TOKEN).status());
    assertEquals(400, post("/servers/servers/s1/maxconn", TOKEN).status());
    RawHttp.Response maxconn = post("/servers/servers/s1/maxconn?value=250", TOKEN);
    assertEquals("server servers/s1: maxconn 0 (no limit) -> 250\n", maxconn.body());
    assertEquals(250L, ((Number) serverStatus().get("maxconn")).longValue());
  }

  @Test
  void vipdServerCommandsDriveTheLiveDaemon() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    String admin = "127.0.0.1:" + port;
    assertEquals(
        0, cli(out, err, "server", "disable", "servers/s1", "--admin", admin, "--token", TOKEN));
    assertTrue(
        out.toString(StandardCharsets.UTF_8).startsWith("server servers/s1: ready -> maint"));
    assertEquals("maint", serverStatus().get("adminState"));
    out.reset();
    assertEquals(0, cli(out, err, "status", "--admin", admin, "--token", TOKEN));
    assertTrue(
        out.toString(StandardCharsets.UTF_8).matches("(?s).*\\nservers/s1\\s+UP MAINT\\s+1\\s.*"),
        out.toString(StandardCharsets.UTF_8));
    assertEquals(
        0,
        cli(out, err, "server", "weight", "servers/s1", "3", "--admin", admin, "--token", TOKEN));
    assertEquals(3L, ((Number) serverStatus().get("weight")).longValue());
    assertEquals(
        0,
        cli(out, err, "server", "maxconn", "servers/s1", "9", "--admin", admin, "--token", TOKEN));
    assertEquals(9L, ((Number) serverStatus().get("maxconn")).longValue());
    assertEquals(2, cli(out, err, "server", "maxconn", "servers/s1", "--admin", admin));
    out.reset();
    assertEquals(
        0,
        cli(
            out,
            err,
            "server",
            "shutdown-sessions",
            "servers/s1",
            "--admin",
            admin,
            "--token",
            TOKEN));
    assertTrue(
        out.toString(StandardCharsets.UTF_8).startsWith("server servers/s1: 0 established"),
        out.toString(StandardCharsets.UTF_8));
    assertEquals(2, cli(out, err, "server", "shutdown-sessions", "servers/s1", "x"));
    err.reset();
    assertEquals(
        1, cli(out, err, "server", "drain", "servers/zz", "--admin", admin, "--token", TOKEN));
    assertTrue(
        err.toString(StandardCharsets.UTF_8).contains("404: backend servers has no server zz"),
        err.toString(StandardCharsets.UTF_8));
    assertEquals(2, cli(out, err, "server", "drain", "nobackend", "--admin", admin));
    assertEquals(2, cli(out, err, "server", "weight", "servers/s1", "--admin", admin));
    assertEquals(2, cli(out, err, "vrrp", "handover"));
    assertEquals(2, cli(out, err, "vrrp", "handover", "VI_1", "--wait", "soon"));
    err.reset();
    assertEquals(1, cli(out, err, "vrrp", "release", "VI_1", "--admin", admin, "--token", TOKEN));
    assertTrue(
        err.toString(StandardCharsets.UTF_8).contains("no VRRP instance configured"),
        err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void healthzSaysWhatIsStuck() throws Exception {
    java.util.concurrent.atomic.AtomicReference<Optional<String>> stuck =
        new java.util.concurrent.atomic.AtomicReference<>(Optional.empty());
    AdminServer server =
        AdminServer.start(
            new AdminConfig(true, new HostPort("127.0.0.1", 0), Optional.empty()),
            new EmptyContent() {
              @Override
              public Optional<String> stuck() {
                return stuck.get();
              }
            });
    try {
      java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
      java.net.URI uri =
          java.net.URI.create("http://127.0.0.1:" + server.address().getPort() + "/healthz");
      java.net.http.HttpResponse<String> ok =
          http.send(
              java.net.http.HttpRequest.newBuilder(uri).build(),
              java.net.http.HttpResponse.BodyHandlers.ofString());
      assertEquals(200, ok.statusCode());
      stuck.set(Optional.of("proxy event loop stuck for 4 s"));
      java.net.http.HttpResponse<String> bad =
          http.send(
              java.net.http.HttpRequest.newBuilder(uri).build(),
              java.net.http.HttpResponse.BodyHandlers.ofString());
      assertEquals(503, bad.statusCode());
      assertEquals("stuck: proxy event loop stuck for 4 s\n", bad.body());
    } finally {
      server.close();
    }
  }

  @Test
  void nonLoopbackBindWithoutTokenIsRefused() {
    IOException e =
        assertThrows(
            IOException.class,
            () ->
                AdminServer.start(
                    new AdminConfig(true, new HostPort("0.0.0.0", 0), Optional.empty()),
                    new EmptyContent()));
    assertTrue(
        e.getMessage()
            .startsWith(
                "admin.bind 0.0.0.0:0 is not a loopback address and admin.token is not set"),
        e.getMessage());
  }

  /**
   * Content with nothing in it: no readiness sources, empty status and metrics, reloads applied.
   */
  static class EmptyContent implements AdminServer.Content {
    @Override
    public Readiness readiness() {
      return new Readiness(List.of());
    }

    @Override
    public String statusJson() {
      return "{}";
    }

    @Override
    public String metrics() {
      return "";
    }

    @Override
    public ReloadResult reload() {
      return ReloadResult.applied(List.of());
    }
  }
}
