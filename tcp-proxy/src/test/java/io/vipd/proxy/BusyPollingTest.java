package io.vipd.proxy;

import static io.vipd.proxy.ProxyHarness.readLine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * haproxy's busy-polling on the epoll relay: an idle loop spends its core polling instead of
 * sleeping, and relays as before; without it an idle loop sleeps.
 */
class BusyPollingTest {
  private final TestServers servers = new TestServers();
  private final RecordingEvents events = new RecordingEvents();
  private ProxyServer proxy;

  @AfterEach
  void tearDown() throws Exception {
    if (proxy != null) {
      proxy.stop(Duration.ZERO);
    }
    servers.close();
  }

  /** CPU time the proxy's new loop threads spend over one idle second, in milliseconds. */
  private long idleLoopCpuMillis(boolean busyPolling) throws Exception {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    OneLoopProxy one =
        OneLoopProxy.start(
            events,
            new ProxyOptions(1, true, 32 * 1024, 64 * 1024).withBusyPolling(busyPolling),
            servers.echo("a").address);
    proxy = one.proxy();
    try (Socket c = new Socket()) {
      c.setSoTimeout(5000);
      c.connect(proxy.localAddress(OneLoopProxy.FRONTEND), 2000);
      assertEquals("a", readLine(c), "relays");
      c.getOutputStream().write("ping\n".getBytes(StandardCharsets.US_ASCII));
      assertEquals("ping", readLine(c));
    }
    long id = one.loopThreadId();
    long cpu0 = threads.getThreadCpuTime(id);
    Thread.sleep(1000);
    return TimeUnit.NANOSECONDS.toMillis(threads.getThreadCpuTime(id) - cpu0);
  }

  @Test
  void aBusyPollingLoopPollsWhileIdle() throws Exception {
    long cpu = idleLoopCpuMillis(true);
    // a whole core while nothing happens; at least a fifth of it on a shared, loaded machine
    assertTrue(cpu >= 200, "an idle busy-polling loop used " + cpu + " ms of CPU in 1 s");
  }

  @Test
  void anOrdinaryLoopSleepsWhileIdle() throws Exception {
    long cpu = idleLoopCpuMillis(false);
    assertTrue(cpu < 100, "an idle loop used " + cpu + " ms of CPU in 1 s");
  }
}
