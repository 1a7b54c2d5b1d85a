package io.vipd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoopGroup;
import io.vipd.vrrp.packet.VrrpVersion;
import io.vipd.vrrp.router.Transition;
import io.vipd.vrrp.router.VirtualRouterConfig;
import io.vipd.vrrp.router.VirtualRouterListener;
import io.vipd.vrrp.runtime.TestDoubles;
import io.vipd.vrrp.runtime.VrrpRuntime;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A proxy loop or a VRRP runtime that stops making progress is reported stuck, and only then. */
@Timeout(30)
class LivenessTest {

  private static final Duration STUCK = Duration.ofSeconds(2);

  /** How long past {@link #STUCK} a slow VM may take to show a change in the answer. */
  private static final Duration SLACK = Duration.ofSeconds(5);

  @Test
  void aProxyLoopThatRunsNoTaskIsStuckUntilItRunsAgain() throws Exception {
    EventLoopGroup loops = new DefaultEventLoopGroup(1);
    CountDownLatch release = new CountDownLatch(1);
    try {
      Liveness liveness = new Liveness(List::of, () -> Optional.of(loops), STUCK);
      assertEquals(Optional.empty(), liveness.stuck());
      // The loop runs its tasks in order: once this one has run, so has the probe posted above.
      loops.next().submit(() -> {}).get(5, TimeUnit.SECONDS);
      loops.next().execute(() -> await(release)); // a handler that blocks the loop
      long blocked = System.nanoTime();
      assertEquals(Optional.empty(), liveness.stuck(), "not stuck yet: the probe just went in");
      Optional<String> stuck = awaitStuck(liveness, true, STUCK.plus(SLACK));
      long tookMs = (System.nanoTime() - blocked) / 1_000_000;
      assertTrue(
          stuck.isPresent() && stuck.get().startsWith("proxy event loop stuck for"),
          String.valueOf(stuck));
      assertTrue(tookMs >= STUCK.toMillis(), "reported stuck after only " + tookMs + " ms");
      release.countDown();
      // Behind the probe that found it stuck: once this has run, so has that probe.
      loops.next().submit(() -> {}).get(5, TimeUnit.SECONDS);
      assertEquals(Optional.empty(), liveness.stuck(), "works again");
    } finally {
      release.countDown();
      loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2000);
    }
  }

  /** A loop whose thread ended while the proxy runs (an Error) serves no one: not alive. */
  @Test
  void aProxyLoopThatEndedAloneIsReported() throws Exception {
    EventLoopGroup loops = new DefaultEventLoopGroup(2);
    try {
      Liveness liveness = new Liveness(List::of, () -> Optional.of(loops), STUCK);
      assertEquals(Optional.empty(), liveness.stuck());
      loops.iterator().next().shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2000);
      assertEquals(Optional.of("proxy event loop ended"), liveness.stuck());
      loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2000);
      assertEquals(Optional.empty(), liveness.stuck(), "the whole group stopping is a stop");
    } finally {
      loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2000);
    }
  }

  @Test
  void aVrrpRuntimeStuckInAStepIsReported() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    VrrpRuntime runtime = runtime(release);
    Thread t = new Thread(runtime, "runtime");
    Liveness liveness = new Liveness(() -> List.of(runtime), Optional::empty, STUCK);
    try {
      assertEquals(Optional.empty(), liveness.stuck(), "not started: not stuck");
      long started = System.nanoTime();
      t.start(); // the initial master's transition blocks in its listener
      // Polled, not slept: the thread has to start and reach the step before its time counts.
      Optional<String> stuck = awaitStuck(liveness, true, STUCK.plus(SLACK));
      long tookMs = (System.nanoTime() - started) / 1_000_000;
      assertTrue(
          stuck.isPresent() && stuck.get().startsWith("VRRP instance VI_1 stuck for"),
          String.valueOf(stuck));
      assertTrue(tookMs >= STUCK.toMillis(), "reported stuck after only " + tookMs + " ms");
      release.countDown();
      assertEquals(Optional.empty(), awaitStuck(liveness, false, SLACK), "steps again");
    } finally {
      release.countDown();
      runtime.stop(5, TimeUnit.SECONDS);
      t.join(5000);
    }
  }

  @Test
  void aVrrpRuntimeThatFailedIsReported() throws Exception {
    VrrpRuntime runtime =
        runtime(
            new VirtualRouterListener() {
              @Override
              public void onTransition(Transition transition) {
                throw new IllegalStateException("a bug in a listener");
              }
            });
    Thread t = new Thread(runtime, "runtime");
    t.setUncaughtExceptionHandler((th, e) -> {});
    t.start();
    t.join(5000);
    Optional<String> stuck = new Liveness(() -> List.of(runtime), Optional::empty, STUCK).stuck();
    assertTrue(
        stuck.isPresent()
            && stuck.get().equals("VRRP instance VI_1 failed (its error is in the log)"),
        String.valueOf(stuck));
  }

  /**
   * Asks {@code liveness} until it reports something stuck ({@code present}) or nothing, or until
   * {@code timeout}; returns its last answer for the caller to check.
   */
  private static Optional<String> awaitStuck(Liveness liveness, boolean present, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Optional<String> stuck = liveness.stuck();
    while (stuck.isPresent() != present && System.nanoTime() - deadline < 0) {
      Thread.sleep(20);
      stuck = liveness.stuck();
    }
    return stuck;
  }

  private static VrrpRuntime runtime(CountDownLatch release) throws Exception {
    return runtime(
        new VirtualRouterListener() {
          @Override
          public void onTransition(Transition transition) {
            LivenessTest.await(release); // a listener that never returns: a stuck step
          }
        });
  }

  private static VrrpRuntime runtime(VirtualRouterListener listener) throws Exception {
    VirtualRouterConfig config =
        VirtualRouterConfig.builder("VI_1", 51, InetAddress.getByName("10.0.0.11"))
            .version(VrrpVersion.V3)
            .priority(150)
            .initialMaster(true)
            .advertIntervalCentis(100)
            .virtualAddresses(List.of(InetAddress.getByName("10.0.0.100")))
            .build();
    return TestDoubles.runtime(config, listener);
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
