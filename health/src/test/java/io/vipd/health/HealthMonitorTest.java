package io.vipd.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoopGroup;
import io.vipd.health.check.CheckExecutors;
import io.vipd.health.check.HttpCheck;
import io.vipd.health.check.TlsOptions;
import io.vipd.health.testing.ApiServerFixture;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The monitor on a real event loop with small intervals. Assertions wait generously (the machine is
 * shared): they test order and counts, not speed.
 */
class HealthMonitorTest {

  private static final long WAIT_SECONDS = 10;
  private static DefaultEventLoop loop;

  @BeforeAll
  static void start() {
    loop = new DefaultEventLoop();
  }

  @AfterAll
  static void stop() {
    loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** Records transitions and counts results. */
  private static final class Recorder implements HealthListener {
    final BlockingQueue<HealthTransition> transitions = new LinkedBlockingQueue<>();
    final AtomicInteger results = new AtomicInteger();
    volatile boolean calledOffTheLoop;

    @Override
    public void onTransition(HealthTransition t) {
      calledOffTheLoop |= !loop.inEventLoop();
      transitions.add(t);
    }

    @Override
    public void onResult(String checkName, CheckResult result, HealthState state) {
      results.incrementAndGet();
    }

    HealthTransition next() throws InterruptedException {
      HealthTransition t = transitions.poll(WAIT_SECONDS, TimeUnit.SECONDS);
      assertNotNull(t, "no transition within " + WAIT_SECONDS + " s");
      return t;
    }
  }

  private static MonitorSettings settings(int rise, int fall, InitialState initial) {
    return MonitorSettings.of(Duration.ofMillis(20), Duration.ofSeconds(1), rise, fall, initial);
  }

  private static HealthMonitor monitor(
      String name, HealthCheck check, MonitorSettings settings, HealthListener listener) {
    return new HealthMonitor(
        name, check, settings, loop, listener, new SplittableRandom(7), System::nanoTime);
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
      Thread.sleep(5);
    }
  }

  @Test
  void fallThenRiseAreReportedOnceEachWithCounts() throws Exception {
    ScriptedCheck check = new ScriptedCheck("++---++", '+');
    Recorder rec = new Recorder();
    try (HealthMonitor m = monitor("api", check, settings(2, 3, InitialState.FULLY_UP), rec)) {
      m.start();
      HealthTransition down = rec.next();
      assertEquals("api", down.checkName());
      assertEquals(HealthState.UP, down.from());
      assertEquals(HealthState.DOWN, down.to());
      assertEquals(3, down.consecutiveFailures());
      assertEquals("scripted failure 5", down.lastResult().detail());

      HealthTransition up = rec.next();
      assertEquals(HealthState.DOWN, up.from());
      assertEquals(HealthState.UP, up.to());
      assertEquals(2, up.consecutiveSuccesses());
      assertEquals("scripted success 7", up.lastResult().detail());

      await(() -> check.runs.get() >= 10, "more runs");
      assertTrue(rec.transitions.isEmpty(), "no further transitions: " + rec.transitions);
      HealthStatus status = m.status();
      assertEquals(HealthState.UP, status.state());
      assertEquals("scripted", status.target());
      assertTrue(status.lastResult().orElseThrow().healthy());
      assertTrue(status.runs() >= 7);
      assertTrue(!rec.calledOffTheLoop, "the listener runs on the monitor's event loop");
    }
  }

  @Test
  void runsNeverOverlapEvenWhenSlowerThanTheInterval() throws Exception {
    ScriptedCheck check = new ScriptedCheck("", '+', loop, Duration.ofMillis(40));
    try (HealthMonitor m =
        monitor("slow", check, settings(1, 1, InitialState.UP), new Recorder())) {
      m.start();
      await(() -> check.runs.get() >= 6, "six runs");
    }
    assertEquals(1, check.maxInFlight.get());
  }

  @Test
  void aRunThatNeverCompletesIsCountedAsATimeoutAndChecksGoOn() throws Exception {
    ScriptedCheck check = new ScriptedCheck("", '.');
    Recorder rec = new Recorder();
    MonitorSettings s =
        MonitorSettings.of(
            Duration.ofMillis(20), Duration.ofMillis(50), 1, 1, InitialState.FULLY_UP);
    try (HealthMonitor m = monitor("stuck", check, s, rec)) {
      m.start();
      HealthTransition down = rec.next();
      assertEquals(HealthState.DOWN, down.to());
      assertTrue(
          down.lastResult().detail().endsWith("ms (check did not complete)"),
          down.lastResult().detail());
      await(() -> check.runs.get() >= 2, "a second run after the backstop");
    }
  }

  @Test
  void theFirstRunGetsAtLeastThreeSecondsTheOthersTheConfiguredTimeout() throws Exception {
    ScriptedCheck check = new ScriptedCheck("", '+');
    MonitorSettings s =
        MonitorSettings.of(
                Duration.ofMillis(20), Duration.ofMillis(100), 1, 1, InitialState.UNKNOWN)
            .withJitter(0);
    try (HealthMonitor m = monitor("cold", check, s, new Recorder())) {
      m.start();
      await(() -> check.runs.get() >= 3, "three runs");
    }
    assertEquals(Duration.ofSeconds(3), check.timeouts.get(0));
    assertEquals(Duration.ofMillis(100), check.timeouts.get(1));
    assertEquals(Duration.ofMillis(100), check.timeouts.get(2));
    assertEquals(Duration.ofSeconds(5), HealthMonitor.firstRunTimeout(Duration.ofSeconds(5)));
  }

  @Test
  void aCheckThatThrowsIsAFailureNotACrash() throws Exception {
    ScriptedCheck check = new ScriptedCheck("!", '+');
    Recorder rec = new Recorder();
    try (HealthMonitor m = monitor("buggy", check, settings(1, 1, InitialState.FULLY_UP), rec)) {
      m.start();
      HealthTransition down = rec.next();
      assertTrue(down.lastResult().detail().startsWith("check error:"), down.lastResult().detail());
      assertEquals(HealthState.UP, rec.next().to());
    }
  }

  /** Fully up, checked hourly: within a test only passive reports move it. */
  private static MonitorSettings hourly(int fall) {
    return MonitorSettings.of(
            Duration.ofHours(1), Duration.ofSeconds(1), 2, fall, InitialState.FULLY_UP)
        .withJitter(0);
  }

  /** A started monitor of a passing check, once its first run has been counted. */
  private static HealthMonitor afterFirstRun(ScriptedCheck check, MonitorSettings s, Recorder rec)
      throws InterruptedException {
    HealthMonitor m = monitor("cp1", check, s, rec);
    m.start();
    await(() -> rec.results.get() >= 1, "the first active result");
    return m;
  }

  @Test
  void passiveFailuresCountTowardFall() throws Exception {
    ScriptedCheck check = new ScriptedCheck("", '+');
    Recorder rec = new Recorder();
    try (HealthMonitor m = afterFirstRun(check, hourly(2), rec)) {
      m.reportPassiveFailure("connect: connection refused");
      m.reportPassiveFailure("connect: connection refused");
      HealthTransition down = rec.next();
      assertEquals(HealthState.DOWN, down.to());
      assertEquals("passive: connect: connection refused", down.lastResult().detail());
      assertEquals(2, down.consecutiveFailures());
      assertEquals(1, check.runs.get(), "passive reports do not trigger active runs");
    }
  }

  @Test
  void passiveMarkDownTakesTheServerDownAtOnce() throws Exception {
    Recorder rec = new Recorder();
    try (HealthMonitor m = afterFirstRun(new ScriptedCheck("", '+'), hourly(5), rec)) {
      m.reportPassiveFailure("3 consecutive connect errors", PassiveAction.MARK_DOWN);
      HealthTransition down = rec.next();
      assertEquals(HealthState.DOWN, down.to());
      assertEquals("passive: 3 consecutive connect errors", down.lastResult().detail());
    }
  }

  @Test
  void passiveSuddenDeathLeavesOneFailure() throws Exception {
    Recorder rec = new Recorder();
    try (HealthMonitor m = afterFirstRun(new ScriptedCheck("", '+'), hourly(5), rec)) {
      m.reportPassiveFailure("refused", PassiveAction.SUDDEN_DEATH);
      await(() -> rec.results.get() >= 2, "the passive result");
      assertEquals(HealthState.UP, m.state());
      m.reportPassiveFailure("refused", PassiveAction.FAIL_CHECK);
      assertEquals(HealthState.DOWN, rec.next().to());
    }
  }

  @Test
  void aPassiveErrorBringsTheNextCheckForwardToTheFastInterval() throws Exception {
    // interval 1h: without the error, the second run would come an hour after the first
    ScriptedCheck check = new ScriptedCheck("+", '-');
    Recorder rec = new Recorder();
    try (HealthMonitor m =
        afterFirstRun(check, hourly(3).withFastInterval(Duration.ofMillis(20)), rec)) {
      m.reportPassiveFailure("refused", PassiveAction.FAST_INTERVAL);
      await(() -> check.runs.get() >= 2, "a run brought forward");
      // fast-interval alone counts nothing: the failing runs take the server down, with fall
      // counted from them (3), not from the passive error
      HealthTransition down = rec.next();
      assertEquals(HealthState.DOWN, down.to());
      assertEquals(3, down.consecutiveFailures());
      assertEquals(4, check.runs.get(), "one passing run, then three failing ones");
    }
  }

  @Test
  void aPassiveErrorDoesNotDelayACheckDueSooner() throws Exception {
    ScriptedCheck check = new ScriptedCheck("", '+');
    MonitorSettings s =
        MonitorSettings.of(
                Duration.ofMillis(20), Duration.ofSeconds(1), 2, 3, InitialState.FULLY_UP)
            .withFastInterval(Duration.ofHours(1))
            .withJitter(0);
    try (HealthMonitor m = afterFirstRun(check, s, new Recorder())) {
      m.reportPassiveFailure("refused", PassiveAction.FAST_INTERVAL);
      int before = check.runs.get();
      await(() -> check.runs.get() >= before + 3, "runs at the 20 ms interval going on");
    }
  }

  @Test
  void vrrpStyleUnknownStartIsDecidedByTheFirstResult() throws Exception {
    Recorder rec = new Recorder();
    try (HealthMonitor m =
        monitor("chk", new ScriptedCheck("-", '-'), settings(2, 2, InitialState.UNKNOWN), rec)) {
      assertEquals(HealthState.UNKNOWN, m.state());
      m.start();
      HealthTransition t = rec.next();
      assertEquals(HealthState.UNKNOWN, t.from());
      assertEquals(HealthState.DOWN, t.to());
    }
  }

  @Test
  void listenerExceptionsDoNotStopTheMonitor() throws Exception {
    BlockingQueue<HealthTransition> seen = new LinkedBlockingQueue<>();
    HealthListener throwing =
        new HealthListener() {
          @Override
          public void onTransition(HealthTransition t) {
            seen.add(t);
            throw new IllegalStateException("listener bug");
          }

          @Override
          public void onResult(String checkName, CheckResult result, HealthState state) {
            throw new IllegalStateException("listener bug");
          }
        };
    ScriptedCheck check = new ScriptedCheck("-+", '+');
    try (HealthMonitor m = monitor("x", check, settings(1, 1, InitialState.FULLY_UP), throwing)) {
      m.start();
      assertEquals(HealthState.DOWN, seen.poll(WAIT_SECONDS, TimeUnit.SECONDS).to());
      assertEquals(HealthState.UP, seen.poll(WAIT_SECONDS, TimeUnit.SECONDS).to());
    }
  }

  @Test
  void aListenerErrorDoesNotStopTheMonitorEither() throws Exception {
    BlockingQueue<HealthTransition> seen = new LinkedBlockingQueue<>();
    HealthListener throwing =
        new HealthListener() {
          @Override
          public void onTransition(HealthTransition t) {
            seen.add(t);
            throw new AssertionError("an Error, not an exception");
          }
        };
    ScriptedCheck check = new ScriptedCheck("-+", '+');
    try (HealthMonitor m = monitor("e", check, settings(1, 1, InitialState.FULLY_UP), throwing)) {
      m.start();
      assertEquals(HealthState.DOWN, seen.poll(WAIT_SECONDS, TimeUnit.SECONDS).to());
      HealthTransition next = seen.poll(WAIT_SECONDS, TimeUnit.SECONDS);
      assertTrue(next != null && next.to() == HealthState.UP, "runs on after the Error: " + next);
    }
  }

  @Test
  void closeStopsTheRuns() throws Exception {
    ScriptedCheck check = new ScriptedCheck("", '+');
    HealthMonitor m = monitor("c", check, settings(1, 1, InitialState.UP), new Recorder());
    m.start();
    await(() -> check.runs.get() >= 3, "three runs");
    m.close();
    loop.submit(() -> {}).sync(); // the close has been processed
    int after = check.runs.get();
    Thread.sleep(150);
    assertEquals(after, check.runs.get());
  }

  @Test
  void intervalFollowsTheTrackerLikeHaproxy() {
    MonitorSettings s =
        MonitorSettings.of(
                Duration.ofSeconds(2), Duration.ofSeconds(1), 2, 3, InitialState.FULLY_UP)
            .withFastInterval(Duration.ofMillis(100))
            .withDownInterval(Duration.ofSeconds(5));
    HealthTracker t = new HealthTracker(2, 3, InitialState.FULLY_UP);
    assertEquals(Duration.ofSeconds(2), HealthMonitor.baseInterval(t, s));
    t.onFailure();
    assertEquals(Duration.ofMillis(100), HealthMonitor.baseInterval(t, s), "going down");
    t.onFailure();
    t.onFailure();
    assertEquals(Duration.ofSeconds(5), HealthMonitor.baseInterval(t, s), "fully down");
    t.onSuccess();
    assertEquals(Duration.ofMillis(100), HealthMonitor.baseInterval(t, s), "going up");
    t.onSuccess();
    assertEquals(Duration.ofSeconds(2), HealthMonitor.baseInterval(t, s), "fully up");
    HealthTracker unknown = new HealthTracker(1, 1, InitialState.UNKNOWN);
    assertEquals(Duration.ofMillis(100), HealthMonitor.baseInterval(unknown, s));
  }

  @Test
  void jitterStaysInItsWindowAndSpreadsOverIt() {
    long base = 1_000_000_000L;
    assertEquals(900_000_000L, HealthMonitor.jittered(base, 0.1, 0.0));
    assertEquals(base, HealthMonitor.jittered(base, 0.0, 0.99));
    SplittableRandom rng = new SplittableRandom(1);
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (int i = 0; i < 1000; i++) {
      long d = HealthMonitor.jittered(base, 0.1, rng.nextDouble());
      min = Math.min(min, d);
      max = Math.max(max, d);
    }
    assertTrue(min >= 900_000_000L && min < 920_000_000L, "min " + min);
    assertTrue(max <= 1_100_000_000L && max > 1_080_000_000L, "max " + max);
  }

  @Test
  void flippingTheFixturesReadinessMovesTheCheckDownAndBackUp() throws Exception {
    EventLoopGroup group = CheckExecutors.newEventLoopGroup(1, "monitor-fixture");
    Duration interval = Duration.ofMillis(50);
    int fall = 3;
    try (ApiServerFixture api = ApiServerFixture.start()) {
      HttpCheck check =
          HttpCheck.readyz(group, api.address(), TlsOptions.trusting(api.pki().caCert()));
      Recorder rec = new Recorder();
      MonitorSettings s =
          MonitorSettings.of(interval, Duration.ofSeconds(2), 2, fall, InitialState.FULLY_UP);
      try (HealthMonitor m = new HealthMonitor("fixture", check, s, group.next(), rec)) {
        m.start();
        await(() -> rec.results.get() >= 3, "three healthy results");
        assertEquals(HealthState.UP, m.state());
        assertTrue(rec.transitions.isEmpty());

        api.setReady(false);
        long flipped = System.nanoTime();
        HealthTransition down = rec.next();
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - flipped);
        assertEquals(HealthState.DOWN, down.to());
        assertEquals(fall, down.consecutiveFailures());
        assertTrue(
            down.lastResult().detail().startsWith("HTTP 500 (expected 200)"),
            down.lastResult().detail());
        // fall x interval x (1 + jitter) plus one in-flight run, plus generous slack for a busy
        // box.
        long bound = (long) (fall * interval.toMillis() * 1.1) + interval.toMillis() + 3000;
        assertTrue(tookMillis < bound, "down after " + tookMillis + " ms, bound " + bound);

        api.setReady(true);
        HealthTransition up = rec.next();
        assertEquals(HealthState.UP, up.to());
        assertEquals(2, up.consecutiveSuccesses());
        assertEquals("HTTP 200", up.lastResult().detail());
      }
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }
}
