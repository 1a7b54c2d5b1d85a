package io.vipd.proxy;

import static io.vipd.proxy.ProxyHarness.await;
import static io.vipd.proxy.ProxyHarness.server;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

  /** What the relay may hold for a direction whose reader is slow: one read's buffer. */
  private static final int BOUND = ProxyContext.readSize(HIGH);

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
      EpollSession session = theSession();

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
          maxPending <= BOUND,
          "proxy held " + maxPending + " bytes for a stalled client, bound " + BOUND);
      assertTrue(
          maxPending > 0,
          "the test must fill the proxy; server wrote "
              + writtenAtEnd
              + " "
              + session.eventLoop().submit(session::toString).get());
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
      EpollSession session = theSession();
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
          maxPending <= BOUND,
          "proxy held "
              + maxPending
              + " bytes for a stalled client after the server's FIN, bound "
              + BOUND);
      long got = ProxyHarness.readPattern(c.getInputStream(), 0);
      assertEquals(total, got);
    }
  }

  @Test
  void aClientSendingBeforeItsServerConnectsWaitsInItsSocketUntilTheConnect() throws Exception {
    // The server's accept queue is full, so the proxy's connect hangs (SYNs dropped) until the
    // test accepts; meanwhile the client sends more than the kernel buffers hold. The proxy reads
    // nothing of it before the connect: it waits in the client's socket, and the client blocks.
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
          EpollSession session = theSession();
          Thread.sleep(500); // the client fills the kernel's buffers and blocks
          assertTrue(writer.isAlive(), "the client is held back: 4 MiB cannot all be buffered");
          assertFalse(onLoop(session, session::isConnected), "still connecting");
          assertEquals(0L, (long) onLoop(session, session::pendingToServer), "nothing read yet");

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
  void aServerThatDoesNotReadBoundsTheProxyBufferAlsoAfterALateConnect() throws Exception {
    // The client sends before the server connects (its bytes wait in its socket), and the server
    // then does not read: the client's backlog must not be read without limit once connected.
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
          EpollSession session = theSession();
          Thread.sleep(300); // the client fills the kernel's buffers before the connect
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
            // the server reads nothing for two seconds; sample what the proxy holds for it
            long maxPending = 0;
            for (int i = 0; i < 100; i++) {
              maxPending = Math.max(maxPending, onLoop(session, session::pendingToServer));
              Thread.sleep(20);
            }
            long bound = ProxyContext.readSize(high); // one buffer: what the server did not take
            assertTrue(
                maxPending <= bound,
                "proxy held " + maxPending + " bytes for a stalled server, bound " + bound);
            // reading resumes: every byte arrives, in order
            long got = ProxyHarness.readPattern(server.getInputStream(), 1);
            assertEquals(total, got);
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
  private EpollSession theSession() throws InterruptedException {
    ProxyHarness.require(proxy.nativeTransport(), "the epoll relay");
    await("session", Duration.ofSeconds(5), () -> proxy.sessions().iterator().hasNext());
    return (EpollSession) proxy.sessions().iterator().next();
  }

  private static <T> T onLoop(EpollSession session, Callable<T> read) throws Exception {
    return session.eventLoop().submit(read).get(5, TimeUnit.SECONDS);
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

  private static long pendingOnLoop(EpollSession session) throws Exception {
    return session.eventLoop().submit(session::pendingToClient).get();
  }
}
