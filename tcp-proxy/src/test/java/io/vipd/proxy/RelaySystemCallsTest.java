package io.vipd.proxy;

import static io.vipd.proxy.ProxyHarness.await;
import static io.vipd.proxy.ProxyHarness.connect;
import static io.vipd.proxy.ProxyHarness.readLine;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoop;
import io.netty.channel.epoll.Epoll;
import io.vipd.health.ChildProcesses;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a proxied connection costs in system calls on the relay's event loop, as strace counts them:
 * none of the calls Netty's own channels would add (a DEL before each close, getpeername, SO_SNDBUF
 * and SO_LINGER reads, shutdown(SHUT_RD), interest changes), and two {@code epoll_ctl}s, the ADDs
 * (Netty's own channel makes about ten, haproxy three).
 */
class RelaySystemCallsTest {
  private static final int CONNECTIONS = 20;

  private final TestServers servers = new TestServers();
  private final RecordingEvents events = new RecordingEvents();
  private ProxyServer proxy;

  /** The proxy's one event loop, once started. */
  private EventLoop loop;

  @TempDir Path dir;

  @AfterEach
  void tearDown() {
    if (proxy != null) {
      proxy.stop(Duration.ZERO);
    }
    servers.close();
  }

  @Test
  void aProxiedConnectionMakesOnlyTheSystemCallsItNeeds() throws Exception {
    String tid = startAndWarmUp();
    List<String> calls =
        traced(
            tid,
            () -> {
              for (int i = 0; i < CONNECTIONS; i++) {
                relayOne();
              }
              await(
                  "sessions end",
                  Duration.ofSeconds(5),
                  () -> events.closed.size() == CONNECTIONS + 1);
            });
    assertEquals(0, count(calls, "EPOLL_CTL_DEL"), "closing alone takes a socket out of epoll");
    assertEquals(0, count(calls, "EPOLL_CTL_MOD"), "no interest changes: " + calls);
    assertEquals(0, count(calls, "getpeername("), "the peer is the address connected to");
    assertEquals(
        CONNECTIONS,
        count(calls, "TCP_NODELAY"),
        "TCP_NODELAY set on the outgoing socket only (accepted ones inherit the listener's)");
    assertEquals(0, count(calls, "SHUT_RD"), "end of stream needs no shutdown(SHUT_RD)");
    assertEquals(0, count(calls, "SO_LINGER"), "SO_LINGER is not read back at close");
    assertEquals(0, count(calls, "SO_SNDBUF"), "SO_SNDBUF is not read at creation");
    assertEquals(CONNECTIONS, count(calls, "SHUT_WR"), "one FIN forwarded per connection");
    assertEquals(2 * CONNECTIONS, count(calls, "EPOLL_CTL_ADD"), "one ADD per socket");
    // Netty's Socket checks each new descriptor's family (one getsockname); the local addresses
    // are not read.
    long getsockname = count(calls, "getsockname(");
    assertTrue(
        getsockname <= 2L * CONNECTIONS,
        getsockname + " getsockname for " + CONNECTIONS + " connections: " + calls);
  }

  @Test
  void aSocketClosedWhileAChildProcessIsStartingLeavesEpollFirst() throws Exception {
    // A child between fork and exec holds every descriptor: a close alone would leave the socket
    // in the epoll set, its events arriving under a number a new connection may reuse.
    String tid = startAndWarmUp();
    List<String> calls =
        traced(
            tid,
            () ->
                ChildProcesses.whileStarting(
                    () -> {
                      try {
                        relayOne();
                        await(
                            "session end", Duration.ofSeconds(5), () -> events.closed.size() == 2);
                        // the session ends within a batch, whose sockets close when it is over:
                        // a task runs after that
                        loop.submit(() -> {}).get(5, TimeUnit.SECONDS);
                      } catch (Exception e) {
                        if (e instanceof InterruptedException) {
                          Thread.currentThread().interrupt();
                        }
                        throw new IllegalStateException(e);
                      }
                    }));
    assertEquals(2, count(calls, "EPOLL_CTL_DEL"), "both sockets leave epoll before close");
  }

  @Test
  void aConnectionOverMaxconnIsClosedWithoutEverEnteringEpoll() throws Exception {
    String tid = startAndWarmUp(1);
    try (Socket held = connect(proxy)) {
      assertEquals("s1", readLine(held)); // the frontend's one slot
      List<String> calls =
          traced(
              tid,
              () -> {
                for (int i = 0; i < CONNECTIONS; i++) {
                  try (Socket refused = connect(proxy)) {
                    assertNull(readLine(refused), "refused: closed at once");
                  }
                }
                await(
                    "refusals counted",
                    Duration.ofSeconds(5),
                    () -> proxy.status().frontends().get(0).refused() == CONNECTIONS);
              });
      assertEquals(0, count(calls, "epoll_ctl("), "a refused socket is never registered: " + calls);
    }
  }

  @Test
  void aBulkTransferDoesNotTurnReadInterestOnAndOffPerRead() throws Exception {
    // With reads as large as the high watermark, every read made its peer unwritable and back:
    // two epoll_ctl per read. Reads are capped at half the watermark.
    String tid = startAndWarmUp();
    byte[] payload = new byte[8 << 20];
    new Random(3).nextBytes(payload);
    List<String> calls =
        traced(
            tid,
            () -> {
              try (Socket c = connect(proxy)) {
                assertEquals("s1", readLine(c));
                Thread writer = ProxyHarness.sendAndHalfClose(c, payload);
                byte[] back = c.getInputStream().readNBytes(payload.length + 1);
                writer.join(10_000);
                assertArrayEquals(payload, back);
              }
              await("session end", Duration.ofSeconds(5), () -> events.closed.size() == 2);
            });
    long epollCtl = count(calls, "epoll_ctl(");
    // 8 MiB in reads of at most 32 KiB is 256 reads each way; the echo server reads as fast as
    // it can, so back-pressure should engage a few times, not on every read.
    assertTrue(epollCtl <= 64, epollCtl + " epoll_ctl for one 8 MiB echo: " + calls.size());
  }

  @Test
  void lastBytesThatComeWithTheirFinAreReadOnce() throws Exception {
    // The client's last line and its FIN reach the proxy in one epoll event (its loop is held
    // while they arrive): one read takes the line, and the end of stream after it is not read
    // again. Both are still forwarded: the echo server answers the line and closes on the FIN.
    String tid = startAndWarmUp();
    try (Socket c = connect(proxy)) {
      assertEquals("s1", readLine(c));
      EpollSession session = (EpollSession) proxy.sessions().iterator().next();
      int fd = session.clientFd();
      List<String> calls =
          traced(
              tid,
              "trace=recvfrom",
              () -> {
                CountDownLatch release = ProxyHarness.holdLoop(session.eventLoop());
                try {
                  c.getOutputStream().write("ping\n".getBytes(StandardCharsets.US_ASCII));
                  c.shutdownOutput();
                  Thread.sleep(200); // loopback queues both within the calls; a margin anyway
                } finally {
                  release.countDown();
                }
                assertEquals("ping", readLine(c));
                assertNull(readLine(c), "the server's FIN, sent on the client's forwarded FIN");
                await("session end", Duration.ofSeconds(5), () -> events.closed.size() == 2);
              });
      List<String> reads =
          calls.stream().filter(l -> l.startsWith("recvfrom(" + fd + ",")).toList();
      assertEquals(1, reads.size(), "one read of the client's socket: " + reads);
      assertTrue(reads.get(0).contains("ping"), reads.get(0));
    }
  }

  /**
   * Starts the proxy with one event loop, relays one connection untraced, returns the loop's TID.
   */
  private String startAndWarmUp() throws Exception {
    return startAndWarmUp(0);
  }

  /** As {@link #startAndWarmUp()}, with a frontend maxconn of {@code frontendMax} (0: none). */
  private String startAndWarmUp(int frontendMax) throws Exception {
    ProxyHarness.require(
        Epoll.isAvailable() && onPath("strace") && Files.isDirectory(Path.of("/proc/thread-self")),
        "Linux, epoll and strace");
    TestServers.Server echo = servers.echo("s1");
    proxy = ProxyHarness.startProxy(events, 1, echo.address, frontendMax);
    // One connection first, untraced: lazy set-up (buffer arenas, JIT) is not per connection.
    try (Socket c = connect(proxy)) {
      assertEquals("s1", readLine(c));
      loop = proxy.sessions().iterator().next().eventLoop();
      finish(c);
    }
    await("warm-up session end", Duration.ofSeconds(5), () -> events.closed.size() == 1);
    return loop.submit(() -> Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName())
        .get(5, TimeUnit.SECONDS)
        .toString();
  }

  interface Load {
    void run() throws Exception;
  }

  /** The system calls of interest that thread {@code tid} makes while {@code load} runs. */
  private List<String> traced(String tid, Load load) throws Exception {
    return traced(
        tid, "trace=epoll_ctl,getsockopt,setsockopt,getsockname,getpeername,shutdown", load);
  }

  /**
   * The system calls in strace's {@code filter} that thread {@code tid} makes while {@code load}
   * runs.
   */
  private List<String> traced(String tid, String filter, Load load) throws Exception {
    Path trace = dir.resolve("strace.out");
    Process strace =
        new ProcessBuilder("strace", "-qq", "-e", filter, "-o", trace.toString(), "-p", tid)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("strace.log").toFile())
            .start();
    try {
      await("strace attached", Duration.ofSeconds(10), () -> tracerPid(tid) != 0);
      load.run();
    } finally {
      strace.destroy(); // SIGTERM: strace detaches and exits
      assertTrue(strace.waitFor(10, TimeUnit.SECONDS), "strace did not exit");
    }
    return Files.readAllLines(trace);
  }

  /** One connection through the proxy to the echo server, ended by {@link #finish}. */
  private void relayOne() throws IOException {
    try (Socket c = connect(proxy)) {
      assertEquals("s1", readLine(c));
      finish(c);
    }
  }

  /** Ping through the echo server, half-close, and read the server's FIN back. */
  private static void finish(Socket c) throws IOException {
    c.getOutputStream().write("ping\n".getBytes(StandardCharsets.US_ASCII));
    assertEquals("ping", readLine(c));
    c.shutdownOutput();
    assertNull(readLine(c));
  }

  private static long count(List<String> lines, String what) {
    return lines.stream().filter(l -> l.contains(what)).count();
  }

  private static int tracerPid(String tid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/task", tid, "status"))) {
        if (line.startsWith("TracerPid:")) {
          return Integer.parseInt(line.substring("TracerPid:".length()).trim());
        }
      }
      return 0;
    } catch (IOException e) {
      return 0;
    }
  }

  private static boolean onPath(String command) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(d, command))) {
        return true;
      }
    }
    return false;
  }
}
