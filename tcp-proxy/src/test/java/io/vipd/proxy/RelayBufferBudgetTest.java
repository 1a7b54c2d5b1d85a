package io.vipd.proxy;

import static io.vipd.proxy.ProxyHarness.ANY_LOOPBACK_PORT;
import static io.vipd.proxy.ProxyHarness.await;
import static io.vipd.proxy.ProxyHarness.readLine;
import static io.vipd.proxy.ProxyHarness.require;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.epoll.RelayBufferBudget;
import io.vipd.proxy.balance.BalanceAlgorithm;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The relay's read buffers are bounded (by default three quarters of the direct memory limit):
 * clients that never read, each holding one buffer, can spend the budget. A connection that then
 * needs a buffer waits for one, its bytes in its socket, instead of being cut as it was when the
 * direct memory limit refused the allocation; it is served once a buffer comes free, and the slow
 * readers' sessions go on.
 */
class RelayBufferBudgetTest {
  /** Four buffers, one of them kept in reserve: three for sessions that hold none yet. */
  private static final int BUDGET = 4;

  private static final int SLOW = BUDGET - 1;

  private final TestServers servers = new TestServers();
  private final RecordingEvents events = new RecordingEvents();
  private final List<Socket> toClose = new ArrayList<>();
  private ProxyServer proxy;
  private ServerSocket flood;
  private Thread floodAcceptor;

  @AfterEach
  void tearDown() throws Exception {
    for (Socket s : toClose) {
      s.close();
    }
    if (proxy != null) {
      proxy.stop(Duration.ZERO);
    }
    if (flood != null) {
      flood.close();
      floodAcceptor.join(5000);
    }
    servers.close();
  }

  /** A server that writes to each connection until it is closed (at most 256 MiB). */
  private void startFloodServer() throws IOException {
    flood = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    floodAcceptor =
        new Thread(
            () -> {
              while (!flood.isClosed()) {
                try {
                  Socket s = flood.accept();
                  Thread writer = new Thread(() -> writeUntilClosed(s), "flood-writer");
                  writer.setDaemon(true);
                  writer.start();
                } catch (IOException e) {
                  return; // closed
                }
              }
            },
            "flood-acceptor");
    floodAcceptor.setDaemon(true);
    floodAcceptor.start();
  }

  private static void writeUntilClosed(Socket s) {
    byte[] chunk = new byte[64 * 1024];
    try (s;
        OutputStream out = s.getOutputStream()) {
      for (int i = 0; i < 4096; i++) {
        out.write(chunk);
      }
    } catch (IOException e) {
      // the proxy closed it
    }
  }

  @Test
  void aConnectionWaitsForABufferWhileSlowReadersHoldThemAllThenIsServed() throws Exception {
    startFloodServer();
    ProxyOptions o = ProxyOptions.DEFAULTS;
    proxy =
        new ProxyServer(
            events,
            new ProxyOptions(1, true, o.writeLowWaterMark(), o.writeHighWaterMark())
                .withRelayBuffers(BUDGET));
    require(proxy.nativeTransport(), "the native epoll transport");
    BackendSettings floods =
        new BackendSettings(
            "floods",
            BalanceAlgorithm.ROUNDROBIN,
            List.of(
                ServerSettings.of("f", (java.net.InetSocketAddress) flood.getLocalSocketAddress())),
            ProxyTimeouts.DEFAULTS,
            0,
            OnMarkedDown.NONE);
    BackendSettings echoes =
        new BackendSettings(
            "echoes",
            BalanceAlgorithm.ROUNDROBIN,
            List.of(ServerSettings.of("e", servers.echo("e").address)),
            ProxyTimeouts.DEFAULTS,
            0,
            OnMarkedDown.NONE);
    proxy.start(
        new ProxySettings(
            List.of(
                new FrontendSettings("flood", ANY_LOOPBACK_PORT, "floods", 0, false),
                new FrontendSettings("echo", ANY_LOOPBACK_PORT, "echoes", 0, false)),
            List.of(floods, echoes),
            0));
    RelayBufferBudget budget = proxy.relayBuffers();
    assertEquals(BUDGET, budget.max());
    assertEquals(1, budget.reserve());

    // clients that never read: each session ends up holding a buffer for its client
    List<Socket> slow = new ArrayList<>();
    for (int i = 0; i < SLOW; i++) {
      Socket s = new Socket();
      s.setReceiveBufferSize(4096);
      s.connect(proxy.localAddress("flood"), 2000);
      toClose.add(s);
      slow.add(s);
    }
    // each flood session reads until its client's socket is full and then holds what is left:
    // once all three are connected, the budget ends up in their hands (none in the loop's spares)
    await(
        "the slow readers' sessions connect and hold every buffer",
        Duration.ofSeconds(10),
        () -> events.connected.size() >= SLOW && budget.held() == SLOW);
    Thread.sleep(300); // any buffer still in the loop's hands goes to a slow reader meanwhile
    assertEquals(SLOW, budget.held());

    // a new connection's server greets it: no buffer to read the greeting into, so it waits
    Socket waiting = new Socket();
    waiting.setSoTimeout(300);
    waiting.connect(proxy.localAddress("echo"), 2000);
    toClose.add(waiting);
    assertThrows(SocketTimeoutException.class, () -> waiting.getInputStream().read());
    assertTrue(budget.waits() > 0, "it waited for a buffer");
    assertTrue(events.closed.isEmpty(), "nobody was cut: " + events.closed);

    // one slow reader leaves: its buffer goes back, and the waiting connection is served
    slow.get(0).close();
    waiting.setSoTimeout(5000);
    assertEquals("e", readLine(waiting));
    waiting.getOutputStream().write("ping\n".getBytes(StandardCharsets.US_ASCII));
    assertEquals("ping", readLine(waiting));

    // the other slow readers' sessions go on: what they read now still flows
    for (Socket s : slow.subList(1, SLOW)) {
      s.setSoTimeout(5000);
      assertTrue(s.getInputStream().readNBytes(256 * 1024).length == 256 * 1024);
    }
  }
}
