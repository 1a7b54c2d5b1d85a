package io.vipd.daemon.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.DefaultEventLoop;
import io.vipd.daemon.config.Observe;
import io.vipd.daemon.config.PassiveHealth;
import io.vipd.health.CheckResult;
import io.vipd.health.HealthCheck;
import io.vipd.health.HealthListener;
import io.vipd.health.HealthMonitor;
import io.vipd.health.HealthState;
import io.vipd.health.HealthTransition;
import io.vipd.health.InitialState;
import io.vipd.health.MonitorSettings;
import io.vipd.health.PassiveAction;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Connect results into a real health monitor whose server has passed its check (full health: {@code
 * rise + fall - 1}), which the proxy-level {@code PassiveHealthTest} cannot reach without a check
 * that passes while connects fail.
 */
class ConnectErrorsTest {
  private static final int RISE = 2;
  private static final int FALL = 3;
  private static final int FULL = RISE + FALL - 1;

  private final DefaultEventLoop loop = new DefaultEventLoop();
  private final ConnectErrors errors = new ConnectErrors();
  private final HealthMonitor monitor =
      new HealthMonitor(
          "be/a",
          new Passing(),
          MonitorSettings.of(
                  Duration.ofHours(1), Duration.ofSeconds(1), RISE, FALL, InitialState.FULLY_UP)
              .withJitter(0),
          loop,
          new HealthListener() {
            @Override
            public void onTransition(HealthTransition t) {}
          });

  @AfterEach
  void stop() {
    monitor.close();
    loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private static PassiveHealth passive(int limit, PassiveAction onError) {
    return new PassiveHealth(Observe.LAYER4, limit, onError);
  }

  @Test
  void aGoodConnectUndoesAFailCheck() throws Exception {
    errors.failed("be/a", monitor, passive(1, PassiveAction.FAIL_CHECK), "refused");
    await(() -> monitor.status().health() == FULL - 1, "one failed check");
    assertTrue(errors.pending());
    errors.connected("be/a", monitor);
    await(() -> monitor.status().health() == FULL, "full health again");
    assertFalse(errors.pending());
  }

  @Test
  void aGoodConnectDoesNotUndoASuddenDeath() throws Exception {
    errors.failed("be/a", monitor, passive(1, PassiveAction.SUDDEN_DEATH), "refused");
    await(() -> monitor.status().health() == RISE, "one failed check from down");
    errors.connected("be/a", monitor);
    errors.failed("be/a", monitor, passive(1, PassiveAction.FAIL_CHECK), "refused");
    await(() -> monitor.state() == HealthState.DOWN, "down at the next error, as in haproxy");
  }

  @Test
  void errorsCountTowardTheLimitOnlyWhileConsecutive() throws Exception {
    PassiveHealth three = passive(3, PassiveAction.MARK_DOWN);
    errors.failed("be/a", monitor, three, "refused");
    errors.failed("be/a", monitor, three, "refused");
    errors.connected("be/a", monitor);
    errors.failed("be/a", monitor, three, "refused");
    errors.failed("be/a", monitor, three, "refused");
    Thread.sleep(200); // a report would have reached the monitor's loop by now
    assertEquals(HealthState.UP, monitor.state(), "2, then a good connect, then 2: none reported");
    errors.failed("be/a", monitor, three, "refused");
    await(() -> monitor.state() == HealthState.DOWN, "down at the third in a row");
    assertEquals(
        "passive: 3 consecutive connect errors, the last: refused",
        monitor.status().lastResult().map(CheckResult::detail).orElse(""));
  }

  @Test
  void observeNoneAndAServerWithoutACheckReportNothing() throws Exception {
    PassiveHealth none = new PassiveHealth(Observe.NONE, 1, PassiveAction.MARK_DOWN);
    errors.failed("be/a", monitor, none, "refused");
    errors.failed("be/b", null, passive(1, PassiveAction.MARK_DOWN), "refused");
    assertFalse(errors.pending());
    Thread.sleep(200);
    assertEquals(HealthState.UP, monitor.state());
  }

  private static void await(BooleanSupplier condition, String what) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for: " + what);
      }
      Thread.sleep(5);
    }
  }

  /** A check that passes; with a 1 h interval it runs at most once within a test. */
  private static final class Passing implements HealthCheck {
    @Override
    public CompletableFuture<CheckResult> run(Duration timeout) {
      return CompletableFuture.completedFuture(CheckResult.healthy("ok", 0));
    }

    @Override
    public String describe() {
      return "passing";
    }
  }
}
