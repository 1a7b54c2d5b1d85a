package io.vipd.proxy;

import static io.vipd.proxy.ProxyHarness.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vipd.proxy.balance.BalanceAlgorithm;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * vipd's half-closed timeouts beside real haproxy (Debian's 2.6), with the same timeouts (client
 * 2s, client-fin 300ms, tunnel off) and the same scenario through each: when does each proxy cut
 * the connection? Each is measured from the scenario's trigger until the server sees its side cut.
 */
@Timeout(120)
class TimeoutsBesideHaproxyTest {
  private static final long CLIENT_MS = 2000;
  private static final long CLIENT_FIN_MS = 300;

  @TempDir Path dir;
  private final RecordingEvents events = new RecordingEvents();
  private ProxyServer proxy;
  private Process haproxy;

  @AfterEach
  void tearDown() {
    if (proxy != null) {
      proxy.stop(Duration.ZERO);
    }
    if (haproxy != null) {
      haproxy.destroyForcibly();
    }
  }

  /**
   * The client sends its FIN and stops reading while the server streams: the send to it is held up.
   * Both proxies cut it at the client timeout, not at client-fin.
   */
  @Test
  void aHalfClosedClientThatStopsReadingIsCutAtTheClientTimeoutByBoth() throws Exception {
    requireHaproxy();
    for (String who : List.of("haproxy", "vipd")) {
      long ms = halfClosedClientStopsReading(who);
      assertTrue(
          ms > CLIENT_MS - 400 && ms < CLIENT_MS + 1500,
          who + " cut the held-up client after " + ms + " ms; the client timeout is " + CLIENT_MS);
    }
  }

  /**
   * The server says its line and closes; the client reads it and stays open: the FIN was passed on
   * to it, and both proxies cut it at client-fin.
   */
  @Test
  void aClientThatKeepsItsSideOpenAfterTheServersFinIsCutAtClientFinByBoth() throws Exception {
    requireHaproxy();
    for (String who : List.of("haproxy", "vipd")) {
      long ms = clientStaysOpenAfterServerFin(who);
      assertTrue(
          ms < CLIENT_MS - 500, // client-fin runs from the FIN's passing, before the clock starts
          who + " cut the client after " + ms + " ms; client-fin is " + CLIENT_FIN_MS);
    }
  }

  /** Milliseconds from the client's FIN until the streaming server's writes fail. */
  private long halfClosedClientStopsReading(String who) throws Exception {
    try (ServerSocket backend = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
      InetSocketAddress front = start(who, (InetSocketAddress) backend.getLocalSocketAddress());
      try (Socket client = new Socket()) {
        client.setReceiveBufferSize(4096);
        client.connect(front, 2000);
        try (Socket server = backend.accept()) {
          CompletableFuture<Long> cut = writeUntilCut(server);
          Thread.sleep(700); // every buffer on the way fills: the send to the client is held up
          long t0 = System.nanoTime();
          client.shutdownOutput();
          return (cut.get(10, TimeUnit.SECONDS) - t0) / 1_000_000;
        }
      }
    }
  }

  /** Milliseconds from the client's reading the server's FIN until the client's side is cut. */
  private long clientStaysOpenAfterServerFin(String who) throws Exception {
    try (ServerSocket backend = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
      InetSocketAddress front = start(who, (InetSocketAddress) backend.getLocalSocketAddress());
      try (Socket client = new Socket()) {
        client.connect(front, 2000);
        client.setSoTimeout(10_000);
        try (Socket server = backend.accept()) {
          server.getOutputStream().write("bye\n".getBytes());
          server.shutdownOutput();
          InputStream in = client.getInputStream();
          byte[] buf = new byte[64];
          int got = 0;
          for (int n; (n = in.read(buf)) > 0; ) {
            got += n;
          }
          assertEquals(4, got, who + ": the server's line");
          long t0 = System.nanoTime(); // the FIN has reached the client; it keeps its side open
          // the proxy's cut shows on the server side: its read ends
          server.setSoTimeout(10_000);
          while (server.getInputStream().read(buf) > 0) {
            // the client sends nothing
          }
          return (System.nanoTime() - t0) / 1_000_000;
        }
      }
    }
  }

  private static CompletableFuture<Long> writeUntilCut(Socket server) {
    CompletableFuture<Long> cut = new CompletableFuture<>();
    Thread t =
        new Thread(
            () -> {
              byte[] chunk = new byte[16 * 1024];
              try {
                OutputStream out = server.getOutputStream();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (System.nanoTime() < deadline) {
                  out.write(chunk);
                }
                cut.completeExceptionally(new AssertionError("never cut"));
              } catch (IOException e) {
                cut.complete(System.nanoTime());
              }
            },
            "stream-server");
    t.setDaemon(true);
    t.start();
    return cut;
  }

  private InetSocketAddress start(String who, InetSocketAddress server) throws Exception {
    tearDown();
    proxy = null;
    haproxy = null;
    if (who.equals("vipd")) {
      BackendSettings be =
          new BackendSettings(
              "be",
              BalanceAlgorithm.ROUNDROBIN,
              List.of(new ServerSettings("s", server, 1, false)),
              new ProxyTimeouts(
                  Duration.ofSeconds(1),
                  Duration.ofMillis(CLIENT_MS),
                  Duration.ofMillis(CLIENT_MS),
                  Duration.ZERO,
                  Duration.ofMillis(CLIENT_FIN_MS)),
              0,
              OnMarkedDown.NONE);
      proxy = new ProxyServer(events, new ProxyOptions(1, true, 32 * 1024, 64 * 1024));
      proxy.start(ProxyHarness.oneFrontend(be, 0, 0));
      return proxy.localAddress("fe");
    }
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    Path cfg = dir.resolve("haproxy.cfg");
    Files.writeString(
        cfg,
        String.join(
            "\n",
            "defaults",
            "  mode tcp",
            "  timeout connect 1s",
            "  timeout client " + CLIENT_MS + "ms",
            "  timeout server " + CLIENT_MS + "ms",
            "  timeout client-fin " + CLIENT_FIN_MS + "ms",
            "frontend fe",
            "  bind 127.0.0.1:" + port,
            "  default_backend be",
            "backend be",
            "  server s " + server.getHostString() + ":" + server.getPort(),
            ""));
    haproxy =
        new ProcessBuilder("haproxy", "-db", "-f", cfg.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("haproxy.log").toFile())
            .start();
    InetSocketAddress front = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    await("haproxy listening", Duration.ofSeconds(10), () -> listening(front));
    return front;
  }

  /**
   * Whether a socket listens on {@code at}'s port, from /proc/net/tcp: connecting to find out would
   * make haproxy connect to the backend, whose accept belongs to the scenario.
   */
  private static boolean listening(InetSocketAddress at) {
    String port = String.format(":%04X ", at.getPort());
    try {
      for (String line : Files.readAllLines(Path.of("/proc/net/tcp"))) {
        String[] f = line.trim().split("\\s+");
        if (f.length > 3 && (f[1] + " ").endsWith(port) && f[3].equals("0A")) {
          return true;
        }
      }
    } catch (IOException e) {
      return false;
    }
    return false;
  }

  private static void requireHaproxy() {
    boolean found = false;
    for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
      found |= Files.isExecutable(Path.of(d, "haproxy"));
    }
    ProxyHarness.require(found, "haproxy on the PATH");
  }
}
