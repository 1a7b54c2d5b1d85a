package io.vipd.proxy;

import static io.vipd.proxy.ProxyHarness.ANY_LOOPBACK_PORT;
import static io.vipd.proxy.ProxyHarness.readLine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vipd.proxy.balance.BalanceAlgorithm;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Operator states and runtime weights over real loopback connections. */
class ServerAdminStateTest {
  private final TestServers servers = new TestServers();
  private final RecordingEvents events = new RecordingEvents();
  private final List<Socket> clients = new ArrayList<>();
  private ProxyServer proxy;
  private InetSocketAddress a;
  private InetSocketAddress b;

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
      InetSocketAddress bind, BalanceAlgorithm balance, ServerSettings... servers) {
    return settings(bind, balance, ProxyTimeouts.DEFAULTS, servers);
  }

  private static ProxySettings settings(
      InetSocketAddress bind,
      BalanceAlgorithm balance,
      ProxyTimeouts timeouts,
      ServerSettings... servers) {
    BackendSettings be =
        new BackendSettings("be", balance, List.of(servers), timeouts, 0, OnMarkedDown.NONE);
    return new ProxySettings(
        List.of(new FrontendSettings("fe", bind, "be", 0, false)), List.of(be), 0);
  }

  private void start(BalanceAlgorithm balance, int weightA, int weightB) throws IOException {
    a = servers.echo("a").address;
    b = servers.echo("b").address;
    proxy = new ProxyServer(events, new ProxyOptions(2, true, 32 * 1024, 64 * 1024));
    proxy.start(
        settings(
            ANY_LOOPBACK_PORT,
            balance,
            new ServerSettings("a", a, weightA, false),
            new ServerSettings("b", b, weightB, false)));
  }

  private Socket open() throws IOException {
    Socket s = new Socket();
    clients.add(s);
    s.setSoTimeout(5000);
    s.connect(proxy.localAddress("fe"), 2000);
    return s;
  }

  private String hit() throws IOException {
    try (Socket c = open()) {
      return readLine(c);
    }
  }

  private static String roundTrip(Socket s, String text) throws IOException {
    s.getOutputStream().write((text + "\n").getBytes(StandardCharsets.US_ASCII));
    s.getOutputStream().flush();
    return readLine(s);
  }

  private String hits(int n) throws IOException {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < n; i++) {
      out.append(hit());
    }
    return out.toString();
  }

  private ServerStatus statusOf(String server) {
    return proxy.status().servers().stream()
        .filter(s -> s.server().equals(server))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void drainStopsNewConnectionsWhileEstablishedOnesGoOn() throws Exception {
    start(BalanceAlgorithm.ROUNDROBIN, 1, 1);
    Socket toA = null;
    for (int i = 0; i < 4 && toA == null; i++) {
      Socket s = open();
      if (readLine(s).equals("a")) {
        toA = s;
      }
    }
    assertEquals(
        ServerAdminState.READY, proxy.setServerAdminState("be", "a", ServerAdminState.DRAIN));

    assertEquals("bbbbbb", hits(6), "no new connection to the drained server");
    assertEquals("still", roundTrip(toA, "still"), "the established one relays on");
    assertEquals(ServerAdminState.DRAIN, statusOf("a").adminState());
    assertEquals(true, statusOf("a").up(), "drain is not a health state");

    proxy.setServerAdminState("be", "a", ServerAdminState.READY);
    assertEquals(true, hits(4).contains("a"), "ready again takes connections");
  }

  @Test
  void shutdownSessionsAfterADrainMovesTheServersClientsToTheOthers() throws Exception {
    start(BalanceAlgorithm.ROUNDROBIN, 1, 1);
    List<Socket> toA = new ArrayList<>();
    Socket toB = null;
    while (toA.size() < 2 || toB == null) {
      Socket s = open();
      if (readLine(s).equals("a")) {
        toA.add(s);
      } else if (toB == null) {
        toB = s;
      }
    }
    proxy.setServerAdminState("be", "a", ServerAdminState.DRAIN);
    assertEquals(2, proxy.shutdownSessions("be", "a"));
    for (Socket s : toA) {
      assertNull(readLine(s), "closed by the operator");
    }
    ProxyHarness.await(
        "both closes counted",
        Duration.ofSeconds(5),
        () -> proxy.status().frontend("fe").closed(CloseReason.SHUT_DOWN_BY_OPERATOR) == 2);
    assertEquals("still", roundTrip(toB, "still"), "the other server's sessions go on");
    assertEquals("bb", hits(2), "the clients reconnect to b");
    assertEquals(0, proxy.shutdownSessions("be", "a"), "none left");
    assertThrows(IllegalArgumentException.class, () -> proxy.shutdownSessions("be", "nope"));
  }

  /**
   * A reload that moves server a to another address leaves its established sessions on the old one:
   * shutting down a's sessions reaches them too, where it used to find none.
   */
  @Test
  void shutdownSessionsReachesTheSessionsOfAServerAReloadMoved() throws Exception {
    start(BalanceAlgorithm.ROUNDROBIN, 1, 0);
    Socket toOldA = open();
    assertEquals("a", readLine(toOldA));
    InetSocketAddress a2 = servers.echo("a2").address;
    proxy.apply(
        settings(
            proxy.localAddress("fe"),
            BalanceAlgorithm.ROUNDROBIN,
            new ServerSettings("a", a2, 1, false),
            new ServerSettings("b", b, 0, false)));
    assertEquals("still", roundTrip(toOldA, "still"), "the reload cut nothing");
    Socket toNewA = open();
    assertEquals("a2", readLine(toNewA));
    assertEquals(2, proxy.shutdownSessions("be", "a"), "the moved server's session and the new");
    assertNull(readLine(toOldA), "closed by the operator");
    assertNull(readLine(toNewA), "closed by the operator");
  }

  /**
   * A reload that fails (here: a second frontend cannot bind) after building its pools changes
   * nothing: the running server still reaches the sessions a reload before it moved away from.
   */
  @Test
  void aFailedReloadLeavesShutdownSessionsReachingTheMovedServersSessions() throws Exception {
    start(BalanceAlgorithm.ROUNDROBIN, 1, 0);
    Socket toOldA = open();
    assertEquals("a", readLine(toOldA));
    InetSocketAddress fe = proxy.localAddress("fe");
    ServerSettings bAsIs = new ServerSettings("b", b, 0, false);
    proxy.apply(
        settings(
            fe,
            BalanceAlgorithm.ROUNDROBIN,
            new ServerSettings("a", servers.echo("a2").address, 1, false),
            bAsIs));
    try (java.net.ServerSocket taken =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      ProxySettings moved =
          settings(
              fe,
              BalanceAlgorithm.ROUNDROBIN,
              new ServerSettings("a", servers.echo("a3").address, 1, false),
              bAsIs);
      ProxySettings unbindable =
          new ProxySettings(
              List.of(
                  moved.frontends().get(0),
                  new FrontendSettings(
                      "fe2", (InetSocketAddress) taken.getLocalSocketAddress(), "be", 0, false)),
              moved.backends(),
              0);
      assertThrows(IOException.class, () -> proxy.apply(unbindable));
    }
    assertEquals(1, proxy.shutdownSessions("be", "a"), "the session on the first address");
    assertNull(readLine(toOldA), "closed by the operator");
  }

  /**
   * A connect under way through a reload (which keeps its server) to a server then marked down,
   * with on-marked-down shutdown-sessions: the session ends once connected, as it does without the
   * reload. It read the up flag of the server as the replaced pool had it, still up.
   */
  @Test
  void aConnectUnderWayThroughAReloadEndsWhenItsServerIsMarkedDown() throws Exception {
    try (java.net.ServerSocket full =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      List<Socket> fillers = ProxyHarness.fillBacklog(full); // the proxy's SYN is dropped
      try {
        InetSocketAddress slow = (InetSocketAddress) full.getLocalSocketAddress();
        ProxyTimeouts t = ProxyHarness.timeouts(30_000, 30_000, 30_000, 0);
        proxy = new ProxyServer(events, new ProxyOptions(1, true, 32 * 1024, 64 * 1024));
        proxy.start(markDownShuts(ANY_LOOPBACK_PORT, t, 1, slow));
        Socket c = open();
        c.setSoTimeout(30_000); // a retransmitted SYN gets through (see the test below)
        ProxyHarness.await(
            "a connect under way",
            Duration.ofSeconds(5),
            () -> statusOf("a").activeConnections() == 1);
        proxy.apply(markDownShuts(proxy.localAddress("fe"), t, 2, slow)); // a stays where it is
        proxy.setServerUp("be", "a", false);
        for (Socket queued : fillers) {
          if (queued.isConnected()) {
            full.accept().close();
          }
        }
        assertNull(readLine(c), "ended once connected");
        ProxyHarness.await(
            "closed as marked down",
            Duration.ofSeconds(5),
            () -> proxy.status().frontend("fe").closed(CloseReason.SERVER_MARKED_DOWN) == 1);
      } finally {
        for (Socket f : fillers) {
          f.close();
        }
      }
    }
  }

  /** One server, a at {@code server} weighing {@code weight}, whose sessions end when down. */
  private static ProxySettings markDownShuts(
      InetSocketAddress bind, ProxyTimeouts t, int weight, InetSocketAddress server) {
    BackendSettings be =
        new BackendSettings(
            "be",
            BalanceAlgorithm.ROUNDROBIN,
            List.of(new ServerSettings("a", server, weight, false)),
            t,
            0,
            OnMarkedDown.SHUTDOWN_SESSIONS);
    return new ProxySettings(
        List.of(new FrontendSettings("fe", bind, "be", 0, false)), List.of(be), 0);
  }

  /** A session whose connect is under way when its server's sessions are shut down ends too. */
  @Test
  void shutdownSessionsAlsoEndsAConnectUnderWay() throws Exception {
    try (java.net.ServerSocket full =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      List<Socket> fillers = ProxyHarness.fillBacklog(full); // the proxy's SYN is dropped
      try {
        proxy = new ProxyServer(events, new ProxyOptions(1, true, 32 * 1024, 64 * 1024));
        // The connect gets through only with a retransmitted SYN, which comes 1, 3, 7, 15 s
        // after the first: a slow VM can free the queue too late for one and wait for the next.
        // A connect timeout past several of those keeps the end the operator's, not a timeout.
        proxy.start(
            settings(
                ANY_LOOPBACK_PORT,
                BalanceAlgorithm.ROUNDROBIN,
                ProxyHarness.timeouts(30_000, 30_000, 30_000, 0),
                new ServerSettings(
                    "a", (InetSocketAddress) full.getLocalSocketAddress(), 1, false)));
        Socket c = open();
        c.setSoTimeout(30_000); // the same wait for the retransmission, on the client's side
        ProxyHarness.await(
            "a connect under way",
            Duration.ofSeconds(5),
            () -> statusOf("a").activeConnections() == 1);
        assertEquals(0, proxy.shutdownSessions("be", "a"), "none established yet");
        // room in the accept queue: the SYN's retransmission gets through
        for (Socket queued : fillers) {
          if (queued.isConnected()) {
            full.accept().close();
          }
        }
        assertNull(readLine(c), "ended once connected");
        ProxyHarness.await(
            "closed by the operator",
            Duration.ofSeconds(5),
            () -> proxy.status().frontend("fe").closed(CloseReason.SHUT_DOWN_BY_OPERATOR) == 1);
      } finally {
        for (Socket f : fillers) {
          f.close();
        }
      }
    }
  }

  @Test
  void operatorStateSurvivesHealthTransitions() throws Exception {
    start(BalanceAlgorithm.ROUNDROBIN, 1, 1);
    proxy.setServerAdminState("be", "a", ServerAdminState.MAINT);
    proxy.setServerUp("be", "a", false);
    proxy.setServerUp("be", "a", true);
    assertEquals(ServerAdminState.MAINT, statusOf("a").adminState());
    assertEquals("bbbb", hits(4));
  }

  @Test
  void noServerReadyMeansNoServer() throws Exception {
    start(BalanceAlgorithm.LEASTCONN, 1, 1);
    proxy.setServerAdminState("be", "a", ServerAdminState.MAINT);
    proxy.setServerAdminState("be", "b", ServerAdminState.DRAIN);
    try (Socket c = open()) {
      assertNull(readLine(c), "closed without a server");
    }
  }

  @Test
  void runtimeWeightSteersNewConnections() throws Exception {
    start(BalanceAlgorithm.ROUNDROBIN, 1, 1);
    assertEquals(1, proxy.setServerWeight("be", "b", 3));
    String order = hits(8);
    assertEquals(6, order.chars().filter(c -> c == 'b').count(), order);
    assertEquals(3, statusOf("b").weight());

    proxy.setServerWeight("be", "b", 0);
    assertEquals("aaaa", hits(4), "weight 0 gets nothing");
    assertThrows(IllegalArgumentException.class, () -> proxy.setServerWeight("be", "b", 257));
    assertThrows(
        IllegalArgumentException.class,
        () -> proxy.setServerAdminState("be", "nope", ServerAdminState.DRAIN));
    assertThrows(IllegalArgumentException.class, () -> proxy.setServerWeight("nope", "b", 1));
  }

  @Test
  void reloadKeepsOperatorStateAndRuntimeWeightUnlessTheConfiguredWeightChanged() throws Exception {
    start(BalanceAlgorithm.ROUNDROBIN, 1, 1);
    InetSocketAddress fe = proxy.localAddress("fe");
    proxy.setServerAdminState("be", "a", ServerAdminState.DRAIN);
    proxy.setServerWeight("be", "b", 7);

    proxy.apply(
        settings(
            fe,
            BalanceAlgorithm.ROUNDROBIN,
            new ServerSettings("a", a, 1, false),
            new ServerSettings("b", b, 1, false)));
    assertEquals(ServerAdminState.DRAIN, statusOf("a").adminState());
    assertEquals(7, statusOf("b").weight(), "runtime weight kept: configured weight unchanged");
    assertEquals("bbbb", hits(4));

    proxy.apply(
        settings(
            fe,
            BalanceAlgorithm.ROUNDROBIN,
            new ServerSettings("a", a, 1, false),
            new ServerSettings("b", b, 2, false)));
    assertEquals(2, statusOf("b").weight(), "a new configured weight wins");
    assertEquals(ServerAdminState.DRAIN, statusOf("a").adminState());
  }
}
