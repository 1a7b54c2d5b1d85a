package io.vipd.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoop;
import io.netty.channel.epoll.Epoll;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A failover's burst: more clients connect at once than one accept queue holds (the kernel caps a
 * queue at {@code net.core.somaxconn}). The frontend's listeners hold them all while the proxy's
 * loop is busy, so no handshake is dropped (a dropped one waits a second for its SYN retransmit).
 * The queues here ask for a backlog of {@value #BACKLOG}, below any kernel's cap, so that the test
 * needs a few hundred connections whatever the host's somaxconn; the listener count follows it as
 * it follows the kernel's cap.
 */
class ProxyAcceptBurstTest {
  private static final int BACKLOG = 256;

  private final List<SocketChannel> clients = new ArrayList<>();
  private ProxyServer proxy;

  @AfterEach
  void tearDown() {
    for (SocketChannel c : clients) {
      try {
        c.close();
      } catch (IOException e) {
        // closing the rest matters more
      }
    }
    if (proxy != null) {
      proxy.stop(Duration.ZERO);
    }
  }

  @Test
  void aBurstBeyondOneAcceptQueueLosesNoHandshake() throws Exception {
    ProxyHarness.require(Epoll.isAvailable(), "epoll");
    int queueCap = Math.min(BACKLOG, AcceptQueues.kernelCap());
    int burst = queueCap + queueCap / 4;
    ProxyOptions o = ProxyOptions.DEFAULTS;
    ProxyOptions options =
        new ProxyOptions(1, true, o.writeLowWaterMark(), o.writeHighWaterMark(), BACKLOG);

    proxy = ProxyHarness.startProxy(ProxyEvents.NOOP, options, refusingAddress(), 2 * burst);
    Listeners listeners = proxy.listeners("fe");
    assertEquals(AcceptQueues.listeners(1, 2 * burst, queueCap), listeners.size());
    assertTrue(listeners.size() >= 2, "one loop, a limit beyond one queue: several listeners");

    EventLoop loop = listeners.all().get(0).eventLoop();
    CountDownLatch release = ProxyHarness.holdLoop(loop); // accepts nothing meanwhile
    int connected;
    try {
      connected = connectAll(proxy.localAddress("fe"), burst);
    } finally {
      release.countDown();
    }
    assertEquals(
        burst,
        connected,
        "handshakes completed while the proxy accepted nothing (one queue holds " + queueCap + ")");
    ProxyHarness.await(
        "the proxy accepts every queued client",
        Duration.ofSeconds(20),
        () -> proxy.status().frontends().get(0).accepted() == burst);
  }

  /**
   * Connects {@code n} clients without blocking; returns how many handshakes completed within about
   * 4 s (the loop hold lasts 5 s). With the loop held, a handshake the queues had no room for never
   * completes: its SYN was dropped, and so are its retransmits.
   */
  private int connectAll(InetSocketAddress target, int n) throws IOException {
    int connected = 0;
    try (Selector selector = Selector.open()) {
      for (int i = 0; i < n; i++) {
        SocketChannel c = SocketChannel.open();
        clients.add(c);
        c.configureBlocking(false);
        if (c.connect(target)) {
          connected++;
        } else {
          c.register(selector, SelectionKey.OP_CONNECT);
        }
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(4).toNanos();
      while (connected < n && System.nanoTime() - deadline < 0) {
        selector.select(100);
        for (SelectionKey k : selector.selectedKeys()) {
          k.cancel();
          if (((SocketChannel) k.channel()).finishConnect()) {
            connected++;
          }
        }
        selector.selectedKeys().clear();
      }
    }
    return connected;
  }

  /** A loopback port nothing listens on: the proxy's connects fail at once and free the slot. */
  private static InetSocketAddress refusingAddress() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return new InetSocketAddress(InetAddress.getLoopbackAddress(), s.getLocalPort());
    }
  }
}
