package io.vipd.proxy;

import static io.vipd.proxy.ProxyHarness.await;
import static io.vipd.proxy.ProxyHarness.connect;
import static io.vipd.proxy.ProxyHarness.readLine;
import static io.vipd.proxy.ProxyHarness.server;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vipd.proxy.balance.BalanceAlgorithm;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Server choice over real loopback connections: balancers, retries, backups, health, maxconn. */
class ProxyBalancingTest {
  /**
   * The epoll relay here; {@code NioTransportTests} runs the same tests over Netty's NIO channels.
   */
  boolean nativeTransport() {
    return true;
  }

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

  private void start(ProxySettings settings) throws IOException {
    proxy = new ProxyServer(events, new ProxyOptions(2, nativeTransport(), 32 * 1024, 64 * 1024));
    proxy.start(settings);
  }

  private void start(BackendSettings backend) throws IOException {
    start(ProxyHarness.oneFrontend(backend, 0, 0));
  }

  /** Opens a connection through the proxy and returns the greeting of the server reached. */
  private String hit() throws IOException {
    try (Socket c = connect(proxy)) {
      return readLine(c);
    }
  }

  @Test
  void roundRobinWeights511GiveHaproxyOrder() throws Exception {
    start(
        ProxyHarness.backend(
            BalanceAlgorithm.ROUNDROBIN,
            0,
            OnMarkedDown.NONE,
            new ServerSettings("a", servers.echo("a").address, 5, false),
            new ServerSettings("b", servers.echo("b").address, 1, false),
            new ServerSettings("c", servers.echo("c").address, 1, false)));
    StringBuilder order = new StringBuilder();
    for (int i = 0; i < 14; i++) {
      order.append(hit());
    }
    assertEquals("aabacaaaabacaa", order.toString());
  }

  @Test
  void leastConnSendsNewConnectionsToTheIdleServer() throws Exception {
    start(
        ProxyHarness.backend(
            BalanceAlgorithm.LEASTCONN,
            0,
            OnMarkedDown.NONE,
            server("a", servers.echo("a").address),
            server("b", servers.echo("b").address)));
    List<Socket> held = new ArrayList<>();
    try {
      Socket first = connect(proxy);
      held.add(first);
      String busy = readLine(first);
      String idle = busy.equals("a") ? "b" : "a";
      // while one session is open on `busy`, every new short one goes to `idle`
      for (int i = 0; i < 3; i++) {
        Socket s = connect(proxy);
        held.add(s);
        assertEquals(idle, readLine(s));
        s.close();
        await(
            "release",
            Duration.ofSeconds(5),
            () -> proxy.status().server("be", idle).activeConnections() == 0);
      }
    } finally {
      for (Socket s : held) {
        s.close();
      }
    }
  }

  @Test
  void sourceHashSendsOneClientToOneServer() throws Exception {
    start(
        ProxyHarness.backend(
            BalanceAlgorithm.SOURCE,
            0,
            OnMarkedDown.NONE,
            server("a", servers.echo("a").address),
            server("b", servers.echo("b").address),
            server("c", servers.echo("c").address)));
    String first = hit();
    for (int i = 0; i < 5; i++) {
      assertEquals(first, hit());
    }
    proxy.setServerUp("be", first, false);
    String second = hit();
    assertTrue(!second.equals(first));
    for (int i = 0; i < 3; i++) {
      assertEquals(second, hit());
    }
    proxy.setServerUp("be", first, true);
    assertEquals(first, hit(), "the client returns to its server");
  }

  @Test
  void aServerBackUpWithSlowstartGetsAFewConnectionsFirstThenItsShare() throws Exception {
    Duration slowstart = Duration.ofSeconds(2);
    start(
        ProxyHarness.backend(
                BalanceAlgorithm.ROUNDROBIN,
                0,
                OnMarkedDown.NONE,
                server("a", servers.echo("a").address),
                server("b", servers.echo("b").address))
            .withSlowstart(slowstart));
    proxy.setServerUp("be", "b", false);
    proxy.setServerUp("be", "b", true);
    long upAt = System.nanoTime();
    int b = 0;
    for (int i = 0; i < 20; i++) {
      b += hit().equals("b") ? 1 : 0;
    }
    // At most b's share at the step the last of them reached (k of 20 + k), and one for the
    // rounding of a balancer rebuilt at each step: 2 if they took the first 100 ms, not 10.
    int step = SlowStart.step(System.nanoTime() - upAt, slowstart.toNanos());
    int most = (int) Math.ceil(20.0 * step / (SlowStart.STEPS + step)) + 1;
    assertTrue(b <= most, b + " of 20 by step " + step);
    Thread.sleep(Math.max(0, slowstart.toMillis() - (System.nanoTime() - upAt) / 1_000_000) + 50);
    StringBuilder order = new StringBuilder();
    for (int i = 0; i < 20; i++) {
      order.append(hit());
    }
    assertEquals(10, order.chars().filter(c -> c == 'b').count(), order.toString());
  }

  @Test
  void randomSpreadsOverUpServersOnly() throws Exception {
    start(
        ProxyHarness.backend(
            BalanceAlgorithm.RANDOM,
            0,
            OnMarkedDown.NONE,
            server("a", servers.echo("a").address),
            server("b", servers.echo("b").address),
            server("c", servers.echo("c").address)));
    proxy.setServerUp("be", "c", false);
    int a = 0;
    for (int i = 0; i < 40; i++) {
      String s = hit();
      assertTrue(s.equals("a") || s.equals("b"), s);
      a += s.equals("a") ? 1 : 0;
    }
    assertTrue(a > 5 && a < 35, "both servers used: a=" + a);
  }

  @Test
  void connectFailureIsRetriedOnAnotherServerAndReported() throws Exception {
    start(
        ProxyHarness.backend(
            BalanceAlgorithm.ROUNDROBIN,
            1,
            OnMarkedDown.NONE,
            server("dead", TestServers.closedPort()),
            server("live", servers.echo("live").address)));
    for (int i = 0; i < 4; i++) {
      assertEquals("live", hit());
    }
    ProxyStatus st = proxy.status();
    assertEquals(2, st.server("be", "dead").connectFailures(), "every other pick hits dead");
    assertEquals(0, st.server("be", "dead").connections());
    assertEquals(4, st.server("be", "live").connections());
    assertEquals(2, events.connectFailures.size());
    assertEquals("dead", events.connectFailures.get(0).server());
  }

  @Test
  void withoutRedispatchRetriesGoToTheSameServer() throws Exception {
    start(
        new BackendSettings(
            "be",
            BalanceAlgorithm.ROUNDROBIN,
            List.of(
                server("dead", TestServers.closedPort()),
                server("live", servers.echo("live").address)),
            ProxyTimeouts.DEFAULTS,
            2,
            false,
            OnMarkedDown.NONE));
    assertNull(hit(), "the first pick is dead, and so are its two retries");
    await("close", Duration.ofSeconds(5), () -> events.closed.size() == 1);
    assertEquals(CloseReason.CONNECT_FAILED, events.closed.peek().reason());
    assertEquals(3, proxy.status().server("be", "dead").connectFailures());
    assertEquals("live", hit(), "the next connection's pick is the live one");
  }

  /**
   * haproxy's turn-around timer: a retry to the server that has just refused the attempt waits
   * min(timeout connect, 1 s), so a server restarting its listener is reached by a retry instead of
   * losing the client to retries spent within a millisecond (each a passive-health error).
   */
  @Test
  void aRetryToTheServerThatJustRefusedWaitsForItToComeBack() throws Exception {
    InetSocketAddress later = TestServers.freePort();
    start(
        ProxyHarness.backend(
            BalanceAlgorithm.ROUNDROBIN, 3, OnMarkedDown.NONE, server("restarting", later)));
    Thread listener =
        new Thread(
            () -> {
              try (java.net.ServerSocket s = new java.net.ServerSocket()) {
                Thread.sleep(300); // its listener is back 300 ms after the first refusal
                s.bind(later);
                try (Socket accepted = s.accept()) {
                  accepted.getOutputStream().write("back\n".getBytes(StandardCharsets.UTF_8));
                  accepted.getInputStream().read();
                }
              } catch (IOException | InterruptedException e) {
                // the assertion below says what was missed
              }
            });
    listener.start();
    long startedNanos = System.nanoTime();
    assertEquals("back", hit(), "reached by a retry");
    long tookMillis = (System.nanoTime() - startedNanos) / 1_000_000;
    assertTrue(tookMillis >= 300, "after the restart: " + tookMillis + " ms");
    assertEquals(1, proxy.status().server("be", "restarting").connectFailures(), "one refusal");
    listener.join(5_000);
  }

  @Test
  void aServerAtItsMaxconnTakesNoNewConnection() throws Exception {
    start(
        ProxyHarness.backend(
            BalanceAlgorithm.ROUNDROBIN,
            0,
            OnMarkedDown.NONE,
            new ServerSettings("one", servers.echo("one").address, 1, false, 1),
            server("many", servers.echo("many").address)));
    List<Socket> held = new ArrayList<>();
    try {
      Map<String, Integer> got = new HashMap<>();
      for (int i = 0; i < 6; i++) {
        Socket c = connect(proxy);
        held.add(c);
        got.merge(readLine(c), 1, Integer::sum);
      }
      assertEquals(Map.of("one", 1, "many", 5), got, "one holds its single connection");
      assertEquals(1, proxy.status().server("be", "one").activeConnections());
    } finally {
      for (Socket c : held) {
        c.close();
      }
    }
  }

  /** haproxy's {@code first}: fill the first server to its maxconn, then the next. */
  @Test
  void firstFillsServersInOrderUpToTheirMaxconn() throws Exception {
    start(
        ProxyHarness.backend(
            BalanceAlgorithm.FIRST,
            0,
            OnMarkedDown.NONE,
            new ServerSettings("a", servers.echo("a").address, 1, false, 2),
            new ServerSettings("b", servers.echo("b").address, 1, false, 2),
            new ServerSettings("c", servers.echo("c").address, 1, false, 2)));
    List<Socket> held = new ArrayList<>();
    try {
      StringBuilder got = new StringBuilder();
      for (int i = 0; i < 3; i++) {
        Socket c = connect(proxy);
        held.add(c);
        got.append(readLine(c));
      }
      assertEquals("aab", got.toString());
      held.remove(0).close(); // a has room again: the next one goes there, not to b or c
      await(
          "a's slot back",
          Duration.ofSeconds(5),
          () -> proxy.status().server("be", "a").activeConnections() == 1);
      Socket c = connect(proxy);
      held.add(c);
      assertEquals("a", readLine(c));
    } finally {
      for (Socket c : held) {
        c.close();
      }
    }
  }

  @Test
  void withoutRetriesAFailedConnectClosesTheClient() throws Exception {
    start(
        ProxyHarness.backend(
            BalanceAlgorithm.ROUNDROBIN,
            0,
            OnMarkedDown.NONE,
            server("dead", TestServers.closedPort())));
    assertNull(hit());
    await("close", Duration.ofSeconds(5), () -> events.closed.size() == 1);
    assertEquals(CloseReason.CONNECT_FAILED, events.closed.peek().reason());
  }

  @Test
  void noServerUpClosesTheClient() throws Exception {
    start(
        ProxyHarness.backend(
            BalanceAlgorithm.ROUNDROBIN,
            3,
            OnMarkedDown.NONE,
            server("a", servers.echo("a").address)));
    proxy.setServerUp("be", "a", false);
    assertNull(hit());
    await("close", Duration.ofSeconds(5), () -> events.closed.size() == 1);
    assertEquals(CloseReason.NO_SERVER, events.closed.peek().reason());
  }

  @Test
  void onMarkedUpShutdownBackupSessionsSendsTheBackupsClientsBack() throws Exception {
    start(
        ProxyHarness.backend(
                BalanceAlgorithm.ROUNDROBIN,
                0,
                OnMarkedDown.NONE,
                server("p", servers.echo("p").address),
                new ServerSettings("bk", servers.echo("bk").address, 1, true))
            .withOnMarkedUp(OnMarkedUp.SHUTDOWN_BACKUP_SESSIONS));
    proxy.setServerUp("be", "p", false);
    try (Socket onBackup = connect(proxy)) {
      assertEquals("bk", readLine(onBackup));
      proxy.setServerUp("be", "p", true);
      assertNull(readLine(onBackup), "closed: the primary is back");
      await(
          "counted",
          Duration.ofSeconds(5),
          () -> proxy.status().frontend("fe").closed(CloseReason.PRIMARY_BACK_UP) == 1);
      assertEquals("p", hit(), "its client reconnects to the primary");
    }
  }

  @Test
  void withoutOnMarkedUpTheBackupsSessionsGoOn() throws Exception {
    start(
        ProxyHarness.backend(
            BalanceAlgorithm.ROUNDROBIN,
            0,
            OnMarkedDown.NONE,
            server("p", servers.echo("p").address),
            new ServerSettings("bk", servers.echo("bk").address, 1, true)));
    proxy.setServerUp("be", "p", false);
    try (Socket onBackup = connect(proxy)) {
      assertEquals("bk", readLine(onBackup));
      proxy.setServerUp("be", "p", true);
      onBackup.getOutputStream().write("still\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      assertEquals("still", readLine(onBackup), "the echo backup relays on");
    }
  }

  @Test
  void backupServesOnlyWhenEveryPrimaryIsDown() throws Exception {
    start(
        ProxyHarness.backend(
            BalanceAlgorithm.ROUNDROBIN,
            0,
            OnMarkedDown.NONE,
            server("p1", servers.echo("p1").address),
            server("p2", servers.echo("p2").address),
            new ServerSettings("bk", servers.echo("bk").address, 1, true)));
    for (int i = 0; i < 4; i++) {
      assertTrue(hit().startsWith("p"));
    }
    proxy.setServerUp("be", "p1", false);
    assertEquals("p2", hit());
    proxy.setServerUp("be", "p2", false);
    assertEquals("bk", hit());
    assertEquals("bk", hit());
    proxy.setServerUp("be", "p2", true);
    assertEquals("p2", hit());
  }

  /**
   * haproxy's default: with every primary down, the first usable backup in configuration order
   * takes every connection; the next one takes over only when it goes down. Before, vipd spread
   * them over all backups, which is haproxy's {@code option allbackups}.
   */
  @Test
  void theFirstUsableBackupTakesEveryConnection() throws Exception {
    start(
        ProxyHarness.backend(
            BalanceAlgorithm.ROUNDROBIN,
            0,
            OnMarkedDown.NONE,
            server("p", servers.echo("p").address),
            new ServerSettings("bk1", servers.echo("bk1").address, 1, true),
            new ServerSettings("bk2", servers.echo("bk2").address, 1, true)));
    proxy.setServerUp("be", "p", false);
    for (int i = 0; i < 6; i++) {
      assertEquals("bk1", hit(), "connection " + i);
    }
    proxy.setServerUp("be", "bk1", false);
    for (int i = 0; i < 3; i++) {
      assertEquals("bk2", hit());
    }
    proxy.setServerUp("be", "bk1", true);
    assertEquals("bk1", hit(), "the first backup again");
  }

  /** {@code all-backups} (haproxy's {@code option allbackups}): the backups share the load. */
  @Test
  void allBackupsShareTheConnections() throws Exception {
    start(
        ProxyHarness.backend(
                BalanceAlgorithm.ROUNDROBIN,
                0,
                OnMarkedDown.NONE,
                server("p", servers.echo("p").address),
                new ServerSettings("bk1", servers.echo("bk1").address, 1, true),
                new ServerSettings("bk2", servers.echo("bk2").address, 1, true))
            .withAllBackups(true));
    proxy.setServerUp("be", "p", false);
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (int i = 0; i < 4; i++) {
      seen.add(hit());
    }
    assertEquals(java.util.Set.of("bk1", "bk2"), seen);
  }

  @Test
  void markedDownWithShutdownSessionsClosesEstablishedSessions() throws Exception {
    start(
        new BackendSettings(
            "be",
            BalanceAlgorithm.ROUNDROBIN,
            List.of(server("a", servers.echo("a").address)),
            ProxyTimeouts.DEFAULTS,
            0,
            OnMarkedDown.SHUTDOWN_SESSIONS));
    try (Socket c = connect(proxy)) {
      assertEquals("a", readLine(c));
      proxy.setServerUp("be", "a", false);
      assertEquals(-1, c.getInputStream().read());
    }
    await("close", Duration.ofSeconds(5), () -> events.closed.size() == 1);
    assertEquals(CloseReason.SERVER_MARKED_DOWN, events.closed.peek().reason());
  }

  @Test
  void markedDownWithoutShutdownSessionsKeepsThem() throws Exception {
    start(
        ProxyHarness.backend(
            BalanceAlgorithm.ROUNDROBIN,
            0,
            OnMarkedDown.NONE,
            server("a", servers.echo("a").address)));
    try (Socket c = connect(proxy)) {
      assertEquals("a", readLine(c));
      proxy.setServerUp("be", "a", false);
      c.getOutputStream().write("still\n".getBytes());
      assertEquals("still", readLine(c));
    }
  }

  @Test
  void frontendMaxconnRefusesExcessAndCountsIt() throws Exception {
    start(
        ProxyHarness.oneFrontend(
            ProxyHarness.backend(
                BalanceAlgorithm.ROUNDROBIN,
                0,
                OnMarkedDown.NONE,
                server("a", servers.echo("a").address)),
            2,
            0));
    checkLimitOfTwo();
  }

  @Test
  void globalMaxconnRefusesExcessAndCountsIt() throws Exception {
    start(
        ProxyHarness.oneFrontend(
            ProxyHarness.backend(
                BalanceAlgorithm.ROUNDROBIN,
                0,
                OnMarkedDown.NONE,
                server("a", servers.echo("a").address)),
            0,
            2));
    checkLimitOfTwo();
  }

  private void checkLimitOfTwo() throws Exception {
    try (Socket one = connect(proxy);
        Socket two = connect(proxy)) {
      assertEquals("a", readLine(one));
      assertEquals("a", readLine(two));
      try (Socket three = connect(proxy)) {
        assertNull(readLine(three), "third connection is closed at once");
      }
      assertEquals(1, proxy.status().frontend("fe").refused());
      assertEquals(1, events.refused.size());
      assertEquals(2, proxy.status().activeConnections());
    }
    await("slots free", Duration.ofSeconds(5), () -> proxy.status().activeConnections() == 0);
    assertEquals("a", hit());
  }
}
