package io.vipd.daemon.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vipd.health.testing.ApiServerFixture;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * vipd's proxy in front of two TLS stand-in apiservers, as a client sees it: requests are balanced
 * over both; when one stops being ready ({@code /readyz} 500) new requests go to the other within
 * check interval × fall, while a watch already open on it keeps streaming (on-marked-down none) or
 * is closed so the client reconnects elsewhere (shutdown-sessions); it comes back when ready again.
 * TLS passes through untouched: the client's handshake is with the apiserver.
 */
@Timeout(90)
class ProxyApiServersTest {

  @TempDir Path dir;

  private ProxyUnderTest under;
  private ApiServerFixture a;
  private ApiServerFixture b;
  private ProxyService proxy;
  private int front;

  @BeforeEach
  void start() {
    under = new ProxyUnderTest("e2e");
    a = ApiServerFixture.builder().servedBy("a").watchInterval(Duration.ofMillis(50)).start();
    b = ApiServerFixture.builder().servedBy("b").watchInterval(Duration.ofMillis(50)).start();
  }

  @AfterEach
  void stop() {
    under.close();
    a.close();
    b.close();
  }

  @Test
  void aServerThatStopsBeingReadyGetsNoNewRequestsWhileItsWatchGoesOn() throws Exception {
    startProxy("none");
    assertEquals(Set.of("a", "b"), servedBy(6), "round robin over both");
    try (Watch watch = openWatchOn("a")) {
      a.setReady(false);
      // interval 100 ms x fall 2, plus a check's own time: well within 3 s
      awaitOnly("b", Duration.ofSeconds(3));
      assertEquals(Set.of("b"), servedBy(6));
      int before = watch.linesRead;
      watch.readLines(5);
      assertTrue(watch.linesRead > before, "the watch on a still streams");
      a.setReady(true);
      await(() -> servedBy(6).equals(Set.of("a", "b")), Duration.ofSeconds(3), "a back");
    }
  }

  @Test
  void shutdownSessionsClosesTheWatchOfAServerMarkedDown() throws Exception {
    startProxy("shutdown-sessions");
    try (Watch watch = openWatchOn("a")) {
      a.setReady(false);
      awaitOnly("b", Duration.ofSeconds(3));
      assertTrue(watch.endsWithin(Duration.ofSeconds(3)), "the watch on a is closed");
      assertEquals(Set.of("b"), servedBy(4), "the client reconnects to b");
    }
  }

  private void startProxy(String onMarkedDown) throws Exception {
    front = ProxyUnderTest.freePort();
    proxy =
        under.start(
            dir,
            ProxyUnderTest.apiProxy(
                front,
                "    servers = [ { name = a, address = \"127.0.0.1:"
                    + a.port()
                    + "\" }, { name = b, address = \"127.0.0.1:"
                    + b.port()
                    + "\" } ]\n"
                    + "    check { type = https, insecure = true, interval = 100ms, timeout = 1s,"
                    + " fall = 2, rise = 2 }\n"
                    + "    on-marked-down = "
                    + onMarkedDown
                    + "\n"));
  }

  /** Who answered {@code n} new {@code GET /readyz} connections through the proxy. */
  private Set<String> servedBy(int n) throws Exception {
    Set<String> who = new HashSet<>();
    for (int i = 0; i < n; i++) {
      try (SSLSocket s = connect()) {
        send(s, "/readyz");
        BufferedReader in = reader(s);
        String status = in.readLine();
        if (status == null) {
          throw new IOException("the proxy closed the connection before any answer");
        }
        assertTrue(status.startsWith("HTTP/1.1 "), "status line " + status);
        for (String line; (line = in.readLine()) != null && !line.isEmpty(); ) {
          if (line.toLowerCase(Locale.ROOT).startsWith("x-served-by:")) {
            who.add(line.substring(line.indexOf(':') + 1).trim());
          }
        }
      }
    }
    return who;
  }

  private void awaitOnly(String server, Duration within) throws Exception {
    await(
        () -> {
          try {
            return servedBy(4).equals(Set.of(server));
          } catch (IOException e) {
            // with shutdown-sessions, a request that reached the server just as it was marked
            // down is cut (as in haproxy): the client retries, as here
            return false;
          }
        },
        within,
        "only " + server + " serves");
  }

  private Watch openWatchOn(String server) throws Exception {
    for (int i = 0; i < 10; i++) {
      SSLSocket s = connect();
      send(s, "/watch");
      BufferedReader in = reader(s);
      String served = null;
      for (String line; (line = in.readLine()) != null && !line.isEmpty(); ) {
        if (line.toLowerCase(Locale.ROOT).startsWith("x-served-by:")) {
          served = line.substring(line.indexOf(':') + 1).trim();
        }
      }
      if (server.equals(served)) {
        Watch w = new Watch(s, in);
        w.readLines(2);
        return w;
      }
      s.close();
    }
    throw new AssertionError("no watch landed on " + server + " in 10 tries");
  }

  private SSLSocket connect() throws Exception {
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, new TrustManager[] {new TrustAll()}, null);
    SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", front);
    s.setSoTimeout(5000);
    s.startHandshake();
    return s;
  }

  private static void send(SSLSocket s, String path) throws IOException {
    OutputStream out = s.getOutputStream();
    out.write(
        ("GET " + path + " HTTP/1.1\r\nHost: apiserver\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  private static BufferedReader reader(SSLSocket s) throws IOException {
    return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
  }

  private static void await(Condition c, Duration within, String what) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    while (!c.holds()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + within + ": " + what);
      }
      Thread.sleep(50);
    }
  }

  @FunctionalInterface
  private interface Condition {
    boolean holds() throws Exception;
  }

  /** An open {@code /watch} response, read line by line (chunk sizes and JSON lines alike). */
  private static final class Watch implements AutoCloseable {
    private final SSLSocket socket;
    private final BufferedReader in;
    int linesRead;

    Watch(SSLSocket socket, BufferedReader in) {
      this.socket = socket;
      this.in = in;
    }

    void readLines(int n) throws IOException {
      for (int i = 0; i < n; i++) {
        if (in.readLine() == null) {
          throw new AssertionError("the watch ended after " + linesRead + " lines");
        }
        linesRead++;
      }
    }

    /** True if the stream ends (EOF or reset) within {@code d}; lines before the end are read. */
    boolean endsWithin(Duration d) throws IOException {
      long deadline = System.nanoTime() + d.toNanos();
      socket.setSoTimeout(200);
      while (System.nanoTime() < deadline) {
        try {
          if (in.readLine() == null) {
            return true;
          }
          linesRead++;
        } catch (SocketTimeoutException e) {
          // still open; try again until the deadline
        } catch (IOException e) {
          return true; // reset
        }
      }
      return false;
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  /** The stand-ins use a test CA; the client only needs to reach them through the proxy. */
  private static final class TrustAll implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
