package io.vipd.proxy;

import static io.vipd.proxy.ProxyHarness.await;
import static io.vipd.proxy.ProxyHarness.connect;
import static io.vipd.proxy.ProxyHarness.readLine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.netty.channel.EventLoop;
import io.netty.channel.epoll.Epoll;
import java.io.Closeable;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A socket closed while the event loop works through one batch of epoll events gives its number
 * back to the kernel, and a socket opened later in the same batch (an accept, a connect to a
 * server) may get that number. Events the batch still holds for the old socket must not reach the
 * new one: a stale EPOLLRDHUP would mark it as having seen its peer's FIN, and Netty then re-reads
 * it in a task, over and over, until an end of stream that never comes.
 *
 * <p>The test builds such a batch for real: it holds the relay's loop while a first client resets
 * its connection, a second client connects and the first client's server sends data and its FIN.
 * Released, the loop reads the reset and closes both of the first session's sockets; the accept and
 * the connect that follow would get their two numbers back (the test fills every lower free number
 * first) if the relay's loop closed them at once; the server's event comes last. The second session
 * must relay both ways and its loop must stay idle.
 */
class RelayDescriptorReuseTest {
  private final RecordingEvents events = new RecordingEvents();
  private final List<Closeable> fillers = new ArrayList<>();
  private ProxyServer proxy;
  private ServerSocket backend;

  @AfterEach
  void tearDown() throws IOException {
    if (proxy != null) {
      proxy.stop(Duration.ZERO);
    }
    if (backend != null) {
      backend.close();
    }
    for (Closeable c : fillers) {
      c.close();
    }
  }

  @Test
  void eventsForAClosedSocketDoNotReachTheSocketThatReusesItsNumber() throws Exception {
    ProxyHarness.require(
        Epoll.isAvailable() && Files.isDirectory(Path.of("/proc/self/fd")), "epoll and /proc");
    backend = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    proxy = ProxyHarness.startProxy(events, 1, (InetSocketAddress) backend.getLocalSocketAddress());
    // Another thread may take a freed number first (the first attempt's lazy class loading opens
    // jar files, for one): the batch is built again until the numbers come back as planned.
    List<String> missed = new ArrayList<>();
    for (int attempt = 0; attempt < 5; attempt++) {
      String miss = attempt();
      if (miss == null) {
        return;
      }
      missed.add(miss);
      await(
          "the attempt's sessions end",
          Duration.ofSeconds(5),
          () -> !proxy.sessions().iterator().hasNext());
    }
    fail("the batch was never built as planned: " + missed);
  }

  /**
   * Builds the batch once. Returns null after checking the relay if the second session got the
   * first one's two numbers back, else what it got.
   */
  private String attempt() throws Exception {
    Socket first = connect(proxy);
    first.getOutputStream().write("one\n".getBytes(StandardCharsets.US_ASCII));
    Socket firstServer = backend.accept();
    firstServer.setSoTimeout(5000);
    assertEquals("one", readLine(firstServer));
    EpollSession session = (EpollSession) proxy.sessions().iterator().next();
    int clientFd = session.eventLoop().submit(session::clientFd).get(5, TimeUnit.SECONDS);
    int serverFd = session.eventLoop().submit(session::serverFd).get(5, TimeUnit.SECONDS);
    EventLoop loop = session.eventLoop();
    long loopThread = loop.submit(() -> Thread.currentThread().getId()).get(5, TimeUnit.SECONDS);
    fillFreeNumbersBelow(Math.max(clientFd, serverFd));

    CountDownLatch release = ProxyHarness.holdLoop(loop);
    Socket second;
    try {
      first.setSoLinger(true, 0);
      first.close(); // a reset: the loop closes both of the session's sockets on reading it
      second = connect(proxy); // queued on the listener: accepted in the same batch
      OutputStream late = firstServer.getOutputStream();
      late.write("late\n".getBytes(StandardCharsets.US_ASCII));
      late.flush();
      firstServer.shutdownOutput(); // EPOLLIN|EPOLLRDHUP for the first session's server socket
      Thread.sleep(50); // loopback: all three events are ready well before this
    } finally {
      release.countDown();
    }

    try (second;
        Socket secondServer = backend.accept()) {
      secondServer.setSoTimeout(5000);
      second.getOutputStream().write("two\n".getBytes(StandardCharsets.US_ASCII));
      assertEquals("two", readLine(secondServer));
      EpollSession next = (EpollSession) proxy.sessions().iterator().next();
      Set<Integer> got =
          Set.of(
              next.eventLoop().submit(next::clientFd).get(5, TimeUnit.SECONDS),
              next.eventLoop().submit(next::serverFd).get(5, TimeUnit.SECONDS));
      // The relay closes a batch's sockets when the batch ends (RelayEventLoop#close): sockets
      // opened in the same batch get other numbers, and the first session's come back afterwards.
      // Either way no event of the first session may reach the second.
      assertTrue(got.size() == 2, "two sockets: " + got);
      secondServer.getOutputStream().write("back\n".getBytes(StandardCharsets.US_ASCII));
      assertEquals("back", readLine(second));

      // The second session is idle now, and so must its loop be. A stale EPOLLRDHUP keeps it
      // re-reading an empty socket: a whole core for as long as the connection lasts.
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      long before = threads.getThreadCpuTime(loopThread);
      Thread.sleep(500);
      long busyMs = (threads.getThreadCpuTime(loopThread) - before) / 1_000_000;
      assertTrue(busyMs < 150, "the loop ran " + busyMs + " ms of CPU in 500 ms while idle");

      // And the session itself saw no FIN: it still relays both ways.
      second.getOutputStream().write("three\n".getBytes(StandardCharsets.US_ASCII));
      assertEquals("three", readLine(secondServer));
      secondServer.getOutputStream().write("four\n".getBytes(StandardCharsets.US_ASCII));
      assertEquals("four", readLine(second));
      return null;
    } finally {
      firstServer.close();
    }
  }

  /**
   * The kernel gives a new descriptor the lowest free number: with every number below {@code max}
   * in use, the first session's two numbers are the ones the batch's accept and connect get.
   */
  private void fillFreeNumbersBelow(int max) throws IOException {
    for (int round = 0; round < 3; round++) {
      int free = 0;
      for (int n = 0; n < max; n++) {
        if (!inUse(n)) {
          free++;
        }
      }
      if (free == 0) {
        return;
      }
      for (int i = 0; i < free; i++) {
        fillers.add(new FileInputStream("/dev/null"));
      }
    }
    for (int n = 0; n < max; n++) {
      assertTrue(inUse(n), "descriptor " + n + " stayed free (another thread opening files?)");
    }
  }

  /** Whether descriptor {@code n} is open, without opening one (readlink of /proc/self/fd/n). */
  private static boolean inUse(int n) throws IOException {
    try {
      Files.readSymbolicLink(Path.of("/proc/self/fd", Integer.toString(n)));
      return true;
    } catch (NoSuchFileException e) {
      return false;
    }
  }
}
