package io.vipd.health.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import io.vipd.health.CheckResult;
import io.vipd.health.testing.ApiServerFixture;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Measures the cost of one HTTPS {@code GET /readyz} check against the fixture over loopback: a
 * timed loop of sequential runs (not JMH), reporting checks/s, wall time per check, and CPU time
 * per check split into the client side (the check's event loop plus the calling thread) and the
 * server side (the fixture's event loop), from {@link ThreadMXBean}.
 *
 * <p>Iterations: {@code -Dvipd.health.cost.iterations=N} (default 40 so the normal build stays
 * fast); warm-up is the same count. For a meaningful figure run it with Netty's leak detector off:
 *
 * <pre>
 * mvn -o -B test -pl health -Dtest=HttpsCheckCostTest -Dvipd.health.cost.iterations=1000 \
 *     -Dsurefire.argLine=-Dio.netty.leakDetection.level=disabled
 * </pre>
 */
class HttpsCheckCostTest {

  @Test
  void measureHttpsReadyzCheck() {
    int iterations = Integer.getInteger("vipd.health.cost.iterations", 40);
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    assertTrue(threads.isThreadCpuTimeSupported());
    EventLoopGroup group = CheckExecutors.newEventLoopGroup(1, "cost-check");
    try (ApiServerFixture api = ApiServerFixture.start()) {
      HttpCheck check =
          HttpCheck.readyz(group, api.address(), TlsOptions.trusting(api.pki().caCert()));
      Duration timeout = Duration.ofSeconds(5);
      for (int i = 0; i < iterations; i++) {
        assertHealthy(check.run(timeout).join());
      }
      long clientCpu0 = cpuOf(threads, "cost-check") + threads.getCurrentThreadCpuTime();
      long serverCpu0 = cpuOf(threads, "apiserver-fixture");
      long start = System.nanoTime();
      for (int i = 0; i < iterations; i++) {
        assertHealthy(check.run(timeout).join());
      }
      long wall = System.nanoTime() - start;
      long clientCpu =
          cpuOf(threads, "cost-check") + threads.getCurrentThreadCpuTime() - clientCpu0;
      long serverCpu = cpuOf(threads, "apiserver-fixture") - serverCpu0;
      System.out.printf(
          Locale.ROOT,
          "HTTPS /readyz check cost: %d sequential checks in %.1f ms: %.0f checks/s, %.0f us wall"
              + " per check, %.0f us client CPU per check, %.0f us server CPU per check"
              + " (leak detection: %s)%n",
          iterations,
          wall / 1e6,
          iterations / (wall / 1e9),
          wall / 1e3 / iterations,
          clientCpu / 1e3 / iterations,
          serverCpu / 1e3 / iterations,
          System.getProperty("io.netty.leakDetection.level", "default"));
      assertEquals(2L * iterations, api.requestCount());
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  private static void assertHealthy(CheckResult r) {
    assertTrue(r.healthy(), r.detail());
  }

  /** Total CPU time of the live threads whose name starts with {@code prefix}. */
  private static long cpuOf(ThreadMXBean threads, String prefix) {
    long total = 0;
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith(prefix)) {
        total += Math.max(0, threads.getThreadCpuTime(t.getId()));
      }
    }
    return total;
  }
}
