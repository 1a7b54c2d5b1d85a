package io.vipd.proxy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoop;
import io.vipd.proxy.balance.BalanceAlgorithm;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Assumptions;

/** Helpers shared by the proxy tests: settings shorthands, blocking clients, bounded waits. */
final class ProxyHarness {
  static final InetSocketAddress ANY_LOOPBACK_PORT =
      new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

  private ProxyHarness() {}

  static ProxyTimeouts timeouts(long connectMs, long clientMs, long serverMs, long tunnelMs) {
    return new ProxyTimeouts(
        Duration.ofMillis(connectMs),
        Duration.ofMillis(clientMs),
        Duration.ofMillis(serverMs),
        Duration.ofMillis(tunnelMs),
        Duration.ZERO);
  }

  static BackendSettings backend(
      BalanceAlgorithm balance, int retries, OnMarkedDown down, ServerSettings... servers) {
    return new BackendSettings(
        "be", balance, List.of(servers), ProxyTimeouts.DEFAULTS, retries, down);
  }

  static ProxySettings oneFrontend(BackendSettings backend, int frontendMax, int globalMax) {
    return new ProxySettings(
        List.of(new FrontendSettings("fe", ANY_LOOPBACK_PORT, backend.name(), frontendMax, true)),
        List.of(backend),
        globalMax);
  }

  static ServerSettings server(String name, InetSocketAddress address) {
    return ServerSettings.of(name, address);
  }

  /**
   * A test that proves a feature for real needs {@code capable} (tools, epoll): under CI=true a
   * missing capability fails the test, elsewhere it skips it.
   */
  static void require(boolean capable, String needs) {
    if ("true".equals(System.getenv("CI"))) {
      assertTrue(capable, "CI must run this test: it needs " + needs);
    } else {
      Assumptions.assumeTrue(capable, "needs " + needs);
    }
  }

  /** A started proxy with {@code loops} event loops, frontend "fe" in front of server s1. */
  static ProxyServer startProxy(ProxyEvents events, int loops, InetSocketAddress s1)
      throws IOException {
    return startProxy(events, loops, s1, 0);
  }

  /** As {@link #startProxy(ProxyEvents, int, InetSocketAddress)}, frontend maxconn {@code max}. */
  static ProxyServer startProxy(ProxyEvents events, int loops, InetSocketAddress s1, int max)
      throws IOException {
    ProxyOptions o = ProxyOptions.DEFAULTS;
    return startProxy(
        events,
        new ProxyOptions(loops, true, o.writeLowWaterMark(), o.writeHighWaterMark()),
        s1,
        max);
  }

  /** As {@link #startProxy(ProxyEvents, int, InetSocketAddress, int)}, with {@code options}. */
  static ProxyServer startProxy(
      ProxyEvents events, ProxyOptions options, InetSocketAddress s1, int max) throws IOException {
    ProxyServer proxy = new ProxyServer(events, options);
    proxy.start(
        oneFrontend(
            backend(BalanceAlgorithm.ROUNDROBIN, 0, OnMarkedDown.NONE, server("s1", s1)), max, 0));
    return proxy;
  }

  /**
   * Holds {@code loop} in a task until the returned latch is counted down (5 s at most), so that a
   * test can make several events ready before the loop handles any of them.
   */
  static CountDownLatch holdLoop(EventLoop loop) throws InterruptedException {
    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    loop.execute(
        () -> {
          held.countDown();
          try {
            release.await(5, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    assertTrue(held.await(5, TimeUnit.SECONDS), "the relay's loop did not run the hold");
    return release;
  }

  static Socket connect(ProxyServer proxy) throws IOException {
    Socket s = new Socket();
    s.setSoTimeout(5000);
    s.connect(proxy.localAddress("fe"), 2000);
    return s;
  }

  /** Reads one {@code \n}-terminated line; null at end of stream. */
  static String readLine(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int i = 0; i < 1024; i++) {
      int b = in.read();
      if (b < 0) {
        return line.size() == 0 ? null : line.toString(StandardCharsets.US_ASCII);
      }
      if (b == '\n') {
        return line.toString(StandardCharsets.US_ASCII);
      }
      line.write(b);
    }
    throw new IOException("line too long");
  }

  /** Reads until end of stream; returns the byte count. */
  static long drain(Socket s) throws IOException {
    byte[] buf = new byte[8192];
    long total = 0;
    for (int n; (n = s.getInputStream().read(buf)) >= 0; ) {
      total += n;
    }
    return total;
  }

  /** Waits up to {@code timeout} for {@code condition}; fails with {@code what} otherwise. */
  static void await(String what, Duration timeout, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(5);
    }
  }

  /**
   * Fills the accept queue of a listener that never accepts: from then on the kernel drops SYNs to
   * it, so connects hang (loopback only). The caller closes the sockets returned.
   */
  static List<Socket> fillBacklog(ServerSocket full) {
    List<Socket> fillers = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Socket s = new Socket();
      fillers.add(s);
      try {
        s.connect(full.getLocalSocketAddress(), 200);
      } catch (IOException expectedOnceFull) {
        break;
      }
    }
    return fillers;
  }

  /** Writes {@code payload} then half-closes {@code s}, on a daemon thread of its own. */
  static Thread sendAndHalfClose(Socket s, byte[] payload) {
    Thread writer =
        new Thread(
            () -> {
              try {
                s.getOutputStream().write(payload);
                s.shutdownOutput();
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            },
            "test-writer");
    writer.setDaemon(true);
    writer.start();
    return writer;
  }

  /**
   * Reads {@code in} to end of stream, checking that byte {@code k} of the stream is {@code k %
   * 251} (the pattern of TestServers.StreamServer), counting from {@code offset}; returns the
   * offset reached.
   */
  static long readPattern(InputStream in, long offset) throws IOException {
    byte[] buf = new byte[64 * 1024];
    long got = offset;
    for (int n; (n = in.read(buf)) >= 0; ) {
      for (int i = 0; i < n; i++) {
        if (buf[i] != (byte) ((got + i) % 251)) {
          throw new AssertionError("byte " + (got + i) + " corrupted");
        }
      }
      got += n;
    }
    return got;
  }
}
