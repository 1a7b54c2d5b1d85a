package io.vipd.health.check;

import io.netty.util.concurrent.DefaultThreadFactory;
import io.vipd.health.CheckResult;
import io.vipd.health.HealthCheck;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/**
 * Healthy while a file exists (an operator's switch, in the spirit of keepalived's {@code
 * track_file}, which reads a number; here only existence counts).
 *
 * <p>The {@code stat} can hang for good on a hung file system (NFS). It runs on threads of its own,
 * never on the shared blocking executor, whose threads exec checks and every timeout timer need;
 * and one check has at most one {@code stat} in flight: while the last one has not returned, a run
 * fails at once instead of queueing another.
 */
public final class FileCheck implements HealthCheck {

  /** Where the stats run: a thread per stat in flight, kept for a minute when idle. */
  private static final ExecutorService STATS =
      Executors.newCachedThreadPool(new DefaultThreadFactory("vipd-stat", true));

  private final Path path;
  private final ScheduledExecutorService blocking;
  private final Predicate<Path> exists;
  private final Executor stats;
  private final AtomicBoolean statInFlight = new AtomicBoolean();

  /**
   * @param path the file whose existence means healthy
   * @param blocking executor for the timeout
   */
  public FileCheck(Path path, ScheduledExecutorService blocking) {
    this(path, blocking, Files::exists, STATS);
  }

  FileCheck(Path path, ScheduledExecutorService blocking, Predicate<Path> exists, Executor stats) {
    this.path = Objects.requireNonNull(path, "path");
    this.blocking = Objects.requireNonNull(blocking, "blocking");
    this.exists = exists;
    this.stats = stats;
  }

  @Override
  public CompletableFuture<CheckResult> run(Duration timeout) {
    long start = System.nanoTime();
    CompletableFuture<CheckResult> result = new CompletableFuture<>();
    if (!statInFlight.compareAndSet(false, true)) {
      result.complete(
          CheckResult.unhealthy(
              "the last stat of " + path + " has not returned (file system hung?)", 0));
      return result;
    }
    try {
      stats.execute(
          () -> {
            boolean there;
            try {
              there = exists.test(path);
            } finally {
              statInFlight.set(false);
            }
            long nanos = System.nanoTime() - start;
            result.complete(
                there
                    ? CheckResult.healthy("file exists", nanos)
                    : CheckResult.unhealthy("file missing: " + path, nanos));
          });
      blocking.schedule(
          () ->
              result.complete(
                  CheckResult.unhealthy(
                      "timeout after " + timeout.toMillis() + " ms (stat " + path + ")",
                      System.nanoTime() - start)),
          timeout.toNanos(),
          TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      statInFlight.set(false);
      result.complete(CheckResult.unhealthy("cannot check: executor shut down", 0));
    }
    return result;
  }

  @Override
  public String describe() {
    return "file " + path;
  }
}
