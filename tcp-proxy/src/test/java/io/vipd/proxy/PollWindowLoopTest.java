package io.vipd.proxy;

import static io.vipd.proxy.ProxyHarness.readLine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.epoll.RelayEventLoop;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The relay loop's poll window, on real sockets: while events come close together the loop polls
 * between them instead of sleeping, and when they come further apart than the window it sleeps at
 * once, so that the window costs an idle or lightly loaded proxy nothing.
 */
class PollWindowLoopTest {
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

  /** What one run of exchanges cost the loop, and what it saved. */
  private record Run(long cpuNanos, int exchanges, long wakeupsSaved) {
    double cpuPerExchange() {
      return (double) cpuNanos / exchanges;
    }
  }

  /**
   * One client sends a line, waits for its echo and then pauses {@code pauseMillis}, for {@code
   * millis} in all.
   */
  private Run exchange(long pollWindowNanos, long pauseMillis, long millis) throws Exception {
    OneLoopProxy one =
        OneLoopProxy.start(
            events,
            new ProxyOptions(1, true, 32 * 1024, 64 * 1024)
                .withPollWindow(pollWindowNanos)
                .withCoalesceWindow(0),
            servers.echo("e").address);
    proxy = one.proxy();
    long loop = one.loopThreadId();
    RelayEventLoop relayLoop = (RelayEventLoop) proxy.eventLoops().orElseThrow().next();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    assertTrue(threads.isThreadCpuTimeSupported());
    try (Socket c = new Socket()) {
      c.setSoTimeout(5000);
      c.setTcpNoDelay(true);
      c.connect(proxy.localAddress(OneLoopProxy.FRONTEND), 2000);
      assertEquals("e", readLine(c), "relays");
      OutputStream out = c.getOutputStream();
      byte[] ping = "ping\n".getBytes(StandardCharsets.US_ASCII);
      for (int i = 0; i < 50; i++) { // warm-up
        out.write(ping);
        assertEquals("ping", readLine(c));
      }
      long cpu0 = threads.getThreadCpuTime(loop);
      long saved0 = relayLoop.wakeupsSaved();
      long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
      int exchanges = 0;
      while (System.nanoTime() < end) {
        out.write(ping);
        assertEquals("ping", readLine(c));
        exchanges++;
        if (pauseMillis > 0) {
          Thread.sleep(pauseMillis);
        }
      }
      long cpu = threads.getThreadCpuTime(loop) - cpu0;
      assertTrue(exchanges > 10, "only " + exchanges + " exchanges");
      // what the metrics read: the one loop's counts
      assertEquals(relayLoop.wakeupsSaved(), proxy.loopWakeupsSaved());
      assertEquals(relayLoop.sleeps(), proxy.loopSleeps());
      assertTrue(relayLoop.sleeps() > 0, "a loop that never slept");
      return new Run(cpu, exchanges, relayLoop.wakeupsSaved() - saved0);
    } finally {
      stopProxy();
    }
  }

  @Test
  void aLoopPollsThroughTheGapsBetweenCloseExchanges() throws Exception {
    Run polling = exchange(ONE_MS, 0, 1000);
    Run sleeping = exchange(0, 0, 1000);
    // back-to-back exchanges leave the loop gaps of tens of microseconds, which it polls through
    // instead of sleeping
    assertTrue(polling.wakeupsSaved() > 0, "no wake-up saved: " + polling + " (" + sleeping + ")");
  }

  @Test
  void exchangesFurtherApartThanTheWindowCostNoPolling() throws Exception {
    // pauses of 3 ms, each longer than the 1 ms window: the window shrinks to nothing and stays
    // there, so the loop sleeps through them as one without a window does (a window that did not
    // shrink would poll 1 ms before each pause: several times the loop's work here)
    exchange(0, 0, 300); // the JIT's warm-up, which would count against the first
    Run polling = exchange(ONE_MS, 3, 1000);
    Run sleeping = exchange(0, 3, 1000);
    // a 2 µs poll may still catch an echo now and then, never a pause
    assertTrue(
        polling.wakeupsSaved() <= polling.exchanges() / 10, "polled through pauses: " + polling);
    assertTrue(
        polling.cpuPerExchange() < 1.5 * sleeping.cpuPerExchange(),
        "polling loop " + polling + ", sleeping loop " + sleeping);
  }
}
