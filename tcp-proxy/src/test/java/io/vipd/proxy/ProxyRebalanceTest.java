package io.vipd.proxy;

import static io.vipd.proxy.ProxyHarness.await;
import static io.vipd.proxy.ProxyHarness.connect;
import static io.vipd.proxy.ProxyHarness.readLine;
import static io.vipd.proxy.ProxyHarness.server;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vipd.proxy.balance.BalanceAlgorithm;
import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code rebalance-rate} over real loopback connections: clients that hold their connection open
 * and reconnect when it ends, as watches do; a server back up gets its share of them.
 */
class ProxyRebalanceTest {
  private static final int CLIENTS = 10;

  private final TestServers servers = new TestServers();
  private final RecordingEvents events = new RecordingEvents();
  private final AtomicBoolean done = new AtomicBoolean();
  private final AtomicInteger reconnects = new AtomicInteger();
  private final List<Thread> watchers = new ArrayList<>();
  private ProxyServer proxy;

  @AfterEach
  void tearDown() throws InterruptedException {
    done.set(true);
    if (proxy != null) {
      proxy.stop(Duration.ZERO);
    }
    for (Thread t : watchers) {
      t.join(5000);
    }
    servers.close();
  }

  private void start(int rebalanceRate) throws Exception {
    BackendSettings backend =
        new BackendSettings(
                "be",
                BalanceAlgorithm.LEASTCONN,
                List.of(
                    server("a", servers.echo("a").address), server("b", servers.echo("b").address)),
                ProxyTimeouts.DEFAULTS,
                0,
                true,
                OnMarkedDown.NONE)
            .withRebalanceRate(rebalanceRate);
    proxy = new ProxyServer(events, new ProxyOptions(2, true, 32 * 1024, 64 * 1024));
    proxy.start(ProxyHarness.oneFrontend(backend, 0, 0));
    // b away (an upgrade): every watch lands on a
    proxy.backend("be").setServerUp("b", false);
    startWatches();
  }

  private void startWatches() throws InterruptedException {
    for (int i = 0; i < CLIENTS; i++) {
      Thread t = new Thread(this::watch, "watch-" + i);
      t.setDaemon(true);
      t.start();
      watchers.add(t);
    }
    await("every watch on a", Duration.ofSeconds(10), () -> active("a") == CLIENTS);
  }

  /** A watch: connects, holds the connection until the proxy ends it, then reconnects. */
  private void watch() {
    while (!done.get()) {
      try (Socket s = connect(proxy)) {
        s.setSoTimeout(0);
        if (readLine(s) != null) {
          while (s.getInputStream().read() >= 0) {
            // nothing comes: the echo server only answers what it is sent
          }
        }
      } catch (IOException e) {
        // reset or refused: reconnect, as a client-go watch does
      }
      if (!done.get()) {
        reconnects.incrementAndGet();
      }
    }
  }

  private int active(String server) {
    return proxy.status().server("be", server).activeConnections();
  }

  private long rebalanced() {
    return events.closed.stream().filter(c -> c.reason() == CloseReason.REBALANCED).count();
  }

  @Test
  void aServerBackUpGetsItsShareOfTheWatchesBack() throws Exception {
    start(20);
    proxy.backend("be").setServerUp("b", true);
    await("b's share", Duration.ofSeconds(10), () -> active("b") >= 4 && active("a") <= 6);
    Thread.sleep(1000); // settled: nothing more is closed
    long closed = rebalanced();
    assertTrue(closed >= 4 && closed <= 6, closed + " sessions closed to rebalance 10 over 2");
    Thread.sleep(1000);
    assertEquals(closed, rebalanced(), "balanced within tolerance: no churn");
    assertEquals(CLIENTS, active("a") + active("b"), "every watch reconnected");
  }

  @Test
  void theRateBoundsHowManyAreClosedASecond() throws Exception {
    start(1);
    proxy.backend("be").setServerUp("b", true);
    Thread.sleep(2500);
    long closed = rebalanced();
    // one a second at most, the first after the first 200 ms: 3 in 2.5 s at the very most
    assertTrue(closed >= 1 && closed <= 3, closed + " closed in 2.5 s at 1 a second");
  }

  /**
   * With every primary down the first backup takes every session by design (haproxy's default): the
   * rebalancer must not take that for an imbalance among the backups and close sessions that come
   * straight back to it.
   */
  @Test
  void theFirstBackupHoldingEverySessionIsNotRebalanced() throws Exception {
    BackendSettings backend =
        new BackendSettings(
                "be",
                BalanceAlgorithm.LEASTCONN,
                List.of(
                    server("p", servers.echo("p").address),
                    new ServerSettings("a", servers.echo("a").address, 1, true),
                    new ServerSettings("b", servers.echo("b").address, 1, true)),
                ProxyTimeouts.DEFAULTS,
                0,
                true,
                OnMarkedDown.NONE)
            .withRebalanceRate(20);
    proxy = new ProxyServer(events, new ProxyOptions(2, true, 32 * 1024, 64 * 1024));
    proxy.start(ProxyHarness.oneFrontend(backend, 0, 0));
    proxy.backend("be").setServerUp("p", false);
    startWatches();
    Thread.sleep(1500); // several rebalancer runs
    assertEquals(0, rebalanced(), "nothing closed");
    assertEquals(CLIENTS, active("a"));
    assertEquals(0, reconnects.get());
  }

  @Test
  void withoutARateNothingIsClosed() throws Exception {
    start(0);
    proxy.backend("be").setServerUp("b", true);
    Thread.sleep(1500);
    assertEquals(CLIENTS, active("a"), "the watches stay where they are, as with haproxy");
    assertEquals(0, rebalanced());
    assertEquals(0, reconnects.get());
  }
}
