package io.vipd.proxy;

import static io.vipd.proxy.ProxyHarness.await;
import static io.vipd.proxy.ProxyHarness.connect;
import static io.vipd.proxy.ProxyHarness.drain;
import static io.vipd.proxy.ProxyHarness.readLine;
import static io.vipd.proxy.ProxyHarness.server;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.epoll.Epoll;
import io.vipd.proxy.balance.BalanceAlgorithm;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProxyRelayTest {
  private final TestServers servers = new TestServers();
  private final RecordingEvents events = new RecordingEvents();
  private ProxyServer proxy;

  @AfterEach
  void tearDown() {
    if (proxy != null) {
      proxy.stop(Duration.ZERO);
    }
    servers.close();
  }

  private ProxyServer start(boolean nativeTransport, ProxySettings settings) throws IOException {
    ProxyOptions o = ProxyOptions.DEFAULTS;
    proxy =
        new ProxyServer(
            events,
            new ProxyOptions(2, nativeTransport, o.writeLowWaterMark(), o.writeHighWaterMark()));
    proxy.start(settings);
    return proxy;
  }

  private ProxySettings echoSettings(TestServers.Server echo) {
    return settingsTo(echo.address);
  }

  /** One frontend, one backend with one server, s1 at {@code address}. */
  private static ProxySettings settingsTo(InetSocketAddress address) {
    return ProxyHarness.oneFrontend(
        ProxyHarness.backend(
            BalanceAlgorithm.ROUNDROBIN, 0, OnMarkedDown.NONE, server("s1", address)),
        0,
        0);
  }

  @ParameterizedTest(name = "native={0}")
  @ValueSource(booleans = {true, false})
  void relaysBytesUntouchedBothWaysAndCountsThem(boolean nativeTransport) throws Exception {
    TestServers.Server echo = servers.echo("s1");
    start(nativeTransport, echoSettings(echo));
    assertEquals(nativeTransport && Epoll.isAvailable(), proxy.nativeTransport());
    byte[] payload = new byte[1 << 20];
    new Random(1).nextBytes(payload);
    try (Socket c = connect(proxy)) {
      assertEquals("s1", readLine(c));
      Thread writer = ProxyHarness.sendAndHalfClose(c, payload);
      byte[] back = c.getInputStream().readNBytes(payload.length + 1);
      writer.join(5000);
      assertArrayEquals(payload, back);
    }
    await("session end", Duration.ofSeconds(5), () -> events.closed.size() == 1);
    RecordingEvents.Closed closed = events.closed.peek();
    assertEquals(CloseReason.CLIENT_CLOSED, closed.reason());
    assertEquals(payload.length, closed.bytesIn());
    assertEquals(payload.length + 3, closed.bytesOut());
    ProxyStatus status = proxy.status();
    assertEquals(payload.length, status.frontend("fe").bytesIn());
    assertEquals(payload.length + 3, status.server("be", "s1").bytesOut());
    assertEquals(1, status.frontend("fe").closed(CloseReason.CLIENT_CLOSED));
    assertEquals(0, status.activeConnections());
    assertEquals(0, status.server("be", "s1").activeConnections());
  }

  /**
   * A client that speaks first (a TLS ClientHello) has its bytes read by the session whichever of
   * the two loops serves it: the session's handler must be in place before the connection's first
   * read, on the connection's own loop.
   */
  @ParameterizedTest(name = "native={0}")
  @ValueSource(booleans = {true, false})
  void aClientsFirstBytesReachTheServerOnEveryLoop(boolean nativeTransport) throws Exception {
    TestServers.Server echo = servers.echo(null);
    start(nativeTransport, echoSettings(echo));
    for (int i = 0; i < 200; i++) {
      try (Socket c = connect(proxy)) {
        c.getOutputStream().write(("hello " + i + "\n").getBytes(StandardCharsets.US_ASCII));
        assertEquals("hello " + i, readLine(c), "connection " + i);
      }
    }
    await("sessions end", Duration.ofSeconds(5), () -> events.closed.size() == 200);
  }

  /** A session whose start fails is closed, not left open, and its maxconn slot comes back. */
  @Test
  void aSessionThatCannotStartIsClosedAndGivesItsSlotBack() throws Exception {
    TestServers.Server echo = servers.echo(null);
    start(
        true,
        ProxyHarness.oneFrontend(
            ProxyHarness.backend(
                BalanceAlgorithm.ROUNDROBIN, 0, OnMarkedDown.NONE, server("s1", echo.address)),
            1,
            0));
    events.failNextAccept = new IllegalStateException("test: the accept callback fails");
    try (Socket c = connect(proxy)) {
      assertEquals(-1, c.getInputStream().read(), "closed, not left open");
    }
    // the slot goes back as the closed session finishes on its loop, just after the close
    await(
        "the first session ends",
        Duration.ofSeconds(5),
        () -> proxy.status().frontend("fe").activeConnections() == 0);
    try (Socket c = connect(proxy)) { // maxconn 1: refused if the first one kept its slot
      c.getOutputStream().write("again\n".getBytes(StandardCharsets.US_ASCII));
      assertEquals("again", readLine(c));
    }
  }

  @Test
  void clientHalfCloseReachesServerAndRepliesStillFlow() throws Exception {
    TestServers.Server echo = servers.echo(null);
    start(true, echoSettings(echo));
    try (Socket c = connect(proxy)) {
      c.getOutputStream().write("ping".getBytes());
      c.shutdownOutput();
      // the echo server answers the FIN with its own only after echoing: we see both
      assertEquals("ping", new String(c.getInputStream().readAllBytes()));
    }
    await("session end", Duration.ofSeconds(5), () -> events.closed.size() == 1);
    assertEquals(CloseReason.CLIENT_CLOSED, events.closed.peek().reason());
  }

  @Test
  void serverHalfCloseReachesClientAndClientCanStillSend() throws Exception {
    TestServers.Server fin = servers.finFirst("bye");
    start(true, echoSettings(fin));
    try (Socket c = connect(proxy)) {
      assertEquals("bye", readLine(c));
      assertEquals(-1, c.getInputStream().read(), "server FIN must reach the client");
      c.getOutputStream().write(new byte[1000]);
      c.getOutputStream().flush();
      await(
          "server got bytes after its FIN",
          Duration.ofSeconds(5),
          () -> fin.received.get() == 1000);
      c.shutdownOutput();
    }
    await("session end", Duration.ofSeconds(5), () -> events.closed.size() == 1);
    assertEquals(CloseReason.SERVER_CLOSED, events.closed.peek().reason());
    assertEquals(1000, events.closed.peek().bytesIn());
  }

  @Test
  void serverDyingMidStreamDeliversWhatItSentThenCloses() throws Exception {
    TestServers.Server dying = servers.dieAfter("d", 300_000);
    start(true, echoSettings(dying));
    try (Socket c = connect(proxy)) {
      assertEquals("d", readLine(c));
      assertEquals(300_000, drain(c));
    }
    await("session end", Duration.ofSeconds(5), () -> events.closed.size() == 1);
    assertEquals(CloseReason.SERVER_CLOSED, events.closed.peek().reason());
  }

  @Test
  void ipv6FrontendRelays() throws Exception {
    TestServers.Server echo = servers.echo("v6");
    InetSocketAddress v6 = new InetSocketAddress(InetAddress.getByName("::1"), 0);
    ProxySettings settings =
        new ProxySettings(
            List.of(FrontendSettings.of("fe", v6, "be")),
            List.of(
                ProxyHarness.backend(
                    BalanceAlgorithm.ROUNDROBIN, 0, OnMarkedDown.NONE, server("s1", echo.address))),
            0);
    start(true, settings);
    assertTrue(proxy.localAddress("fe").getAddress() instanceof Inet6Address);
    try (Socket c = connect(proxy)) {
      assertEquals("v6", readLine(c));
    }
  }

  @Test
  void freebindBindsAnAddressTheNodeDoesNotHold() throws Exception {
    // TEST-NET-1 (RFC 5737): on no interface here; we only bind to it, never send to it
    InetSocketAddress notLocal = new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 0);
    BackendSettings be =
        ProxyHarness.backend(
            BalanceAlgorithm.ROUNDROBIN,
            0,
            OnMarkedDown.NONE,
            server("s1", TestServers.closedPort()));
    ProxySettings without =
        new ProxySettings(
            List.of(new FrontendSettings("fe", notLocal, "be", 0, false)), List.of(be), 0);
    ProxyServer plain = new ProxyServer(events, new ProxyOptions(1, true, 1024, 2048));
    IOException e = assertThrows(IOException.class, () -> plain.start(without));
    assertTrue(e.getMessage().contains("cannot bind"), e.getMessage());
    plain.stop(Duration.ZERO);

    ProxySettings with =
        new ProxySettings(
            List.of(new FrontendSettings("fe", notLocal, "be", 0, true)), List.of(be), 0);
    start(true, with);
    assertTrue(proxy.nativeTransport(), "IP_FREEBIND needs epoll");
    assertEquals(notLocal.getAddress(), proxy.localAddress("fe").getAddress());
    assertTrue(proxy.localAddress("fe").getPort() > 0);
  }

  /**
   * The client's FIN and then the server's reset reach the proxy in one epoll batch: relaying the
   * FIN to the reset socket fails (ENOTCONN), which must end the session quietly, not as an
   * exception thrown out of a future listener (Netty logs those as warnings).
   */
  @Test
  void aFinTowardsAServerThatResetMeanwhileEndsTheSessionQuietly() throws Exception {
    List<LogRecord> warnings = new CopyOnWriteArrayList<>();
    Handler capture =
        new Handler() {
          @Override
          public void publish(LogRecord r) {
            if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
              warnings.add(r);
            }
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    Logger root = Logger.getLogger("");
    root.addHandler(capture);
    try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      start(true, settingsTo((InetSocketAddress) listener.getLocalSocketAddress()));
      Socket server = null;
      try (Socket client = connect(proxy)) {
        server = listener.accept();
        await("connected", Duration.ofSeconds(5), () -> events.connected.size() == 1);
        RelaySession session = proxy.sessions().iterator().next();
        // hold the session's event loop so that both events wait for the same epoll batch
        Future<?> held = session.eventLoop().submit(() -> sleep(400));
        Thread.sleep(100);
        client.shutdownOutput();
        Thread.sleep(50);
        server.setSoLinger(true, 0);
        server.close();
        held.get(5, TimeUnit.SECONDS);
        await("closed", Duration.ofSeconds(5), () -> events.closed.size() == 1);
        assertEquals(CloseReason.SERVER_ERROR, events.closed.peek().reason());
      } finally {
        if (server != null) {
          server.close(); // reset above; closing again is a no-op
        }
      }
      Thread.sleep(100);
      assertEquals(List.of(), warnings.stream().map(ProxyRelayTest::describe).toList());
    } finally {
      root.removeHandler(capture);
    }
  }

  /**
   * The client's last bytes and its reset reach the proxy in one epoll event (its loop is held
   * while they arrive). The bytes are still relayed, with a FIN after them; the session ends as the
   * client's error once the server, told so by the FIN, ends too (what it answers meanwhile goes
   * nowhere), and nothing is held open.
   */
  @Test
  void lastBytesAndAResetInOneEventReachTheServerAndEndTheSession() throws Exception {
    ProxyHarness.require(Epoll.isAvailable(), "epoll");
    try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      start(true, settingsTo((InetSocketAddress) listener.getLocalSocketAddress()));
      Socket client = connect(proxy);
      try (Socket server = listener.accept()) {
        server.setSoTimeout(5000);
        await("connected", Duration.ofSeconds(5), () -> events.connected.size() == 1);
        RelaySession session = proxy.sessions().iterator().next();
        CountDownLatch release = ProxyHarness.holdLoop(session.eventLoop());
        try {
          client.getOutputStream().write("ping\n".getBytes(StandardCharsets.US_ASCII));
          client.setSoLinger(true, 0);
          client.close(); // a reset, right behind the bytes
          Thread.sleep(200); // loopback queues both within the calls; a margin anyway
        } finally {
          release.countDown();
        }
        assertEquals("ping", readLine(server));
        assertEquals(null, readLine(server), "a FIN after the bytes");
        server.shutdownOutput(); // told the client is gone, the server ends too, as apiservers do
        await("closed", Duration.ofSeconds(5), () -> events.closed.size() == 1);
        assertEquals(CloseReason.CLIENT_ERROR, events.closed.peek().reason());
      }
      assertTrue(!proxy.sessions().iterator().hasNext(), "no session left");
    }
  }

  /**
   * A client resets while its server streams on and ignores the FIN the proxy passes it: the
   * session waits for the server's end no longer than a half-closed wait (client-fin, 300 ms here),
   * not its tunnel timeout (30 s), reading and dropping the stream meanwhile, and ends as the
   * client's error.
   */
  @Test
  void aServerStreamingOnAfterItsClientResetIsLetGoAfterAHalfClosedWait() throws Exception {
    ProxyHarness.require(Epoll.isAvailable(), "epoll");
    try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      ProxyTimeouts t =
          new ProxyTimeouts(
              Duration.ofSeconds(5),
              Duration.ofSeconds(30),
              Duration.ofSeconds(30),
              Duration.ofSeconds(30),
              Duration.ofMillis(300));
      start(
          true,
          ProxyHarness.oneFrontend(
              new BackendSettings(
                  "be",
                  BalanceAlgorithm.ROUNDROBIN,
                  List.of(server("s1", (InetSocketAddress) listener.getLocalSocketAddress())),
                  t,
                  0,
                  OnMarkedDown.NONE),
              0,
              0));
      Socket client = connect(proxy);
      try (Socket server = listener.accept()) {
        server.setSoTimeout(5000);
        client.getOutputStream().write("watch\n".getBytes(StandardCharsets.US_ASCII));
        assertEquals("watch", readLine(server));
        client.setSoLinger(true, 0);
        client.close(); // a reset
        assertEquals(null, readLine(server), "the FIN the proxy passes on");
        long start = System.nanoTime();
        long cutAfterMs = -1;
        byte[] event = "{\"type\":\"MODIFIED\"}\n".getBytes(StandardCharsets.US_ASCII);
        while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10)) {
          try {
            server.getOutputStream().write(event); // streams on, as a watch would
          } catch (IOException cut) {
            cutAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            break;
          }
          Thread.sleep(20);
        }
        assertTrue(cutAfterMs >= 0, "the proxy still holds the server after 10 s");
        await("closed", Duration.ofSeconds(5), () -> events.closed.size() == 1);
        assertEquals(CloseReason.CLIENT_ERROR, events.closed.peek().reason());
      }
    }
  }

  /**
   * A server's response of several reads and its reset reach the proxy in one epoll event: the
   * whole response still reaches the client (as far as the client's socket takes it at once, which
   * 96 KiB is on loopback), not just the first read's worth, and the session ends as the server's
   * error.
   */
  @Test
  void aResponseOfSeveralReadsAndAResetInOneEventAllReachTheClient() throws Exception {
    ProxyHarness.require(Epoll.isAvailable(), "epoll");
    byte[] response = new byte[96 * 1024];
    new java.util.Random(5).nextBytes(response);
    try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      start(true, settingsTo((InetSocketAddress) listener.getLocalSocketAddress()));
      Socket server = null;
      try (Socket client = connect(proxy)) {
        server = listener.accept();
        client.setSoTimeout(5000);
        await("connected", Duration.ofSeconds(5), () -> events.connected.size() == 1);
        RelaySession session = proxy.sessions().iterator().next();
        CountDownLatch release = ProxyHarness.holdLoop(session.eventLoop());
        try {
          server.getOutputStream().write(response);
          Thread.sleep(100); // on the proxy's side of loopback before the reset
          server.setSoLinger(true, 0);
          server.close(); // a reset, right behind the bytes
          Thread.sleep(100);
        } finally {
          release.countDown();
        }
        java.io.ByteArrayOutputStream got = readUntilClosed(client);
        assertArrayEquals(response, got.toByteArray(), "got " + got.size() + " bytes");
        client.shutdownOutput(); // at the end of the stream the client closes, as clients do
        await("closed", Duration.ofSeconds(5), () -> events.closed.size() == 1);
        assertEquals(CloseReason.SERVER_ERROR, events.closed.peek().reason());
      } finally {
        if (server != null) {
          server.close(); // reset above; closing again is a no-op
        }
      }
    }
  }

  /**
   * A server resets in the middle of a response larger than a slow client takes at once (a big LIST
   * to a client on a slow link, then the apiserver killed): every byte the proxy took from the
   * server before the reset still reaches the client as it reads, while the client talks on, and
   * the session then ends as the server's error. Before, the proxy gave the client only what its
   * socket took at the reset, and dropped the rest it held, with a close that looked like a normal
   * end.
   */
  @Test
  void aResetServersResponseReachesASlowClientAsFarAsTheProxyGotIt() throws Exception {
    ProxyHarness.require(Epoll.isAvailable(), "epoll");
    byte[] response = new byte[16 << 20];
    new java.util.Random(7).nextBytes(response);
    try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      start(true, settingsTo((InetSocketAddress) listener.getLocalSocketAddress()));
      Socket server = null;
      Thread writer = null;
      try (Socket client = new Socket()) {
        client.setReceiveBufferSize(4096); // before the connect: a small window, a slow link
        client.connect(proxy.localAddress("fe"), 2000);
        client.setSoTimeout(5000);
        Socket accepted = listener.accept();
        server = accepted;
        await("connected", Duration.ofSeconds(5), () -> events.connected.size() == 1);
        writer =
            new Thread(
                () -> {
                  try {
                    accepted.getOutputStream().write(response); // blocks: the client reads nothing
                  } catch (IOException e) {
                    // the reset below
                  }
                },
                "writer");
        writer.start();
        Thread.sleep(1000); // every buffer on the way fills up
        server.setSoLinger(true, 0);
        server.close(); // a reset in mid-response
        Thread.sleep(300); // the proxy has seen it before the client reads anything
        // the client talks on as it reads (client-go's HTTP/2 WINDOW_UPDATEs): its bytes go
        // nowhere,
        // and must not turn the close that follows the server's last bytes into a reset
        java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        long nextTalk = 0;
        try {
          for (int n; (n = client.getInputStream().read(chunk)) > 0; ) {
            got.write(chunk, 0, n);
            if (got.size() >= nextTalk) {
              client.getOutputStream().write(new byte[16]);
              nextTalk += 256 * 1024;
            }
          }
        } catch (java.net.SocketException e) {
          // a reset before the end: the count below tells
        }
        client.shutdownOutput(); // at the end of the stream the client closes, as clients do
        await("closed", Duration.ofSeconds(5), () -> events.closed.size() == 1);
        RecordingEvents.Closed closed = events.closed.peek();
        assertEquals(CloseReason.SERVER_ERROR, closed.reason());
        assertTrue(got.size() > 0 && got.size() < response.length, "got " + got.size());
        assertEquals(closed.bytesOut(), got.size(), "bytes the proxy took from the server");
        assertArrayEquals(
            java.util.Arrays.copyOf(response, got.size()), got.toByteArray(), "in order");
      } finally {
        if (server != null) {
          server.close();
        }
        if (writer != null) {
          writer.join(5000);
        }
      }
    }
  }

  /**
   * The server said its piece and closed (its FIN passed on to the client); in one batch the client
   * then sends its request and FIN (read, its write deferred to the batch's end) and the server
   * resets. Both ends are in: the session must end then, as the server's error. It stayed open for
   * good before, with no event or timeout left to end it: two descriptors and the maxconn slots
   * leaked (found by review).
   */
  @Test
  void aResetWhenBothEndsAreAlreadyInEndsTheSession() throws Exception {
    ProxyHarness.require(Epoll.isAvailable(), "epoll");
    try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      start(true, settingsTo((InetSocketAddress) listener.getLocalSocketAddress()));
      Socket server = null;
      try (Socket client = connect(proxy)) {
        server = listener.accept();
        client.setSoTimeout(5000);
        await("connected", Duration.ofSeconds(5), () -> events.connected.size() == 1);
        server.getOutputStream().write("bye\n".getBytes(StandardCharsets.US_ASCII));
        server.shutdownOutput();
        assertEquals("bye", readLine(client));
        assertNull(readLine(client), "the server's FIN, passed on");
        RelaySession session = proxy.sessions().iterator().next();
        CountDownLatch release = ProxyHarness.holdLoop(session.eventLoop());
        try {
          client.getOutputStream().write("late\n".getBytes(StandardCharsets.US_ASCII));
          client.shutdownOutput();
          Thread.sleep(100); // in the proxy's socket before the reset comes
          server.setSoLinger(true, 0);
          server.close(); // a reset
          Thread.sleep(100);
        } finally {
          release.countDown();
        }
        await("closed", Duration.ofSeconds(5), () -> events.closed.size() == 1);
        assertEquals(CloseReason.SERVER_ERROR, events.closed.peek().reason());
        assertEquals(0, proxy.status().activeConnections(), "the slots given back");
      } finally {
        if (server != null) {
          server.close();
        }
      }
    }
  }

  /** Reads until the end of stream, or until a reset that comes after the bytes. */
  private static java.io.ByteArrayOutputStream readUntilClosed(Socket s) throws IOException {
    java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
    byte[] chunk = new byte[8192];
    try {
      for (int n; (n = s.getInputStream().read(chunk)) > 0; ) {
        got.write(chunk, 0, n);
      }
    } catch (java.net.SocketException e) {
      // the proxy may close with a reset once the bytes are out; they were read before it
    }
    return got;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String describe(LogRecord r) {
    return r.getLoggerName() + ": " + r.getMessage() + " " + r.getThrown();
  }
}
