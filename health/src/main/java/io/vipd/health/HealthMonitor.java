package io.vipd.health;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one {@link HealthCheck} again and again, feeds a {@link HealthTracker} and tells a {@link
 * HealthListener} about every result and every transition.
 *
 * <ul>
 *   <li>Runs never overlap: the next run is scheduled when the previous one ends, so that starts
 *       are {@code interval} apart (or the run's duration, if longer).
 *   <li>The interval is {@link MonitorSettings#fastInterval()} while the tracker is transitioning,
 *       {@link MonitorSettings#downInterval()} while fully down, {@link MonitorSettings#interval()}
 *       otherwise; each delay gets a uniform jitter from an injectable generator, and the first run
 *       starts after a random part of the jitter window.
 *   <li>The first run's timeout is at least {@link #FIRST_RUN_MIN_TIMEOUT} (a cold JVM's first TLS
 *       handshake must not decide the initial state).
 *   <li>Each check enforces its own timeout; a backstop marks a run failed if its future has still
 *       not completed {@code timeout + max(200 ms, timeout/2)} after it started (a bug guard: its
 *       late result is then ignored).
 *   <li>{@link #reportPassiveFailure(String, PassiveAction)} counts toward {@code fall} like a
 *       failed check, or as the action says (haproxy {@code observe layer4} with {@code on-error}),
 *       and brings the next run forward to the fast interval.
 * </ul>
 *
 * <p>Threading: all state is confined to the given {@link EventExecutor} (a Netty event loop, the
 * clock for scheduling); the listener is called there. {@link #start()}, {@link #close()}, {@link
 * #reportPassiveFailure(String)} and {@link #status()} may be called from any thread. The monitor
 * does not own the check: closing the monitor leaves the check open.
 */
public final class HealthMonitor implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(HealthMonitor.class);
  private static final long MIN_BACKSTOP_GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

  /** The least timeout of a monitor's first run: see {@link #firstRunTimeout}. */
  static final Duration FIRST_RUN_MIN_TIMEOUT = Duration.ofSeconds(3);

  private final String name;
  private final HealthCheck check;
  private final MonitorSettings settings;
  private final EventExecutor loop;
  private final HealthListener listener;
  private final RandomGenerator jitter;
  private final LongSupplier nanoClock;
  private final HealthTracker tracker;

  // Confined to loop.
  private boolean started;
  private boolean closed;
  private boolean running;
  private long runSeq;
  private long runStartNanos;
  private long runs;
  private CheckResult lastResult;
  private ScheduledFuture<?> nextRun;
  private ScheduledFuture<?> backstop;

  private volatile HealthStatus status;

  /**
   * A monitor whose jitter generator is seeded from the name and the start time.
   *
   * @param name the check's name, carried in every transition
   * @param check the probe
   * @param settings intervals, timeout, rise, fall
   * @param loop the event loop that owns this monitor's state and timers
   * @param listener receives results and transitions on {@code loop}
   */
  public HealthMonitor(
      String name,
      HealthCheck check,
      MonitorSettings settings,
      EventExecutor loop,
      HealthListener listener) {
    this(
        name,
        check,
        settings,
        loop,
        listener,
        new SplittableRandom(name.hashCode() * 0x9E3779B97F4A7C15L ^ System.nanoTime()),
        System::nanoTime);
  }

  /**
   * A monitor with an injected jitter generator and clock (tests).
   *
   * @param jitter source of the uniform jitter; used only on {@code loop}
   * @param nanoClock monotonic nanoseconds, used to keep run starts {@code interval} apart
   */
  public HealthMonitor(
      String name,
      HealthCheck check,
      MonitorSettings settings,
      EventExecutor loop,
      HealthListener listener,
      RandomGenerator jitter,
      LongSupplier nanoClock) {
    this.name = Objects.requireNonNull(name, "name");
    this.check = Objects.requireNonNull(check, "check");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.loop = Objects.requireNonNull(loop, "loop");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.jitter = Objects.requireNonNull(jitter, "jitter");
    this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    this.tracker = new HealthTracker(settings.rise(), settings.fall(), settings.initialState());
    publish();
  }

  /** Starts checking; idempotent. */
  public void start() {
    loop.execute(
        () -> {
          if (started || closed) {
            return;
          }
          started = true;
          double firstDelay = jitter.nextDouble() * settings.jitterFraction();
          schedule((long) (settings.interval().toNanos() * firstDelay));
        });
  }

  /** Stops checking; a run in progress finishes but its result is dropped. Idempotent. */
  @Override
  public void close() {
    loop.execute(
        () -> {
          closed = true;
          running = false;
          cancel(nextRun);
          cancel(backstop);
        });
  }

  /**
   * A successful use of the server seen outside the checks (a connect that worked after a passive
   * failure): counts like a passing check while the server is up, so that scattered failures do not
   * add up to {@code fall}; ignored while down or transitioning up (only active checks bring a
   * server back). Thread-safe.
   */
  public void reportPassiveSuccess(String detail) {
    loop.execute(
        () -> {
          if (!closed && tracker.state() == HealthState.UP) {
            apply(CheckResult.healthy("passive: " + detail, 0));
          }
        });
  }

  /**
   * Counts a failure observed outside the check (for example the proxy could not connect to the
   * server) toward {@code fall}, like a failed check: {@link #reportPassiveFailure(String,
   * PassiveAction)} with {@link PassiveAction#FAIL_CHECK}. Thread-safe.
   *
   * @param detail why, e.g. {@code "connect: connection refused"}
   */
  public void reportPassiveFailure(String detail) {
    reportPassiveFailure(detail, PassiveAction.FAIL_CHECK);
  }

  /**
   * A failure observed outside the check: applies {@code action} to the tracker (as a failed check
   * whose result says {@code "passive: " + detail}, except {@link PassiveAction#FAST_INTERVAL}) and
   * brings the next check forward to the fast interval if it is due later, as haproxy's {@code
   * on-error} does. Thread-safe.
   */
  public void reportPassiveFailure(String detail, PassiveAction action) {
    Objects.requireNonNull(action, "action");
    loop.execute(
        () -> {
          if (closed) {
            return;
          }
          try {
            if (action != PassiveAction.FAST_INTERVAL) {
              apply(CheckResult.unhealthy("passive: " + detail, 0), action);
            }
          } finally {
            checkSoon();
          }
        });
  }

  /** Brings a scheduled run forward to {@link MonitorSettings#fastInterval()} from now. */
  private void checkSoon() {
    long fast = settings.fastInterval().toNanos();
    if (started && !running && nextRun != null && nextRun.getDelay(TimeUnit.NANOSECONDS) > fast) {
      cancel(nextRun);
      schedule(fast);
    }
  }

  /** The latest snapshot; thread-safe. */
  public HealthStatus status() {
    return status;
  }

  /** The current state; thread-safe. */
  public HealthState state() {
    return status.state();
  }

  /** The name given at construction. */
  public String name() {
    return name;
  }

  private void schedule(long delayNanos) {
    if (!closed) {
      nextRun = loop.schedule(this::runOnce, delayNanos, TimeUnit.NANOSECONDS);
    }
  }

  private void runOnce() {
    if (closed || running) {
      return;
    }
    running = true;
    long seq = ++runSeq;
    runStartNanos = nanoClock.getAsLong();
    Duration timeout = seq == 1 ? firstRunTimeout(settings.timeout()) : settings.timeout();
    long grace = Math.max(MIN_BACKSTOP_GRACE_NANOS, timeout.toNanos() / 2);
    backstop =
        loop.schedule(() -> onBackstop(seq), timeout.toNanos() + grace, TimeUnit.NANOSECONDS);
    CompletableFuture<CheckResult> future;
    try {
      future = check.run(timeout);
    } catch (RuntimeException e) {
      future = CompletableFuture.completedFuture(CheckResult.unhealthy("check error: " + e, 0));
    }
    future.whenComplete(
        (result, error) -> {
          if (loop.inEventLoop()) {
            onRunComplete(seq, result, error);
          } else {
            loop.execute(() -> onRunComplete(seq, result, error));
          }
        });
  }

  /**
   * The first run pays for loading and compiling the check's code path in a fresh JVM (a first TLS
   * handshake takes ~300 ms on an idle 2-core machine, several times that under load), and with
   * keepalived's start in UNKNOWN its result alone decides the initial state: a cold-start timeout
   * would apply the weight for {@code rise} intervals for nothing. It gets at least {@link
   * #FIRST_RUN_MIN_TIMEOUT}; a server that is really hung is reported down that much later.
   */
  static Duration firstRunTimeout(Duration timeout) {
    return timeout.compareTo(FIRST_RUN_MIN_TIMEOUT) >= 0 ? timeout : FIRST_RUN_MIN_TIMEOUT;
  }

  private void onRunComplete(long seq, CheckResult result, Throwable error) {
    if (seq != runSeq || !running) {
      return; // closed, or the backstop already counted this run
    }
    running = false;
    cancel(backstop);
    runs++;
    try {
      apply(result != null ? result : CheckResult.unhealthy("check error: " + error, elapsed()));
    } finally {
      // whatever a listener threw (an Error too), the monitor must go on checking
      schedule(nextDelayNanos());
    }
  }

  private void onBackstop(long seq) {
    if (seq != runSeq || !running) {
      return;
    }
    running = false;
    runs++;
    LOG.warn("check {} ({}) did not complete its run in time", name, check.describe());
    long elapsed = elapsed();
    try {
      apply(
          CheckResult.unhealthy(
              "timeout after "
                  + TimeUnit.NANOSECONDS.toMillis(elapsed)
                  + " ms (check did not complete)",
              elapsed));
    } finally {
      schedule(nextDelayNanos());
    }
  }

  private long elapsed() {
    return nanoClock.getAsLong() - runStartNanos;
  }

  private long nextDelayNanos() {
    long base = baseInterval(tracker, settings).toNanos();
    return Math.max(0, jittered(base, settings.jitterFraction(), jitter.nextDouble()) - elapsed());
  }

  /** haproxy's choice: {@code fastinter} while transitioning, {@code downinter} when fully down. */
  static Duration baseInterval(HealthTracker tracker, MonitorSettings settings) {
    if (tracker.isTransitioning()) {
      return settings.fastInterval();
    }
    return tracker.isFullyDown() ? settings.downInterval() : settings.interval();
  }

  /**
   * {@code baseNanos} scaled by {@code 1 + fraction * (2u - 1)}: uniform in {@code [base*(1-f),
   * base*(1+f)]} for {@code u} uniform in {@code [0, 1)}.
   */
  static long jittered(long baseNanos, double fraction, double u) {
    return (long) (baseNanos * (1 + fraction * (2 * u - 1)));
  }

  private void apply(CheckResult result) {
    apply(result, PassiveAction.FAIL_CHECK);
  }

  /** Applies a result; a failure as {@code failure} says (a check's own: as a failed check). */
  private void apply(CheckResult result, PassiveAction failure) {
    HealthState before = tracker.state();
    boolean changed =
        result.healthy()
            ? tracker.onSuccess()
            : switch (failure) {
              case SUDDEN_DEATH -> tracker.onSuddenDeath();
              case MARK_DOWN -> tracker.onMarkDown();
              default -> tracker.onFailure();
            };
    lastResult = result;
    publish();
    HealthState after = tracker.state();
    try {
      listener.onResult(name, result, after);
    } catch (RuntimeException e) {
      LOG.error("health listener failed on a result of check {}", name, e);
    }
    if (changed) {
      HealthTransition transition =
          new HealthTransition(
              name,
              before,
              after,
              result,
              tracker.consecutiveSuccesses(),
              tracker.consecutiveFailures());
      try {
        listener.onTransition(transition);
      } catch (RuntimeException e) {
        LOG.error("health listener failed on a transition of check {}", name, e);
      }
    }
  }

  private void publish() {
    status =
        new HealthStatus(
            name,
            check.describe(),
            tracker.state(),
            Optional.ofNullable(lastResult),
            tracker.consecutiveSuccesses(),
            tracker.consecutiveFailures(),
            tracker.health(),
            runs);
  }

  private static void cancel(ScheduledFuture<?> future) {
    if (future != null) {
      future.cancel(false);
    }
  }
}
