package io.vipd.proxy;

import static io.vipd.proxy.ProxyHarness.await;
import static io.vipd.proxy.ProxyHarness.connect;
import static io.vipd.proxy.ProxyHarness.readLine;
import static io.vipd.proxy.ProxyHarness.server;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vipd.proxy.balance.BalanceAlgorithm;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Every timeout of {@link ProxyTimeouts}, each fired by a real idle connection. */
class ProxyTimeoutTest {
  /**
   * The epoll relay here; {@code NioTransportTests} runs the same tests over Netty's NIO channels.
   */
  boolean nativeTransport() {
    return true;
  }

  private final TestServers servers = new TestServers();
  private final RecordingEvents events = new RecordingEvents();
  private ProxyServer proxy;
  private final List<Closeable> unansweringSockets = new ArrayList<>();

  @AfterEach
  void tearDown() throws IOException {
    if (proxy != null) {
      proxy.stop(Duration.ZERO);
    }
    servers.close();
    for (Closeable c : unansweringSockets) {
      c.close();
    }
  }

  /**
   * A server whose connects hang: a listener whose accept queue is full drops SYNs (loopback only).
   * Closed after the test.
   */
  private InetSocketAddress unansweringServer() throws IOException {
    ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    unansweringSockets.add(full);
    unansweringSockets.addAll(ProxyHarness.fillBacklog(full));
    return (InetSocketAddress) full.getLocalSocketAddress();
  }

  private void start(InetSocketAddress server, ProxyTimeouts timeouts) throws IOException {
    BackendSettings be =
        new BackendSettings(
            "be",
            BalanceAlgorithm.ROUNDROBIN,
            List.of(server("s", server)),
            timeouts,
            0,
            OnMarkedDown.NONE);
    proxy = new ProxyServer(events, new ProxyOptions(1, nativeTransport(), 32 * 1024, 64 * 1024));
    proxy.start(ProxyHarness.oneFrontend(be, 0, 0));
  }

  private static ProxyTimeouts ms(long connect, long client, long server, long tunnel, long fin) {
    return new ProxyTimeouts(
        Duration.ofMillis(connect),
        Duration.ofMillis(client),
        Duration.ofMillis(server),
        Duration.ofMillis(tunnel),
        Duration.ofMillis(fin));
  }

  /** Waits for the single session to end and checks why and roughly when. */
  private void expectClosed(CloseReason reason, long startNanos, long minMillis)
      throws InterruptedException {
    await("session end", Duration.ofSeconds(5), () -> events.closed.size() == 1);
    long tookMs = (System.nanoTime() - startNanos) / 1_000_000;
    assertEquals(reason, events.closed.peek().reason());
    assertTrue(tookMs >= minMillis, "closed after " + tookMs + " ms, before " + minMillis);
    assertEquals(1, proxy.status().frontend("fe").closed(reason));
    assertEquals(List.of(reason.timeout()), events.timeouts);
  }

  @Test
  void connectTimeoutWhenTheServerNeverAnswersTheHandshake() throws Exception {
    InetSocketAddress unanswering = unansweringServer();
    start(unanswering, ms(300, 5000, 5000, 0, 0));
    long t0 = System.nanoTime();
    try (Socket c = connect(proxy)) {
      assertNull(readLine(c));
    }
    expectClosed(CloseReason.CONNECT_TIMEOUT, t0, 250);
    assertTrue(events.connectFailures.get(0).timedOut());
    assertEquals(1, proxy.status().server("be", "s").connectFailures());
  }

  /**
   * A client that spoke first (a TLS ClientHello) and whose server never connects is closed with a
   * FIN, as haproxy closes it, not a reset: its bytes, never read while connecting, are taken
   * before the close.
   */
  @Test
  void aClientThatSpokeBeforeAConnectTimeoutGetsAFinNotAReset() throws Exception {
    InetSocketAddress unanswering = unansweringServer();
    start(unanswering, ms(300, 5000, 5000, 0, 0));
    long t0 = System.nanoTime();
    try (Socket c = connect(proxy)) {
      c.getOutputStream().write(new byte[512]); // there long before the deadline
      assertEquals(-1, c.getInputStream().read(), "a FIN (a reset throws here)");
    }
    expectClosed(CloseReason.CONNECT_TIMEOUT, t0, 250);
  }

  @Test
  void withoutAConnectTimeoutSessionsStillConnectAndTimeOut() throws Exception {
    // timeout connect 0: the connect deadline is off, while client and server timeouts still run
    start(servers.echo("live").address, ms(0, 300, 5000, 0, 0));
    long t0 = System.nanoTime();
    try (Socket c = connect(proxy)) {
      assertEquals("live", readLine(c));
      assertNull(readLine(c)); // then closed by the client timeout, not at once
    }
    expectClosed(CloseReason.CLIENT_TIMEOUT, t0, 250);
  }

  @Test
  void aConnectTimeoutIsRetriedOnAnotherServer() throws Exception {
    InetSocketAddress unanswering = unansweringServer();
    BackendSettings be =
        new BackendSettings(
            "be",
            BalanceAlgorithm.ROUNDROBIN,
            List.of(server("hangs", unanswering), server("live", servers.echo("live").address)),
            ms(200, 5000, 5000, 0, 0),
            1,
            OnMarkedDown.NONE);
    proxy = new ProxyServer(events, new ProxyOptions(1, nativeTransport(), 32 * 1024, 64 * 1024));
    proxy.start(ProxyHarness.oneFrontend(be, 0, 0));
    for (int i = 0; i < 2; i++) { // round robin: one of the two starts on "hangs"
      long t0 = System.nanoTime();
      try (Socket c = connect(proxy)) {
        assertEquals("live", readLine(c));
      }
      long tookMs = (System.nanoTime() - t0) / 1_000_000;
      assertTrue(tookMs < 4000, "answered after " + tookMs + " ms");
    }
    assertEquals(1, proxy.status().server("be", "hangs").connectFailures());
    assertTrue(events.connectFailures.get(0).timedOut());
    assertEquals(2, proxy.status().server("be", "live").connections());
  }

  @Test
  void aClientLeavingDuringTheConnectIsNotTheServersFailure() throws Exception {
    InetSocketAddress unanswering = unansweringServer();
    start(unanswering, ms(5000, 5000, 5000, 0, 0));
    try (Socket c = connect(proxy)) {
      await("session", Duration.ofSeconds(5), () -> proxy.sessions().iterator().hasNext());
      c.setSoLinger(true, 0); // the client resets while the server connect hangs
    }
    await("session end", Duration.ofSeconds(5), () -> events.closed.size() == 1);
    assertEquals(List.of(), events.connectFailures, "no passive failure for the server");
    assertEquals(0, proxy.status().server("be", "s").connectFailures());
    assertEquals(0, proxy.status().server("be", "s").activeConnections());
  }

  @Test
  void clientTimeoutWhenTheClientIsIdleButActivityKeepsItAlive() throws Exception {
    // Activity every 100 ms for 1.5 s, longer than the 1 s timeout: a timeout that ran from the
    // start of the session fires during the loop. The timeout is ten times the gap, so a stall of
    // the VM between two rounds does not fire it.
    start(servers.echo(null).address, ms(1000, 1000, 5000, 0, 0));
    try (Socket c = connect(proxy)) {
      long lastActivity = 0;
      for (int i = 0; i < 15; i++) {
        // Taken before the write: the proxy's last activity (reading it, echoing it back) comes
        // after, so the session cannot end before lastActivity + the timeout.
        lastActivity = System.nanoTime();
        c.getOutputStream().write("k\n".getBytes());
        assertEquals("k", readLine(c));
        Thread.sleep(100);
      }
      assertTrue(events.closed.isEmpty(), "activity every 100 ms beats a 1 s timeout");
      assertNull(readLine(c));
      // The timeout runs from the last activity, not from the end of the loop.
      expectClosed(CloseReason.CLIENT_TIMEOUT, lastActivity, 950);
    }
  }

  @Test
  void serverTimeoutWhenTheServerIsIdle() throws Exception {
    start(servers.hang().address, ms(1000, 5000, 300, 0, 0));
    long t0 = System.nanoTime();
    try (Socket c = connect(proxy)) {
      assertNull(readLine(c));
    }
    expectClosed(CloseReason.SERVER_TIMEOUT, t0, 250);
  }

  @Test
  void tunnelTimeoutReplacesClientAndServerOnceConnected() throws Exception {
    // The silences are more than twice the client and server timeouts, so those fire in them if
    // the tunnel timeout does not replace them, and 1.5 s short of the tunnel timeout, so a slow
    // VM does not make the tunnel timeout fire in them either.
    start(servers.echo(null).address, ms(1000, 200, 200, 2000, 0));
    try (Socket c = connect(proxy)) {
      // a silent client of an established connection (a watch waiting for events): the tunnel
      // timeout applies at once, as in haproxy's mode tcp, not client's 200 ms
      Thread.sleep(500);
      c.getOutputStream().write("x\n".getBytes());
      assertEquals("x", readLine(c), "still open after 500 ms of silence");
      Thread.sleep(500); // longer than client and server timeouts, shorter than tunnel
      // Taken before the write: the proxy's last activity (relaying it both ways) comes after.
      long t0 = System.nanoTime();
      c.getOutputStream().write("y\n".getBytes());
      assertEquals("y", readLine(c), "still open: tunnel replaced client/server");
      assertNull(readLine(c));
      expectClosed(CloseReason.TUNNEL_TIMEOUT, t0, 1950);
    }
  }

  /**
   * A client that sent its FIN and stopped reading while the server still streams to it: the send
   * to it is held up, and the client timeout cuts it, not client-fin. haproxy's half-closed timeout
   * replaces only a side's read timeout once a FIN was passed on to it, never its write timeout;
   * beside haproxy 2.6 (client 5s, client-fin 300ms) the same client is cut after 5.0 s
   * (TimeoutsBesideHaproxyTest). It was cut at client-fin here before.
   */
  @Test
  void aHalfClosedClientThatStopsReadingIsCutAtTheClientTimeoutNotClientFin() throws Exception {
    try (TestServers.StreamServer streamer = servers.stream(16 * 1024, 256L << 20)) {
      start(streamer.address, ms(1000, 1500, 5000, 0, 300));
      try (Socket c = connect(proxy)) {
        await(
            "the relay held up by the client",
            Duration.ofSeconds(5),
            () -> streamer.written.get() > 0 && !growing(streamer));
        // the client's FIN is activity: the client timeout runs from it
        long t0 = System.nanoTime();
        c.shutdownOutput(); // and never reads
        expectClosed(CloseReason.CLIENT_TIMEOUT, t0, 600);
      }
    }
  }

  /**
   * A client quiet after its own FIN has nothing more to send: as in haproxy, client-fin does not
   * cut it; the server side's timeout goes on (an exec whose server is silent for a while).
   */
  @Test
  void aQuietClientAfterItsFinIsNotCutAtClientFin() throws Exception {
    start(servers.hang().address, ms(1000, 5000, 1000, 0, 300));
    // Taken before the connect: the server timeout may run from the server connect rather than
    // from the FIN, and that connect can come any time after the client's connect returns.
    long t0 = System.nanoTime();
    try (Socket c = connect(proxy)) {
      Thread.sleep(50);
      c.shutdownOutput();
      assertNull(readLine(c));
      expectClosed(CloseReason.SERVER_TIMEOUT, t0, 950);
    }
  }

  private static boolean growing(TestServers.StreamServer s) {
    long before = s.written.get();
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return s.written.get() != before;
  }

  /**
   * haproxy's client-fin applies once the server's FIN was passed on to the client: here the server
   * finished first and the client, told so, never closes (a FIN_WAIT pile-up otherwise).
   */
  @Test
  void clientFinAlsoAppliesOnceTheServerHasClosed() throws Exception {
    start(servers.finFirst("done").address, ms(1000, 5000, 5000, 5000, 300));
    // Taken before the connect: the server sends its line and FIN at once, so client-fin may be
    // running before the line is read here.
    long t0 = System.nanoTime();
    try (Socket c = connect(proxy)) {
      assertEquals("done", readLine(c));
      assertNull(readLine(c), "the server's FIN, passed on");
      expectClosed(CloseReason.CLIENT_FIN_TIMEOUT, t0, 250);
    }
  }

  /** A server that never closes after the client's FIN was passed on to it: server-fin. */
  @Test
  void serverFinTimeoutOnceTheClientHasClosed() throws Exception {
    ProxyTimeouts t = ms(1000, 5000, 5000, 5000, 0);
    start(
        servers.hang().address,
        new ProxyTimeouts(
            t.connect(),
            t.client(),
            t.server(),
            t.tunnel(),
            t.clientFin(),
            Duration.ofMillis(300)));
    try (Socket c = connect(proxy)) {
      Thread.sleep(600); // idle, longer than server-fin: it counts from the FIN
      long t0 = System.nanoTime();
      c.shutdownOutput();
      assertNull(readLine(c));
      expectClosed(CloseReason.SERVER_FIN_TIMEOUT, t0, 250);
    }
  }

  @Test
  void withoutServerFinTheServerSideKeepsItsTimeout() throws Exception {
    start(servers.hang().address, ms(1000, 5000, 700, 0, 0));
    // Taken before the connect: the server timeout may run from the server connect, which can
    // come before the client's connect returns here.
    long t0 = System.nanoTime();
    try (Socket c = connect(proxy)) {
      c.shutdownOutput();
      assertNull(readLine(c));
      expectClosed(CloseReason.SERVER_TIMEOUT, t0, 650);
    }
  }
}
