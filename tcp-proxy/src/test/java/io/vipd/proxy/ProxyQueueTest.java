package io.vipd.proxy;

import static io.vipd.proxy.ProxyHarness.await;
import static io.vipd.proxy.ProxyHarness.connect;
import static io.vipd.proxy.ProxyHarness.readLine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vipd.proxy.balance.BalanceAlgorithm;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * haproxy's backend queue over real loopback connections: with every usable server at its maxconn,
 * a new connection waits for a slot, oldest first, for at most {@code timeout queue}.
 */
class ProxyQueueTest {
  /** The epoll relay here; {@code NioTransportTests} runs the same tests over NIO channels. */
  boolean nativeTransport() {
    return true;
  }

  private final TestServers servers = new TestServers();
  private final RecordingEvents events = new RecordingEvents();
  private final List<Socket> clients = new ArrayList<>();
  private ProxyServer proxy;

  @AfterEach
  void tearDown() throws IOException {
    for (Socket c : clients) {
      c.close();
    }
    if (proxy != null) {
      proxy.stop(Duration.ZERO);
    }
    servers.close();
  }

  /** A proxy in front of {@code servers}, a queue timeout of {@code queueMs} (0: connect's). */
  private void start(long queueMs, ServerSettings... servers) throws IOException {
    start(5000, queueMs, servers);
  }

  /** As {@link #start(long, ServerSettings...)}, with a connect timeout of {@code connectMs}. */
  private void start(long connectMs, long queueMs, ServerSettings... servers) throws IOException {
    proxy = new ProxyServer(events, new ProxyOptions(2, nativeTransport(), 32 * 1024, 64 * 1024));
    proxy.start(ProxyHarness.oneFrontend(backend(connectMs, queueMs, servers), 0, 0));
  }

  private static BackendSettings backend(long connectMs, long queueMs, ServerSettings... servers) {
    ProxyTimeouts t =
        new ProxyTimeouts(
            Duration.ofMillis(connectMs),
            Duration.ofSeconds(30),
            Duration.ofSeconds(30),
            Duration.ZERO,
            Duration.ZERO,
            Duration.ZERO,
            Duration.ofMillis(queueMs));
    return new BackendSettings(
        "be", BalanceAlgorithm.ROUNDROBIN, List.of(servers), t, 0, true, OnMarkedDown.NONE);
  }

  private static ServerSettings limited(String name, TestServers.Server s, int maxconn) {
    return new ServerSettings(name, s.address, 1, false, maxconn);
  }

  /** A client through the proxy, closed after the test. */
  private Socket client() throws IOException {
    Socket c = connect(proxy);
    clients.add(c);
    return c;
  }

  /** A client that must wait: the queue grows to {@code queued} with it. */
  private Socket waitingClient(int queued) throws Exception {
    Socket c = client();
    await("queue of " + queued, Duration.ofSeconds(5), () -> proxy.status().queued("be") == queued);
    return c;
  }

  /** Asserts that {@code c} has reached no server yet: no greeting within a short while. */
  private static void assertWaiting(Socket c) throws IOException {
    c.setSoTimeout(300);
    try {
      assertThrows(SocketTimeoutException.class, () -> c.getInputStream().read(), "still waits");
    } finally {
      c.setSoTimeout(5000);
    }
  }

  @Test
  void aConnectionWaitsForASlotAndTakesItWhenOneFrees() throws Exception {
    start(0, limited("one", servers.echo("one"), 1));
    Socket first = client();
    assertEquals("one", readLine(first));
    Socket second = waitingClient(1);
    assertWaiting(second);
    // what it sends meanwhile waits in its socket, and reaches the server once it has a slot
    second.getOutputStream().write("hello\n".getBytes(StandardCharsets.US_ASCII));
    first.close();
    assertEquals("one", readLine(second), "served once the first connection ended");
    assertEquals("hello", readLine(second));
    assertEquals(0, proxy.status().queued("be"));
    assertEquals(1, proxy.status().server("be", "one").activeConnections());
  }

  /**
   * The session whose turn it is gets the slot that freed, not a connection that arrives while the
   * turn crosses to its loop: that one queues behind, as in haproxy, which hands the slot to the
   * session it dequeues. Repeated, as the newcomer has to land in that short window to matter.
   */
  @Test
  void aNewcomerDoesNotTakeTheSlotOfTheSessionWhoseTurnItIs() throws Exception {
    start(0, limited("one", servers.echo("one"), 1));
    Socket holder = client();
    assertEquals("one", readLine(holder));
    for (int i = 0; i < 30; i++) {
      Socket waiting = waitingClient(1);
      holder.close();
      Socket newcomer = client();
      waiting.setSoTimeout(2000);
      assertEquals("one", servedOrWhyNot(waiting, newcomer), "round " + i + ": the waiting one");
      waiting.close();
      assertEquals("one", readLine(newcomer), "round " + i + ": then the newcomer");
      holder = newcomer;
    }
  }

  /**
   * The greeting {@code waiting} reads, or, should none come in time, what tells why: whether
   * {@code newcomer} was served instead, and the counts.
   */
  private String servedOrWhyNot(Socket waiting, Socket newcomer) throws IOException {
    try {
      return readLine(waiting);
    } catch (SocketTimeoutException e) {
      newcomer.setSoTimeout(500);
      String got;
      try {
        got = "the newcomer was served: " + readLine(newcomer);
      } catch (SocketTimeoutException none) {
        got = "neither was served";
      }
      return got
          + "; queued "
          + proxy.status().queued("be")
          + ", active "
          + proxy.status().server("be", "one").activeConnections();
    }
  }

  @Test
  void theQueueServesConnectionsInTheOrderTheyCame() throws Exception {
    start(0, limited("one", servers.echo("one"), 1));
    Socket holder = client();
    assertEquals("one", readLine(holder));
    List<Socket> waiting = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      waiting.add(waitingClient(i));
    }
    for (int i = 0; i < waiting.size(); i++) {
      holder.close();
      holder = waiting.get(i);
      assertEquals("one", readLine(holder), "connection " + i + " has its turn");
      for (Socket later : waiting.subList(i + 1, waiting.size())) {
        assertWaiting(later);
      }
    }
  }

  /**
   * With one slot taken by a served client (returned), a second client waits and is closed, never
   * served, no sooner than 300 ms (the timeout the test configured, named {@code which}) after it
   * connected, as a queue timeout.
   */
  private Socket assertClosedAfterWaiting300Ms(String which) throws Exception {
    Socket first = client();
    assertEquals("one", readLine(first));
    long t0 = System.nanoTime();
    Socket second = client();
    assertEquals(-1, second.getInputStream().read(), "closed, never served");
    long waitedMs = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(waitedMs >= 290, "closed after " + waitedMs + " ms, before the " + which);
    await("close recorded", Duration.ofSeconds(5), () -> events.closed.size() == 1);
    assertEquals(CloseReason.QUEUE_TIMEOUT, events.closed.peek().reason());
    return first;
  }

  @Test
  void aConnectionStillWaitingAtTheQueueTimeoutIsClosed() throws Exception {
    start(300, limited("one", servers.echo("one"), 1));
    Socket first = assertClosedAfterWaiting300Ms("queue timeout");
    assertEquals(List.of(TimeoutKind.QUEUE), events.timeouts);
    assertEquals(0, proxy.status().queued("be"));
    first.getOutputStream().write("still\n".getBytes(StandardCharsets.US_ASCII));
    assertEquals("still", readLine(first), "the session being served goes on");
  }

  @Test
  void withoutAQueueTimeoutTheConnectTimeoutBoundsTheWait() throws Exception {
    start(300, 0, limited("one", servers.echo("one"), 1)); // haproxy: unset, timeout connect
    assertClosedAfterWaiting300Ms("connect timeout");
  }

  @Test
  void aServerWithRoomServesAtOnceAndOnlyFullServersMakeConnectionsWait() throws Exception {
    start(0, limited("a", servers.echo("a"), 1), limited("b", servers.echo("b"), 2));
    List<String> got = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      got.add(readLine(client()));
    }
    got.sort(null);
    assertEquals(List.of("a", "b", "b"), got, "both servers filled to their maxconn first");
    Socket fourth = waitingClient(1);
    assertWaiting(fourth);
  }

  @Test
  void fullPrimariesKeepTheBackupsOutAsInHaproxy() throws Exception {
    start(
        0,
        limited("primary", servers.echo("primary"), 1),
        new ServerSettings("backup", servers.echo("backup").address, 1, true, 0));
    Socket first = client();
    assertEquals("primary", readLine(first));
    Socket second = waitingClient(1);
    assertWaiting(second);
    first.close();
    assertEquals("primary", readLine(second));
  }

  /**
   * With the primaries down the first backup takes every connection, as haproxy's: full, it makes
   * them wait for it, though the second backup has room (and the queue does not spin handing out
   * turns that the second backup's room cannot serve).
   */
  @Test
  void aFullFirstBackupMakesConnectionsWaitForIt() throws Exception {
    start(
        0,
        limited("primary", servers.echo("primary"), 1),
        new ServerSettings("bk1", servers.echo("bk1").address, 1, true, 1),
        new ServerSettings("bk2", servers.echo("bk2").address, 1, true, 0));
    proxy.backend("be").setServerUp("primary", false);
    Socket first = client();
    assertEquals("bk1", readLine(first));
    Socket second = waitingClient(1);
    assertWaiting(second);
    first.close();
    assertEquals("bk1", readLine(second));
  }

  @Test
  void aServerComingBackUpServesTheQueue() throws Exception {
    TestServers.Server b = servers.echo("b");
    start(0, limited("a", servers.echo("a"), 1), limited("b", b, 1));
    proxy.backend("be").setServerUp("b", false);
    Socket first = client();
    assertEquals("a", readLine(first));
    Socket second = waitingClient(1);
    proxy.backend("be").setServerUp("b", true);
    assertEquals("b", readLine(second), "served by the server back up, a still full");
  }

  @Test
  void aClientThatGaveUpDoesNotHoldUpThoseBehindIt() throws Exception {
    start(0, limited("one", servers.echo("one"), 1));
    Socket first = client();
    assertEquals("one", readLine(first));
    Socket quitter = waitingClient(1);
    Socket patient = waitingClient(2);
    quitter.setSoLinger(true, 0);
    quitter.close(); // a reset
    if (nativeTransport()) {
      // the epoll relay hears the reset while the session waits, and it leaves the queue at once;
      // the NIO relay does not read a waiting client, and finds it gone on its turn
      await("the quitter gone", Duration.ofSeconds(5), () -> proxy.status().queued("be") == 1);
    }
    first.close();
    assertEquals("one", readLine(patient), "the slot reaches the next one still there");
  }

  @Test
  void aPrimaryDrainedWhileOthersWaitLetsTheBackupServeThem() throws Exception {
    start(
        0,
        limited("primary", servers.echo("primary"), 1),
        new ServerSettings("backup", servers.echo("backup").address, 1, true, 0));
    Socket first = client();
    assertEquals("primary", readLine(first));
    Socket second = waitingClient(1);
    proxy.backend("be").setServerAdminState("primary", ServerAdminState.DRAIN);
    assertEquals("backup", readLine(second), "no usable primary left: the backup serves");
  }

  @Test
  void removingTheBackendClosesThoseWaitingInItsQueue() throws Exception {
    start(0, limited("one", servers.echo("one"), 1));
    Socket first = client();
    assertEquals("one", readLine(first));
    Socket second = waitingClient(1);
    TestServers.Server other = servers.echo("other");
    proxy.apply(
        new ProxySettings(
            List.of(new FrontendSettings("fe", proxy.localAddress("fe"), "be2", 0, true)),
            List.of(
                new BackendSettings(
                    "be2",
                    BalanceAlgorithm.ROUNDROBIN,
                    List.of(ProxyHarness.server("other", other.address)),
                    ProxyTimeouts.DEFAULTS,
                    0,
                    true,
                    OnMarkedDown.NONE)),
            0));
    assertEquals(-1, second.getInputStream().read(), "closed: its backend is gone");
    await(
        "close recorded",
        Duration.ofSeconds(5),
        () -> events.closed.stream().anyMatch(c -> c.reason() == CloseReason.NO_SERVER));
  }

  /**
   * Many clients over two event loops for one server with two slots: every client is served in
   * turn, the server never holds more than its maxconn, and the queue ends empty.
   */
  @Test
  void manyClientsOverTwoLoopsAreAllServedWithinMaxconn() throws Exception {
    start(0, limited("one", servers.echo("one"), 2));
    int n = 40;
    AtomicInteger served = new AtomicInteger();
    AtomicInteger peak = new AtomicInteger();
    AtomicBoolean done = new AtomicBoolean();
    Thread sampler =
        new Thread(
            () -> {
              while (!done.get()) {
                peak.accumulateAndGet(
                    proxy.status().server("be", "one").activeConnections(), Math::max);
              }
            });
    sampler.start();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Thread t =
          new Thread(
              () -> {
                try (Socket c = connect(proxy)) {
                  c.setSoTimeout(20_000);
                  if ("one".equals(readLine(c))) {
                    Thread.sleep(10);
                    served.incrementAndGet();
                  }
                } catch (IOException | InterruptedException e) {
                  // not counted as served
                }
              });
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) {
      t.join(30_000);
    }
    done.set(true);
    sampler.join(5000);
    assertEquals(n, served.get(), "every client served");
    assertTrue(peak.get() <= 2, "the server held " + peak.get() + " connections at once");
    await("queue empty", Duration.ofSeconds(5), () -> proxy.status().queued("be") == 0);
    await(
        "slots back",
        Duration.ofSeconds(5),
        () -> proxy.status().server("be", "one").activeConnections() == 0);
  }

  @Test
  void raisingMaxconnAtRuntimeServesTheQueueAndLoweringItKeepsWhatIsOpen() throws Exception {
    start(0, limited("one", servers.echo("one"), 1));
    Socket first = client();
    assertEquals("one", readLine(first));
    Socket second = waitingClient(1);
    assertEquals(1, proxy.setServerMaxconn("be", "one", 2), "the maxconn before");
    assertEquals("one", readLine(second), "served at once by the raised limit");
    assertEquals(2, proxy.status().server("be", "one").maxconn());
    proxy.setServerMaxconn("be", "one", 1);
    Socket third = waitingClient(1);
    for (Socket open : List.of(first, second)) {
      open.getOutputStream().write("on\n".getBytes(StandardCharsets.US_ASCII));
      assertEquals("on", readLine(open), "established sessions go on under a lowered limit");
    }
    first.close();
    await(
        "the first session's end",
        Duration.ofSeconds(5),
        () -> proxy.status().server("be", "one").activeConnections() == 1);
    assertWaiting(third); // one still open against one slot: it must end first
    second.close();
    assertEquals("one", readLine(third));
  }

  /**
   * A server back up ramps its maxconn with its weight: each step of its slow start serves more of
   * those waiting, though no slot frees up (haproxy's warm-up task).
   */
  @Test
  void aSlowStartServesTheQueueStepByStep() throws Exception {
    BackendSettings backend =
        new BackendSettings(
                "be",
                BalanceAlgorithm.ROUNDROBIN,
                List.of(limited("one", servers.echo("one"), 20)),
                ProxyTimeouts.DEFAULTS,
                0,
                true,
                OnMarkedDown.NONE)
            .withSlowstart(Duration.ofSeconds(2));
    proxy = new ProxyServer(events, new ProxyOptions(2, nativeTransport(), 32 * 1024, 64 * 1024));
    proxy.start(ProxyHarness.oneFrontend(backend, 0, 0));
    proxy.backend("be").setServerUp("one", false);
    proxy.backend("be").setServerUp("one", true); // step 1 of 20: a limit of 1
    Socket first = client();
    assertEquals("one", readLine(first));
    List<Socket> waiting = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      waiting.add(client());
    }
    for (Socket w : waiting) {
      assertEquals("one", readLine(w), "served as the limit ramps up, the first still open");
    }
    assertEquals(0, proxy.status().queued("be"));
  }

  @Test
  void aReloadKeepsARuntimeMaxconnUnlessTheConfiguredOneChanged() throws Exception {
    TestServers.Server one = servers.echo("one");
    start(0, limited("one", one, 1));
    proxy.setServerMaxconn("be", "one", 5);
    proxy.apply(ProxyHarness.oneFrontend(backend(5000, 0, limited("one", one, 1)), 0, 0));
    assertEquals(5, proxy.status().server("be", "one").maxconn(), "kept: the file did not change");
    proxy.apply(ProxyHarness.oneFrontend(backend(5000, 0, limited("one", one, 3)), 0, 0));
    assertEquals(3, proxy.status().server("be", "one").maxconn(), "the file's new value wins");
  }

  @Test
  void whenNoServerIsUpNothingWaits() throws Exception {
    start(0, limited("one", servers.echo("one"), 1));
    proxy.backend("be").setServerUp("one", false);
    Socket c = client();
    assertEquals(-1, c.getInputStream().read(), "closed at once");
    await("close recorded", Duration.ofSeconds(5), () -> events.closed.size() == 1);
    assertEquals(CloseReason.NO_SERVER, events.closed.peek().reason());
  }

  @Test
  void aReloadKeepsTheWaitingInTheirPlacesAndARaisedMaxconnServesThem() throws Exception {
    TestServers.Server one = servers.echo("one");
    start(0, limited("one", one, 1));
    Socket first = client();
    assertEquals("one", readLine(first));
    Socket second = waitingClient(1);
    Socket third = waitingClient(2);
    proxy.apply(
        ProxyHarness.oneFrontend(
            new BackendSettings(
                "be",
                BalanceAlgorithm.ROUNDROBIN,
                List.of(limited("one", one, 3)),
                ProxyTimeouts.DEFAULTS,
                0,
                true,
                OnMarkedDown.NONE),
            0,
            0));
    assertEquals("one", readLine(second));
    assertEquals("one", readLine(third));
    assertEquals(0, proxy.status().queued("be"));
  }
}
