package io.vipd.health;

import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A check whose results follow a script ({@code '+'} pass, {@code '-'} fail, {@code '.'} never
 * complete), then a default; optionally completes after a delay on a given executor. Counts runs
 * and the largest number of runs in flight at once.
 */
final class ScriptedCheck implements HealthCheck {

  private final ConcurrentLinkedQueue<Character> script = new ConcurrentLinkedQueue<>();
  private final char fallback;
  private final EventExecutor delayer;
  private final Duration delay;
  final AtomicInteger runs = new AtomicInteger();
  final java.util.List<Duration> timeouts = new java.util.concurrent.CopyOnWriteArrayList<>();
  final AtomicInteger inFlight = new AtomicInteger();
  final AtomicInteger maxInFlight = new AtomicInteger();

  ScriptedCheck(String results, char fallback, EventExecutor delayer, Duration delay) {
    for (char c : results.toCharArray()) {
      script.add(c);
    }
    this.fallback = fallback;
    this.delayer = delayer;
    this.delay = delay;
  }

  ScriptedCheck(String results, char fallback) {
    this(results, fallback, null, Duration.ZERO);
  }

  @Override
  public CompletableFuture<CheckResult> run(Duration timeout) {
    timeouts.add(timeout);
    int n = runs.incrementAndGet();
    maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
    Character next = script.poll();
    char c = next != null ? next : fallback;
    CompletableFuture<CheckResult> f = new CompletableFuture<>();
    if (c == '.') {
      return f;
    }
    if (c == '!') {
      throw new IllegalStateException("scripted bug");
    }
    Runnable complete =
        () -> {
          inFlight.decrementAndGet();
          f.complete(
              c == '+'
                  ? CheckResult.healthy("scripted success " + n, 1)
                  : CheckResult.unhealthy("scripted failure " + n, 1));
        };
    if (delay.isZero()) {
      complete.run();
    } else {
      delayer.schedule(complete, delay.toNanos(), TimeUnit.NANOSECONDS);
    }
    return f;
  }

  @Override
  public String describe() {
    return "scripted";
  }
}
