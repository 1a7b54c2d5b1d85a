package io.vipd.daemon.admin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.vipd.daemon.config.AdminConfig;
import io.vipd.daemon.config.Secret;
import io.vipd.daemon.reload.ReloadResult;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin HTTP endpoint: {@code /healthz} (the process answers), {@code /readyz} (every component
 * runs), {@code /status} (JSON) and {@code /metrics} (Prometheus text); {@code POST /reload} and
 * the runtime operations {@code POST
 * /servers/B/S/{drain,disable,enable,shutdown-sessions,weight?value=N,maxconn?value=N}} and {@code
 * POST /frontends/F/{disable,enable}} and {@code POST /vrrp/I/{handover,release}}.
 *
 * <p>Built on the JDK's {@code com.sun.net.httpserver}: a low-traffic endpoint needs no more, and
 * its own threads ({@code vipd-admin-N}) keep scrapes off the proxy's event loops. With {@code
 * admin.token} set, every endpoint but {@code /healthz} requires {@code Authorization: Bearer
 * <token>}; without a token only a loopback bind is accepted.
 */
public final class AdminServer implements Closeable {

  private static final Logger LOG = LoggerFactory.getLogger("vipd.admin");
  private static final String RELOAD_PATH = "/reload";
  private static final String SERVERS_PREFIX = "/servers/";
  private static final String VRRP_PREFIX = "/vrrp/";
  private static final String FRONTENDS_PREFIX = "/frontends/";
  private static final String HTML_TYPE = "text/html; charset=utf-8";
  private static final String PROMETHEUS_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  /**
   * Workers kept when idle. The JDK server reads a request's line and headers on the worker,
   * blocking, from the request's first byte: a client that sends part of a request and stalls holds
   * one until the request time limit below cuts it off.
   */
  private static final int IDLE_WORKERS = 2;

  /**
   * The most workers at once: far more than probes, scrapes and operators need, few enough that a
   * flood of stalled clients (each held for at most the request time limit) costs little memory.
   * Past it a new request is refused (the JDK server closes its connection), not queued.
   */
  private static final int MAX_WORKERS = 32;

  static {
    // The JDK server's own limits, read once when it first loads (so here, before the first
    // HttpServer.create; nothing else in vipd uses it), and a -D value wins; unset they are
    // unlimited. A request must arrive within 5 s of its first byte and a response be taken within
    // 10 s, or the connection is closed (checked once a second): the bound on how long a stalled
    // client holds a worker. A connection that sends nothing holds none: the server waits for
    // its first byte in its selector.
    setIfAbsent("sun.net.httpserver.maxReqTime", "5");
    setIfAbsent("sun.net.httpserver.maxRspTime", "10");
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }

  private final HttpServer server;
  private final ExecutorService executor;

  private AdminServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /** What the endpoints serve. */
  public interface Content {
    /** {@code /readyz}. */
    Readiness readiness();

    /** {@code /status}: a JSON document. */
    String statusJson();

    /** {@code /metrics}: Prometheus text exposition. */
    String metrics();

    /**
     * {@code /stats;csv}: haproxy's {@code show stat} CSV, at the path haproxy's stats page serves
     * it (its exporters scrape {@code ...;csv}).
     */
    default String statsCsv() {
      return "";
    }

    /** {@code POST /reload}: re-reads and applies the configuration file, like SIGHUP. */
    ReloadResult reload();

    /**
     * {@code /healthz}: empty while vipd works, else what is stuck ({@link
     * io.vipd.daemon.Liveness}); a liveness probe restarts a stuck vipd.
     */
    default Optional<String> stuck() {
      return Optional.empty();
    }

    /** {@code POST /servers/<backend>/<server>/<action>[?value=N]}: a runtime server operation. */
    default OperationResult serverOperation(
        String backend, String server, String action, Optional<String> value) {
      return OperationResult.notFound("runtime operations not available");
    }

    /** {@code POST /frontends/<frontend>/<action>}: disable or enable a frontend. */
    default OperationResult frontendOperation(String frontend, String action) {
      return OperationResult.notFound("runtime operations not available");
    }

    /** {@code POST /vrrp/<instance>/<action>}: a VRRP maintenance operation. */
    default OperationResult vrrpOperation(String instance, String action) {
      return OperationResult.notFound("runtime operations not available");
    }
  }

  /**
   * Binds and starts serving.
   *
   * @throws IOException if the address cannot be bound, or is not loopback while no token is set
   */
  public static AdminServer start(AdminConfig config, Content content) throws IOException {
    InetAddress host = InetAddress.getByName(config.bind().host());
    if (!host.isLoopbackAddress() && config.token().isEmpty()) {
      throw new IOException(
          "admin.bind "
              + config.bind()
              + " is not a loopback address and admin.token is not set: refusing to serve"
              + " /status and /metrics to the network without a token (set admin.token, or bind"
              + " 127.0.0.1)");
    }
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(host, config.bind().port()), 16);
    } catch (IOException e) {
      throw new IOException("admin.bind " + config.bind() + ": " + e.getMessage(), e);
    }
    ExecutorService executor = workers();
    BearerToken token = new BearerToken(config.token().map(Secret::reveal));
    Map<String, Route> routes =
        Map.of(
            "/healthz", new Route(false, () -> healthz(content.stuck())),
            "/readyz", new Route(true, () -> ready(content.readiness())),
            "/status", new Route(true, () -> Response.json(content.statusJson())),
            "/stats", new Route(false, () -> new Response(200, HTML_TYPE, StatsPage.html())),
            "/stats;csv", new Route(true, () -> Response.text(200, content.statsCsv())),
            "/metrics",
                new Route(true, () -> new Response(200, PROMETHEUS_TYPE, content.metrics())));
    server.createContext("/", exchange -> handle(exchange, routes, token, content));
    server.setExecutor(executor);
    server.start();
    return new AdminServer(server, executor);
  }

  /**
   * A worker for every request, started if none is idle: a request never waits in a queue. With a
   * fixed pool it did: clients stalled mid-request on all four workers kept the liveness probe
   * queued until their time limit, past kubelet's probe timeout, and the probe, counted from its
   * own first byte, was then often cut off with them.
   */
  private static ExecutorService workers() {
    AtomicInteger started = new AtomicInteger();
    return new ThreadPoolExecutor(
        IDLE_WORKERS,
        MAX_WORKERS,
        30,
        TimeUnit.SECONDS,
        new SynchronousQueue<>(),
        r -> {
          Thread t = new Thread(r, "vipd-admin-" + started.incrementAndGet());
          t.setDaemon(true);
          return t;
        },
        new ThreadPoolExecutor.AbortPolicy());
  }

  /** The bound address (the real port when {@code admin.bind} asked for port 0). */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  private static Response healthz(Optional<String> stuck) {
    return stuck
        .map(why -> Response.text(503, "stuck: " + why + "\n"))
        .orElse(Response.text(200, "ok\n"));
  }

  private static Response ready(Readiness r) {
    return r.ready()
        ? Response.text(200, "ready\n")
        : Response.text(503, "not ready: " + String.join(", ", r.notReady()) + "\n");
  }

  private static Response reload(
      HttpExchange exchange, String method, BearerToken token, Supplier<ReloadResult> reload) {
    if (!method.equals("POST")) {
      exchange.getResponseHeaders().add("Allow", "POST");
      return Response.text(405, "method not allowed: POST /reload\n");
    }
    if (!token.accepts(exchange.getRequestHeaders().getFirst("Authorization"))) {
      exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"vipd\"");
      return Response.text(401, "unauthorized: Authorization: Bearer <admin.token> needed\n");
    }
    ReloadResult r = reload.get();
    String body;
    if (r.ok()) {
      body = r.summary() + "\n";
    } else if (!r.changes().isEmpty()) {
      body =
          "reload partly applied:\n"
              + String.join("\n", r.changes())
              + "\nthen failed; the rest of the running configuration stays:\n"
              + String.join("\n", r.errors())
              + "\n";
    } else {
      body =
          "reload rejected; the running configuration stays:\n"
              + String.join("\n", r.errors())
              + "\n";
    }
    return Response.text(r.ok() ? 200 : 422, body);
  }

  /**
   * {@code POST /servers/B/S/ACTION} and {@code POST /vrrp/I/ACTION}: token required as for {@code
   * /reload}; 404 with a clear line for unknown names.
   */
  private static Response operation(
      HttpExchange exchange, String method, String path, BearerToken token, Content content) {
    if (!method.equals("POST")) {
      exchange.getResponseHeaders().add("Allow", "POST");
      return Response.text(405, "method not allowed: runtime operations are POST\n");
    }
    if (!token.accepts(exchange.getRequestHeaders().getFirst("Authorization"))) {
      exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"vipd\"");
      return Response.text(401, "unauthorized: Authorization: Bearer <admin.token> needed\n");
    }
    String[] parts = path.split("/", -1);
    OperationResult r;
    if (path.startsWith(SERVERS_PREFIX) && parts.length == 5) {
      r =
          content.serverOperation(
              parts[2], parts[3], parts[4], query(exchange.getRequestURI().getRawQuery(), "value"));
    } else if (path.startsWith(VRRP_PREFIX) && parts.length == 4) {
      r = content.vrrpOperation(parts[2], parts[3]);
    } else if (path.startsWith(FRONTENDS_PREFIX) && parts.length == 4) {
      r = content.frontendOperation(parts[2], parts[3]);
    } else {
      r =
          OperationResult.notFound(
              "not found; try POST"
                  + " /servers/BACKEND/SERVER/{drain,disable,enable,weight,maxconn,shutdown-sessions}"
                  + ", POST /frontends/FRONTEND/{disable,enable}"
                  + " or"
                  + " POST /vrrp/INSTANCE/{handover,release}");
    }
    LOG.info("admin POST {}: {} {}", path, r.status(), r.message());
    return Response.text(r.status(), r.message() + "\n");
  }

  /** The decoded value of {@code name} in a raw query string, if present. */
  private static Optional<String> query(String rawQuery, String name) {
    if (rawQuery == null) {
      return Optional.empty();
    }
    for (String pair : rawQuery.split("&")) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      if (key.equals(name)) {
        return Optional.of(
            URLDecoder.decode(eq < 0 ? "" : pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return Optional.empty();
  }

  private static void handle(
      HttpExchange exchange, Map<String, Route> routes, BearerToken token, Content content)
      throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().getPath();
      Route route = routes.get(path);
      Response response;
      Optional<String> refused =
          BrowserGuard.refusal(method, exchange.getRequestHeaders(), token.required());
      if (refused.isPresent()) {
        LOG.debug("admin {} {} refused: {}", method, path, refused.get());
        response = Response.text(403, refused.get() + "\n");
      } else if (path.equals(RELOAD_PATH)) {
        response = reload(exchange, method, token, content::reload);
      } else if (path.startsWith(SERVERS_PREFIX)
          || path.startsWith(VRRP_PREFIX)
          || path.startsWith(FRONTENDS_PREFIX)) {
        try {
          response = operation(exchange, method, path, token, content);
        } catch (RuntimeException e) {
          LOG.warn("admin {} failed: {}", path, e.toString());
          response = Response.text(500, "internal error: " + e.getMessage() + "\n");
        }
      } else if (route == null) {
        response = Response.text(404, "not found; try /metrics, /status, /healthz, /readyz\n");
      } else if (!method.equals("GET") && !method.equals("HEAD")) {
        exchange.getResponseHeaders().add("Allow", "GET, HEAD");
        response = Response.text(405, "method not allowed\n");
      } else if (route.protectedByToken
          && !token.accepts(exchange.getRequestHeaders().getFirst("Authorization"))) {
        exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"vipd\"");
        response = Response.text(401, "unauthorized: Authorization: Bearer <admin.token> needed\n");
      } else {
        try {
          response = route.body.get();
        } catch (RuntimeException e) {
          LOG.warn("admin {} failed: {}", exchange.getRequestURI().getPath(), e.toString());
          response = Response.text(500, "internal error: " + e.getMessage() + "\n");
        }
      }
      send(exchange, response, method.equals("HEAD"));
    }
  }

  private static void send(HttpExchange exchange, Response r, boolean head) throws IOException {
    byte[] body = r.body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", r.contentType);
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    if (head) {
      exchange.sendResponseHeaders(r.status, -1);
      return;
    }
    exchange.sendResponseHeaders(r.status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  /** Stops at once; requests in flight are cut off. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private record Route(boolean protectedByToken, Supplier<Response> body) {}

  private record Response(int status, String contentType, String body) {
    static Response text(int status, String body) {
      return new Response(status, "text/plain; charset=utf-8", body);
    }

    static Response json(String body) {
      return new Response(200, "application/json", body);
    }
  }
}
