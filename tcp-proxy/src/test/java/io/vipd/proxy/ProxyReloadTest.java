package io.vipd.proxy;

import static io.vipd.proxy.ProxyHarness.ANY_LOOPBACK_PORT;
import static io.vipd.proxy.ProxyHarness.await;
import static io.vipd.proxy.ProxyHarness.readLine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vipd.proxy.balance.BalanceAlgorithm;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link ProxyServer#apply}: reload in place over real loopback connections. */
class ProxyReloadTest {
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

  private static ProxySettings settings(
      InetSocketAddress bind, OnMarkedDown down, ServerSettings... servers) {
    BackendSettings be =
        new BackendSettings(
            "be", BalanceAlgorithm.ROUNDROBIN, List.of(servers), ProxyTimeouts.DEFAULTS, 0, down);
    return new ProxySettings(
        List.of(new FrontendSettings("fe", bind, "be", 0, false)), List.of(be), 0);
  }

  private static ServerSettings weighted(String name, InetSocketAddress address, int weight) {
    return new ServerSettings(name, address, weight, false);
  }

  private void start(ProxySettings s) throws IOException {
    proxy = new ProxyServer(events, new ProxyOptions(2, true, 32 * 1024, 64 * 1024));
    proxy.start(s);
  }

  /** Opens a held connection to {@code address}; returns it after reading the server's name. */
  private Socket open(InetSocketAddress address, StringBuilder greeting) throws IOException {
    Socket s = new Socket();
    clients.add(s);
    s.setSoTimeout(5000);
    s.connect(address, 2000);
    greeting.append(readLine(s));
    return s;
  }

  private static String roundTrip(Socket s, String text) throws IOException {
    s.getOutputStream().write((text + "\n").getBytes(StandardCharsets.US_ASCII));
    s.getOutputStream().flush();
    return readLine(s);
  }

  private String hit(InetSocketAddress address) throws IOException {
    try (Socket c = new Socket()) {
      c.setSoTimeout(5000);
      c.connect(address, 2000);
      return readLine(c);
    }
  }

  /**
   * Raising maxconn by reload adds listeners to the frontend's SO_REUSEPORT group (their queues
   * must hold the new limit); lowering it keeps them, since closing one would reset the connections
   * waiting in its queue. Sessions go on throughout, and the new listeners serve.
   */
  @Test
  void raisingMaxconnAddsListenersWithoutCuttingAnything() throws Exception {
    ProxyHarness.require(io.netty.channel.epoll.Epoll.isAvailable(), "epoll");
    InetSocketAddress a = servers.echo("a").address;
    int backlog = 64;
    proxy = new ProxyServer(events, new ProxyOptions(2, true, 32 * 1024, 64 * 1024, backlog));
    proxy.start(settings(ANY_LOOPBACK_PORT, OnMarkedDown.NONE, weighted("a", a, 1)));
    InetSocketAddress fe = proxy.localAddress("fe");
    assertEquals(2, proxy.listeners("fe").size(), "no limit: one listener per loop");
    Socket held = open(fe, new StringBuilder());

    int queueCap = Math.min(backlog, AcceptQueues.kernelCap());
    ProxySettings raised = withGlobalMax(settings(fe, OnMarkedDown.NONE, weighted("a", a, 1)), 500);
    List<String> changes = proxy.apply(raised);
    int wanted = AcceptQueues.listeners(2, 500, queueCap);
    assertTrue(wanted > 2, "500 connections need more than two queues of " + queueCap);
    assertEquals(wanted, proxy.listeners("fe").size());
    assertTrue(
        changes.contains("frontend fe: " + wanted + " listeners, for its connection limit"),
        changes.toString());
    assertEquals(fe, proxy.localAddress("fe"));
    for (Listener l : proxy.listeners("fe").all()) {
      assertEquals(fe, l.localAddress(), "every listener on the frontend's address");
    }
    assertEquals("ping", roundTrip(held, "ping"), "the session from before the reload goes on");
    for (int i = 0; i < 4 * wanted; i++) {
      assertEquals("a", hit(fe), "a new connection, whichever listener the kernel picked");
    }

    proxy.apply(withGlobalMax(settings(fe, OnMarkedDown.NONE, weighted("a", a, 1)), 10));
    assertEquals(wanted, proxy.listeners("fe").size(), "a lower limit keeps the listeners");
    assertEquals("pong", roundTrip(held, "pong"));
  }

  private static ProxySettings withGlobalMax(ProxySettings s, int max) {
    return new ProxySettings(s.frontends(), s.backends(), max);
  }

  @Test
  void unchangedFrontendKeepsItsListenerWithoutAcceptGapAndSessionsGoOn() throws Exception {
    InetSocketAddress a = servers.echo("a").address;
    InetSocketAddress b = servers.echo("b").address;
    start(settings(ANY_LOOPBACK_PORT, OnMarkedDown.NONE, weighted("a", a, 1)));
    InetSocketAddress fe = proxy.localAddress("fe");
    List<Socket> held = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      held.add(open(fe, new StringBuilder()));
    }

    Prober prober = new Prober(fe);
    try {
      for (int i = 0; i < 20; i++) {
        ProxySettings next =
            i % 2 == 0
                ? settings(fe, OnMarkedDown.NONE, weighted("a", a, 1 + i))
                : settings(fe, OnMarkedDown.NONE, weighted("a", a, 1), weighted("b", b, 1));
        proxy.apply(next);
        Thread.sleep(5);
      }
    } finally {
      prober.stop();
    }
    assertNull(prober.failure.get(), "a client connecting during the reloads failed");
    AtomicInteger connects = prober.connects;
    assertTrue(connects.get() > 20, "prober connected only " + connects.get() + " times");
    assertEquals(fe, proxy.localAddress("fe"), "listener kept");
    for (int i = 0; i < held.size(); i++) {
      assertEquals("ping" + i, roundTrip(held.get(i), "ping" + i), "held session " + i);
    }
    assertEquals(10, proxy.status().frontends().get(0).activeConnections());
  }

  @Test
  void changedBindIsBoundAnewWhileSessionsOnTheOldAddressGoOn() throws Exception {
    InetSocketAddress a = servers.echo("a").address;
    start(settings(ANY_LOOPBACK_PORT, OnMarkedDown.NONE, weighted("a", a, 1)));
    InetSocketAddress before = proxy.localAddress("fe");
    Socket old = open(before, new StringBuilder());

    List<String> changes =
        proxy.apply(settings(freePort(), OnMarkedDown.NONE, weighted("a", a, 1)));

    InetSocketAddress after = proxy.localAddress("fe");
    assertNotEquals(before.getPort(), after.getPort());
    assertTrue(changes.get(0).startsWith("frontend fe moved from "), changes.toString());
    assertEquals("a", hit(after));
    assertThrows(ConnectException.class, () -> hit(before));
    assertEquals("still here", roundTrip(old, "still here"));
  }

  @Test
  void removedServerWithShutdownSessionsLosesOnlyItsOwnSessions() throws Exception {
    InetSocketAddress a = servers.echo("a").address;
    InetSocketAddress b = servers.echo("b").address;
    start(
        settings(
            ANY_LOOPBACK_PORT,
            OnMarkedDown.SHUTDOWN_SESSIONS,
            weighted("a", a, 1),
            weighted("b", b, 1)));
    InetSocketAddress fe = proxy.localAddress("fe");
    List<Socket> onA = new ArrayList<>();
    List<Socket> onB = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      StringBuilder who = new StringBuilder();
      Socket s = open(fe, who);
      (who.toString().equals("a") ? onA : onB).add(s);
    }
    assertEquals(3, onA.size());

    List<String> changes =
        proxy.apply(settings(fe, OnMarkedDown.SHUTDOWN_SESSIONS, weighted("a", a, 1)));

    assertTrue(changes.contains("server be/b removed, its sessions shut down"), changes.toString());
    for (Socket s : onB) {
      assertNull(readLine(s), "session of the removed server is closed");
    }
    for (Socket s : onA) {
      assertEquals("x", roundTrip(s, "x"));
    }
    for (int i = 0; i < 4; i++) {
      assertEquals("a", hit(fe));
    }
    ServerStatus sa = proxy.status().servers().get(0);
    assertEquals("a", sa.server());
    await("a's active count", Duration.ofSeconds(5), () -> activeOf("a") == 3);
  }

  @Test
  void removedServerWithoutShutdownSessionsKeepsThem() throws Exception {
    InetSocketAddress a = servers.echo("a").address;
    InetSocketAddress b = servers.echo("b").address;
    start(settings(ANY_LOOPBACK_PORT, OnMarkedDown.NONE, weighted("a", a, 1), weighted("b", b, 1)));
    InetSocketAddress fe = proxy.localAddress("fe");
    Socket first = open(fe, new StringBuilder());
    Socket second = open(fe, new StringBuilder());

    proxy.apply(settings(fe, OnMarkedDown.NONE, weighted("a", a, 1)));

    assertEquals("1", roundTrip(first, "1"));
    assertEquals("2", roundTrip(second, "2"));
    assertEquals("a", hit(fe));
    assertEquals("a", hit(fe));
  }

  @Test
  void weightChangeSteersNewConnectionsAndCarriesStateOver() throws Exception {
    InetSocketAddress a = servers.echo("a").address;
    InetSocketAddress b = servers.echo("b").address;
    start(settings(ANY_LOOPBACK_PORT, OnMarkedDown.NONE, weighted("a", a, 1), weighted("b", b, 1)));
    InetSocketAddress fe = proxy.localAddress("fe");
    Socket held = open(fe, new StringBuilder());
    proxy.setServerUp("be", "b", false);

    proxy.apply(settings(fe, OnMarkedDown.NONE, weighted("a", a, 1), weighted("b", b, 3)));

    assertEquals(false, proxy.backend("be").isServerUp("b"), "down state carried over");
    assertEquals(1, activeOf("a"), "active count carried over");
    proxy.setServerUp("be", "b", true);
    int toB = 0;
    for (int i = 0; i < 8; i++) {
      if (hit(fe).equals("b")) {
        toB++;
      }
    }
    assertEquals(6, toB, "weights 1:3 over 8 connections");
    assertEquals("y", roundTrip(held, "y"));
  }

  @Test
  void frontendThatCannotBindChangesNothing() throws Exception {
    InetSocketAddress a = servers.echo("a").address;
    start(settings(ANY_LOOPBACK_PORT, OnMarkedDown.NONE, weighted("a", a, 1)));
    InetSocketAddress fe = proxy.localAddress("fe");
    Socket held = open(fe, new StringBuilder());
    try (ServerSocket taken = new ServerSocket(0, 1, fe.getAddress())) {
      InetSocketAddress busy = new InetSocketAddress(fe.getAddress(), taken.getLocalPort());
      BackendSettings be = BackendSettings.of("be", List.of(weighted("a", a, 1)));
      BackendSettings other = BackendSettings.of("other", List.of(weighted("z", a, 1)));
      ProxySettings next =
          new ProxySettings(
              List.of(
                  new FrontendSettings("fe", fe, "be", 0, false),
                  new FrontendSettings("fe2", freePort(), "other", 0, false),
                  new FrontendSettings("fe3", busy, "be", 0, false)),
              List.of(be, other),
              0);
      assertThrows(IOException.class, () -> proxy.apply(next));
    }
    assertEquals(1, proxy.status().frontends().size());
    assertEquals(List.of("a"), proxy.status().servers().stream().map(s -> s.server()).toList());
    BackendPool live = proxy.backend("be");
    assertSame(live, live.queue.owner, "the failed reload's pool took nothing over");
    assertEquals("a", hit(fe));
    assertEquals("z", roundTrip(held, "z"));
  }

  @Test
  void addedAndRemovedFrontends() throws Exception {
    InetSocketAddress a = servers.echo("a").address;
    InetSocketAddress b = servers.echo("b").address;
    start(settings(ANY_LOOPBACK_PORT, OnMarkedDown.NONE, weighted("a", a, 1)));
    InetSocketAddress fe = proxy.localAddress("fe");
    Socket held = open(fe, new StringBuilder());
    InetSocketAddress fe2Bind = freePort();

    proxy.apply(
        new ProxySettings(
            List.of(new FrontendSettings("fe2", fe2Bind, "other", 0, false)),
            List.of(BackendSettings.of("other", List.of(weighted("b", b, 1)))),
            0));

    assertEquals("b", hit(proxy.localAddress("fe2")));
    assertThrows(ConnectException.class, () -> hit(fe));
    assertEquals("kept", roundTrip(held, "kept"), "a removed frontend's session goes on");
  }

  /**
   * A renamed frontend (same address) takes the running sockets over: before, the new name's bind
   * found the address held by the old name's socket and the whole reload failed. Clients connecting
   * throughout are never refused, and sessions of the old name go on.
   */
  @Test
  void renamedFrontendTakesItsSocketsOverWithoutRefusingAnyone() throws Exception {
    ProxyHarness.require(io.netty.channel.epoll.Epoll.isAvailable(), "epoll");
    InetSocketAddress a = servers.echo("a").address;
    start(settings(ANY_LOOPBACK_PORT, OnMarkedDown.NONE, weighted("a", a, 1)));
    InetSocketAddress fe = proxy.localAddress("fe");
    Socket held = open(fe, new StringBuilder());
    List<Listener> sockets = proxy.listeners("fe").all();

    Prober prober = new Prober(fe);
    List<String> changes;
    try {
      await("connects before", Duration.ofSeconds(10), () -> prober.connects.get() > 5);
      changes = proxy.apply(renamed("api", fe, a));
      int after = prober.connects.get();
      await("connects after", Duration.ofSeconds(10), () -> prober.connects.get() > after + 5);
    } finally {
      prober.stop();
    }
    assertNull(prober.failure.get(), "a client connecting during the rename failed");
    assertTrue(
        changes.contains(
            "frontend api added on " + fe + " (listening sockets taken over from frontend fe)"),
        changes.toString());
    assertTrue(
        changes.stream().anyMatch(c -> c.startsWith("frontend fe removed (")), changes.toString());
    assertEquals(sockets, proxy.listeners("api").all(), "the same sockets, never closed");
    long before = acceptedBy("api");
    assertEquals("a", hit(fe));
    assertEquals(before + 1, acceptedBy("api"), "new connections are the new name's");
    assertEquals("still here", roundTrip(held, "still here"));
  }

  /** Two frontends that swap addresses swap sockets: each address serves its new frontend. */
  @Test
  void frontendsThatSwapAddressesSwapSockets() throws Exception {
    ProxyHarness.require(io.netty.channel.epoll.Epoll.isAvailable(), "epoll");
    InetSocketAddress a = servers.echo("a").address;
    InetSocketAddress b = servers.echo("b").address;
    InetSocketAddress x = freePort();
    InetSocketAddress y = freePort();
    start(twoFrontends(x, y, a, b));
    assertEquals("a", hit(x));
    assertEquals("b", hit(y));

    proxy.apply(twoFrontends(y, x, a, b));

    assertEquals("b", hit(x), "x now serves fe2, whose backend has b");
    assertEquals("a", hit(y));
    assertEquals(y, proxy.localAddress("fe1"));
    assertEquals(x, proxy.localAddress("fe2"));
  }

  /**
   * A swap whose first frontend was disabled at runtime: the sockets it hands over listen again for
   * the second (a reload enables every frontend), and those it takes listen too. The flag was read
   * after the first frontend's was reset, and the second's sockets stayed deaf.
   */
  @Test
  void aSwapWithADisabledFrontendLeavesBothAddressesListening() throws Exception {
    ProxyHarness.require(io.netty.channel.epoll.Epoll.isAvailable(), "epoll");
    InetSocketAddress a = servers.echo("a").address;
    InetSocketAddress b = servers.echo("b").address;
    InetSocketAddress x = freePort();
    InetSocketAddress y = freePort();
    start(twoFrontends(x, y, a, b));
    proxy.setFrontendEnabled("fe1", false);
    assertThrows(ConnectException.class, () -> hit(x), "disabled");

    proxy.apply(twoFrontends(y, x, a, b));

    assertEquals("b", hit(x), "fe2 on fe1's former sockets, listening again");
    assertEquals("a", hit(y));
  }

  /**
   * fe1 moves onto the address fe2 leaves for a new one: fe1 gets fe2's sockets, fe2 binds anew,
   * and fe1's old address is closed (the sockets handed over, and only they, stay open).
   */
  @Test
  void aChainOfMovesHandsOverOnlyWhatIsTaken() throws Exception {
    ProxyHarness.require(io.netty.channel.epoll.Epoll.isAvailable(), "epoll");
    InetSocketAddress a = servers.echo("a").address;
    InetSocketAddress b = servers.echo("b").address;
    InetSocketAddress x = freePort();
    InetSocketAddress y = freePort();
    InetSocketAddress z = freePort();
    start(twoFrontends(x, y, a, b));

    proxy.apply(twoFrontends(y, z, a, b));

    assertEquals("a", hit(y), "fe1 serves on fe2's former sockets");
    assertEquals("b", hit(z));
    assertThrows(ConnectException.class, () -> hit(x), "fe1's former address is closed");
  }

  /** A reload that fails after taking sockets over gives them back untouched. */
  @Test
  void aFailedReloadLeavesTheSocketsWithTheirFrontend() throws Exception {
    ProxyHarness.require(io.netty.channel.epoll.Epoll.isAvailable(), "epoll");
    InetSocketAddress a = servers.echo("a").address;
    start(settings(ANY_LOOPBACK_PORT, OnMarkedDown.NONE, weighted("a", a, 1)));
    InetSocketAddress fe = proxy.localAddress("fe");
    try (ServerSocket taken = new ServerSocket(0, 1, fe.getAddress())) {
      InetSocketAddress busy = new InetSocketAddress(fe.getAddress(), taken.getLocalPort());
      BackendSettings be = BackendSettings.of("be", List.of(weighted("a", a, 1)));
      ProxySettings next =
          new ProxySettings(
              List.of(
                  new FrontendSettings("api", fe, "be", 0, false),
                  new FrontendSettings("other", busy, "be", 0, false)),
              List.of(be),
              0);
      assertThrows(IOException.class, () -> proxy.apply(next));
    }
    assertEquals(
        List.of("fe"), proxy.status().frontends().stream().map(f -> f.frontend()).toList());
    long before = acceptedBy("fe");
    assertEquals("a", hit(fe), "the sockets still listen");
    assertEquals(before + 1, acceptedBy("fe"), "for the frontend that had them");
  }

  private static ProxySettings renamed(
      String name, InetSocketAddress bind, InetSocketAddress server) {
    ProxySettings s = settings(bind, OnMarkedDown.NONE, weighted("a", server, 1));
    return new ProxySettings(
        List.of(new FrontendSettings(name, bind, "be", 0, false)), s.backends(), 0);
  }

  private static ProxySettings twoFrontends(
      InetSocketAddress fe1, InetSocketAddress fe2, InetSocketAddress a, InetSocketAddress b) {
    return new ProxySettings(
        List.of(
            new FrontendSettings("fe1", fe1, "ba", 0, false),
            new FrontendSettings("fe2", fe2, "bb", 0, false)),
        List.of(
            BackendSettings.of("ba", List.of(weighted("a", a, 1))),
            BackendSettings.of("bb", List.of(weighted("b", b, 1)))),
        0);
  }

  /** Connects to the frontend over and over, each time reading the server's greeting. */
  private final class Prober {
    final AtomicBoolean running = new AtomicBoolean(true);
    final AtomicInteger connects = new AtomicInteger();
    final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Thread thread;

    Prober(InetSocketAddress fe) {
      thread = new Thread(() -> run(fe), "prober");
      thread.start();
    }

    private void run(InetSocketAddress fe) {
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (running.get() && System.nanoTime() < deadline) {
        try {
          if (hit(fe) == null) {
            throw new IOException("connection closed without greeting");
          }
          connects.incrementAndGet();
        } catch (IOException e) {
          failure.compareAndSet(null, e);
          return;
        }
      }
    }

    void stop() throws InterruptedException {
      running.set(false);
      thread.join(10_000);
    }
  }

  private long acceptedBy(String frontend) {
    return proxy.status().frontends().stream()
        .filter(f -> f.frontend().equals(frontend))
        .findFirst()
        .orElseThrow()
        .accepted();
  }

  private int activeOf(String server) {
    return proxy.status().servers().stream()
        .filter(s -> s.server().equals(server))
        .findFirst()
        .orElseThrow()
        .activeConnections();
  }

  private static InetSocketAddress freePort() throws IOException {
    return TestServers.freePort();
  }
}
