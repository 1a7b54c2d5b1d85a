package io.vipd.proxy;

import static io.vipd.proxy.ProxyHarness.readLine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.epoll.RelayEventLoop;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The relay loop's coalesce window, on real sockets: while many clients exchange at once the loop
 * naps on its own timer and takes their events in batches, so that it is woken from epoll_wait far
 * less often; a client alone never makes it nap, so nothing of its is held back.
 */
class CoalesceLoopTest {
  private static final long ONE_MS = 1_000_000;

  private final TestServers servers = new TestServers();
  private final RecordingEvents events = new RecordingEvents();
  private ProxyServer proxy;

  @AfterEach
  void tearDown() throws Exception {
    stopProxy();
    servers.close();
  }

  private void stopProxy() {
    if (proxy != null) {
      proxy.stop(Duration.ZERO);
      proxy = null;
    }
  }

  /** What one run of exchanges made the loop do. */
  private record Run(long exchanges, long naps, long sleeps) {
    double sleepsPerExchange() {
      return (double) sleeps / exchanges;
    }
  }

  /**
   * {@code clients} clients each send a numbered line and wait for its echo, again and again, for
   * {@code millis}; every echo must be the line sent.
   */
  private Run exchange(long coalesceNanos, int clients, long millis) throws Exception {
    OneLoopProxy one =
        OneLoopProxy.start(
            events,
            new ProxyOptions(1, true, 32 * 1024, 64 * 1024).withCoalesceWindow(coalesceNanos),
            servers.echo("e").address);
    proxy = one.proxy();
    RelayEventLoop loop = (RelayEventLoop) proxy.eventLoops().orElseThrow().next();
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    List<Socket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < clients; i++) {
        Socket c = new Socket();
        sockets.add(c);
        c.setSoTimeout(5000);
        c.setTcpNoDelay(true);
        c.connect(proxy.localAddress(OneLoopProxy.FRONTEND), 2000);
        assertEquals("e", readLine(c), "relays");
      }
      CyclicBarrier warm = new CyclicBarrier(clients + 1);
      CyclicBarrier go = new CyclicBarrier(clients + 1);
      long[] deadline = new long[1];
      List<Future<Long>> counts = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        Socket c = sockets.get(i);
        String name = "c" + i + "-";
        counts.add(
            pool.submit(
                () -> {
                  OutputStream out = c.getOutputStream();
                  long n = 0;
                  for (; n < 50; n++) { // warm-up
                    exchangeOne(c, out, name + n);
                  }
                  warm.await(10, TimeUnit.SECONDS);
                  go.await(10, TimeUnit.SECONDS);
                  long counted = 0;
                  while (System.nanoTime() < deadline[0]) {
                    exchangeOne(c, out, name + n++);
                    counted++;
                  }
                  return counted;
                }));
      }
      warm.await(30, TimeUnit.SECONDS);
      long naps0 = loop.naps();
      long sleeps0 = loop.sleeps();
      deadline[0] = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
      go.await(10, TimeUnit.SECONDS); // publishes the deadline to the clients
      long exchanges = 0;
      for (Future<Long> f : counts) {
        exchanges += f.get(millis + 10_000, TimeUnit.MILLISECONDS);
      }
      Run run = new Run(exchanges, loop.naps() - naps0, loop.sleeps() - sleeps0);
      assertTrue(exchanges > 10, "only " + run);
      // what the metric reads: the one loop's naps (which only grow)
      long viaMetric = proxy.loopNaps();
      assertTrue(
          viaMetric >= naps0 + run.naps() && viaMetric <= loop.naps(),
          viaMetric + " naps read, the loop's " + loop.naps());
      return run;
    } finally {
      pool.shutdownNow();
      for (Socket s : sockets) {
        s.close();
      }
      stopProxy();
    }
  }

  private static void exchangeOne(Socket c, OutputStream out, String line) throws Exception {
    out.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
    assertEquals(line, readLine(c), "each echo is its own line, whole and in order");
  }

  @Test
  void manyClientsAtOnceAreTakenInNapsInsteadOfAWakeUpEach() throws Exception {
    Run napping = exchange(50_000, 16, 1000);
    Run sleeping = exchange(0, 16, 1000);
    assertEquals(0, sleeping.naps(), "a loop without a window never naps");
    assertTrue(napping.naps() > 0, "no nap: " + napping);
    // each nap stands for the wake-ups of the events it gathered (measured: about a third of the
    // sleeps per exchange; a loop that does not nap, or naps without gathering, sleeps about once)
    assertTrue(
        napping.sleepsPerExchange() < sleeping.sleepsPerExchange() * 0.6,
        "napping " + napping + ", sleeping " + sleeping);
  }

  @Test
  void aClientAloneIsNeverHeldBack() throws Exception {
    // its line and the echo: one socket ready per wait, so even the longest window never starts
    Run alone = exchange(ONE_MS, 1, 500);
    assertEquals(0, alone.naps(), "napped for a client alone: " + alone);
    assertTrue(alone.sleeps() >= alone.exchanges(), "woken for each event: " + alone);
  }
}
