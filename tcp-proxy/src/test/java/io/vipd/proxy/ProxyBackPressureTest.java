package io.vipd.proxy;

import static io.vipd.proxy.ProxyHarness.await;
import static io.vipd.proxy.ProxyHarness.server;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vipd.proxy.balance.BalanceAlgorithm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A client that stops reading must stall the server, not fill the proxy's memory. */
class ProxyBackPressureTest {
  private static final int HIGH = 64 * 1024;
  private static final int ONE_READ = 64 * 1024; // Netty's largest adaptive read buffer

  /**
   * More than every kernel buffer on the path can hold, so the server is stalled by the proxy and
   * can never finish (and send its FIN) while the client stalls: this test is about the stall
   * itself; the FIN during a stall has its own test below.
   */
  private static final long TOTAL = kernelBufferingLimit() + (8L << 20);

  private final TestServers servers = new TestServers();
  private ProxyServer proxy;

  @AfterEach
  void tearDown() {
    if (proxy != null) {
      proxy.stop(Duration.ZERO);
    }
    servers.close();
  }

  @Test
  void slowClientBoundsProxyBufferAndBlocksServerThenEverythingArrives() throws Exception {
    TestServers.StreamServer streamer = servers.stream(16 * 1024, TOTAL);
    startProxy(streamer.address, HIGH, ProxyTimeouts.DEFAULTS);
    try (Socket c = stalledClient()) {
      ProxySession session = theSession();

      // The client does not read: sample what the proxy holds for it for at least a second, and
      // until the server has written nothing for 300 ms (kernel buffers can take a while to fill
      // on a loaded machine), at most 10 s.
      long maxPending = 0;
      long writtenAtEnd = -1;
      long start = System.nanoTime();
      long stableSince = start;
      while (true) {
        maxPending = Math.max(maxPending, pendingOnLoop(session));
        long now = System.nanoTime();
        long written = streamer.written.get();
        if (written != writtenAtEnd) {
          writtenAtEnd = written;
          stableSince = now;
        } else if (now - stableSince > 300_000_000L && now - start > 1_000_000_000L) {
          break;
        }
        assertTrue(
            now - start < 10_000_000_000L,
            "server writes never stopped while the client stalls: " + written);
        Thread.sleep(5);
      }
      assertTrue(
          maxPending <= HIGH + ONE_READ,
          "proxy held " + maxPending + " bytes for a stalled client, bound " + (HIGH + ONE_READ));
      assertTrue(
          maxPending > 0,
          "the test must fill the proxy; server wrote "
              + writtenAtEnd
              + " "
              + session.clientChannel().eventLoop().submit(session::toString).get());
      assertTrue(writtenAtEnd < TOTAL, "server wrote " + writtenAtEnd + " of " + TOTAL);

      // reading resumes: every byte arrives, in order
      long got = ProxyHarness.readPattern(c.getInputStream(), 0);
      assertEquals(TOTAL, got);
    }
  }

  @Test
  void aServerThatFinishesAndClosesWhileTheClientStallsStillBoundsTheProxyBuffer()
      throws Exception {
    // The server's FIN arrives while the proxy has paused reading it: Netty's epoll transport
    // used to read such a socket to end of stream regardless, into the stalled client's queue.
    long total = 4 << 20; // fits in the kernel buffers, so the server finishes and closes
    TestServers.StreamServer streamer = servers.stream(16 * 1024, total);
    startProxy(streamer.address, HIGH, ProxyTimeouts.DEFAULTS);
    try (Socket c = stalledClient()) {
      ProxySession session = theSession();
      await(
          "the server to finish and close",
          Duration.ofSeconds(10),
          () -> streamer.written.get() == total);
      long maxPending = 0;
      for (int i = 0; i < 100; i++) {
        maxPending = Math.max(maxPending, pendingOnLoop(session));
        Thread.sleep(5);
      }
      assertTrue(
          maxPending <= HIGH + ONE_READ,
          "proxy held "
              + maxPending
              + " bytes for a stalled client after the server's FIN, bound "
              + (HIGH + ONE_READ));
      long got = ProxyHarness.readPattern(c.getInputStream(), 0);
      assertEquals(total, got);
    }
  }

  @Test
  void aClientSendingBeforeItsServerConnectsIsReadUpToTheHighWatermarkThenWaits() throws Exception {
    // The server's accept queue is full, so the proxy's connect hangs (SYNs dropped) until the
    // test accepts; meanwhile the client sends more than the proxy may hold for it.
    byte[] payload = new byte[4 << 20];
    new Random(7).nextBytes(payload);
    try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      List<Socket> fillers = ProxyHarness.fillBacklog(full);
      try {
        startProxy(
            (InetSocketAddress) full.getLocalSocketAddress(),
            HIGH,
            ProxyHarness.timeouts(30_000, 30_000, 30_000, 0));
        try (Socket c = new Socket()) {
          c.setSoTimeout(5000);
          c.connect(proxy.localAddress("fe"));
          Thread writer = ProxyHarness.sendAndHalfClose(c, payload);
          ProxySession session = theSession();
          await(
              "the client's reads to pause",
              Duration.ofSeconds(5),
              () -> !session.clientChannel().config().isAutoRead());
          Thread.sleep(200); // paused: nothing more is read
          long held = onLoop(session, session::earlyBytes);
          assertTrue(
              held > HIGH / 2 && held <= HIGH + ONE_READ, // paused by queue or by capacity
              "held " + held + " bytes before the connect, bound " + (HIGH + ONE_READ));
          assertEquals(held, (long) onLoop(session, session::earlyBytes));

          // the server accepts: everything the client sent arrives, in order
          for (Socket f : fillers) {
            f.close();
          }
          full.setSoTimeout(10_000);
          byte[] got = null;
          for (int i = 0; i < 8 && got == null; i++) {
            try (Socket accepted = full.accept()) {
              accepted.setSoTimeout(10_000);
              byte[] all = accepted.getInputStream().readAllBytes();
              if (all.length > 0) {
                got = all; // the fillers' connections are empty
              }
            }
          }
          assertArrayEquals(payload, got);
          writer.join(5000);
        }
      } finally {
        for (Socket f : fillers) {
          f.close();
        }
      }
    }
  }

  @Test
  void aServerThatDoesNotReadBoundsTheProxyBufferAlsoAfterAnEarlyReplay() throws Exception {
    // The premise (the replay itself fills the server's queue) depends on how the client's bytes
    // were cut into reads: tried a few times, and the test fails if it is never reached.
    for (int attempt = 1; attempt <= 4; attempt++) {
      if (stalledServerAfterAnEarlyReplay()) {
        return;
      }
      proxy.stop(Duration.ZERO);
      proxy = null;
    }
    throw new AssertionError("the replay never filled the server's write queue in 4 attempts");
  }

  /** False if the replay did not leave the server side unwritable (nothing asserted then). */
  private boolean stalledServerAfterAnEarlyReplay() throws Exception {
    // The client sends before the server connects (held, then replayed at once), and the server
    // then does not read: the replay must not leave the client read without limit. Watermarks
    // larger than what loopback's kernel buffers take at once, so that the replay itself leaves
    // the server side unwritable.
    int high = 8 << 20;
    long total = 2 * kernelBufferingLimit() + 3L * high;
    try (ServerSocket full = new ServerSocket()) {
      full.setReceiveBufferSize(4096);
      full.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
      List<Socket> fillers = ProxyHarness.fillBacklog(full);
      try {
        startProxy(
            (InetSocketAddress) full.getLocalSocketAddress(),
            high,
            ProxyHarness.timeouts(30_000, 30_000, 30_000, 0));
        try (Socket c = new Socket()) {
          c.connect(proxy.localAddress("fe"));
          Thread writer =
              new Thread(
                  () -> {
                    try {
                      byte[] chunk = new byte[64 * 1024];
                      for (long sent = 0; sent < total; sent += chunk.length) {
                        for (int i = 0; i < chunk.length; i++) {
                          chunk[i] = (byte) ((sent + i) % 251);
                        }
                        c.getOutputStream()
                            .write(chunk, 0, (int) Math.min(chunk.length, total - sent));
                      }
                      c.shutdownOutput();
                    } catch (IOException e) {
                      // the proxy closed: the assertions below tell why
                    }
                  });
          writer.setDaemon(true);
          writer.start();
          ProxySession session = theSession();
          await(
              "the client's reads to pause",
              Duration.ofSeconds(5),
              () -> !session.clientChannel().config().isAutoRead());
          for (Socket f : fillers) {
            f.close();
          }
          full.setSoTimeout(10_000);
          Socket accepted = null;
          for (int i = 0; i < 8 && accepted == null; i++) {
            Socket a = full.accept();
            a.setSoTimeout(10_000);
            int first = a.getInputStream().read();
            if (first < 0) {
              a.close(); // a filler
            } else {
              assertEquals(0, first);
              accepted = a;
            }
          }
          try (Socket server = accepted) {
            await(
                "the connect",
                Duration.ofSeconds(5),
                () -> {
                  try {
                    return onLoop(session, session::isConnected);
                  } catch (Exception e) {
                    throw new AssertionError(e);
                  }
                });
            if (!onLoop(session, session::replayLeftServerUnwritable)) {
              return false;
            }
            // the server reads nothing for two seconds; sample what the proxy holds for it
            long maxPending = 0;
            for (int i = 0; i < 100; i++) {
              maxPending = Math.max(maxPending, onLoop(session, session::pendingToServer));
              Thread.sleep(20);
            }
            long bound = 2L * (high + ONE_READ); // the replay, then at most one more read burst
            assertTrue(
                maxPending <= bound,
                "proxy held " + maxPending + " bytes for a stalled server, bound " + bound);
            // reading resumes: every byte arrives, in order
            long got = ProxyHarness.readPattern(server.getInputStream(), 1);
            assertEquals(total, got);
            return true;
          }
        }
      } finally {
        for (Socket f : fillers) {
          f.close();
        }
      }
    }
  }

  /** One frontend to one server, with watermarks {@code high / 2} and {@code high}. */
  private void startProxy(InetSocketAddress server, int high, ProxyTimeouts timeouts)
      throws IOException {
    proxy = new ProxyServer(ProxyEvents.NOOP, new ProxyOptions(1, true, high / 2, high));
    BackendSettings backend =
        new BackendSettings(
            "be",
            BalanceAlgorithm.ROUNDROBIN,
            List.of(server("s", server)),
            timeouts,
            0,
            OnMarkedDown.NONE);
    proxy.start(ProxyHarness.oneFrontend(backend, 0, 0));
  }

  /** A client with a small receive buffer that does not read until the test says so. */
  private Socket stalledClient() throws IOException {
    Socket c = new Socket();
    c.setReceiveBufferSize(16 * 1024);
    c.setSoTimeout(5000);
    c.connect(proxy.localAddress("fe"));
    return c;
  }

  /** The proxy's one session, once it exists. */
  private ProxySession theSession() throws InterruptedException {
    await("session", Duration.ofSeconds(5), () -> proxy.sessions().iterator().hasNext());
    return proxy.sessions().iterator().next();
  }

  private static <T> T onLoop(ProxySession session, Callable<T> read) throws Exception {
    return session.clientChannel().eventLoop().submit(read).get(5, TimeUnit.SECONDS);
  }

  /**
   * Upper bound of the bytes the kernel may buffer between the server and the client: the proxy's
   * server-side receive buffer plus the server's and the proxy's send buffers, all autotuned up to
   * the sysctl maxima.
   */
  private static long kernelBufferingLimit() {
    return maxOf("/proc/sys/net/ipv4/tcp_rmem") + 2 * maxOf("/proc/sys/net/ipv4/tcp_wmem");
  }

  private static long maxOf(String sysctl) {
    try {
      // Files.readString returned only the first byte of these procfs files; lines read to EOF
      String[] v = Files.readAllLines(Path.of(sysctl)).get(0).trim().split("\\s+");
      long max = Long.parseLong(v[v.length - 1]);
      if (max < 64 * 1024) {
        throw new IllegalStateException(sysctl + " max " + max + " is implausible");
      }
      return max;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long pendingOnLoop(ProxySession session) throws Exception {
    return session.clientChannel().eventLoop().submit(session::pendingToClient).get();
  }
}
