package io.vipd.health.check;

import io.netty.util.concurrent.DefaultThreadFactory;
import io.vipd.health.CheckResult;
import io.vipd.health.HealthCheck;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Healthy while a file exists (an operator's switch, in the spirit of keepalived's {@code
 * track_file}, which reads a number; here only existence counts).
 *
 * <p>The {@code stat} can hang for good on a hung file system (NFS). It runs on threads of its own,
 * never on the shared blocking executor, whose threads exec checks and every timeout timer need;
 * and a path has at most one {@code stat} in flight, whichever check (or reload's new check of the
 * same path) asks: a run while one has not returned waits for that one, up to its timeout, instead
 * of starting another, and once that one has been out longer than a run's timeout a run fails at
 * once without waiting on it. So a hung mount costs one thread per path, not one per run or per
 * reload, nor a waiting callback per run.
 */
public final class FileCheck implements HealthCheck {

  /** Where the stats run: a thread per stat in flight, kept for a minute when idle. */
  private static final ExecutorService STATS =
      Executors.newCachedThreadPool(new DefaultThreadFactory("vipd-stat", true));

  /** The stat in flight per path, shared by every check of that path. */
  private static final ConcurrentHashMap<Path, Stat> IN_FLIGHT = new ConcurrentHashMap<>();

  /** A stat in flight: whether the file is there, once known, and since when it runs. */
  private record Stat(CompletableFuture<Boolean> done, long sinceNanos) {}

  private final Path path;
  private final ScheduledExecutorService blocking;
  private final Predicate<Path> exists;
  private final Executor stats;

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
    Stat mine = new Stat(new CompletableFuture<>(), start);
    Stat running = IN_FLIGHT.putIfAbsent(path, mine);
    boolean joined = running != null;
    CompletableFuture<Boolean> stat = joined ? running.done() : mine.done();
    if (!joined) {
      launch(mine);
    } else if (!stat.isDone() && start - running.sinceNanos() > timeout.toNanos()) {
      // hung for longer than a run may wait: said at once, and nothing is left waiting on it (a
      // callback per run would pile up on the hung stat for as long as the mount hangs)
      result.complete(
          CheckResult.unhealthy(
              "the last stat of " + path + " has not returned (file system hung?)", 0));
      return result;
    }
    stat.whenComplete(
        (there, error) -> {
          long nanos = System.nanoTime() - start;
          result.complete(
              error != null
                  ? CheckResult.unhealthy("cannot check: " + error.getMessage(), nanos)
                  : there
                      ? CheckResult.healthy("file exists", nanos)
                      : CheckResult.unhealthy("file missing: " + path, nanos));
        });
    if (!result.isDone()) {
      try {
        blocking.schedule(
            () ->
                result.complete(
                    CheckResult.unhealthy(
                        joined
                            ? "the last stat of " + path + " has not returned (file system hung?)"
                            : "timeout after " + timeout.toMillis() + " ms (stat " + path + ")",
                        System.nanoTime() - start)),
            timeout.toNanos(),
            TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException e) {
        result.complete(CheckResult.unhealthy("cannot check: executor shut down", 0));
      }
    }
    return result;
  }

  /** Starts the stat that {@code stat} waits for; it leaves {@link #IN_FLIGHT} as it ends. */
  private void launch(Stat stat) {
    try {
      stats.execute(
          () -> {
            boolean there;
            try {
              there = exists.test(path);
            } catch (RuntimeException | Error e) {
              IN_FLIGHT.remove(path, stat);
              stat.done().completeExceptionally(e);
              return;
            }
            // out of the map before it completes: a run that sees it done starts a fresh stat
            IN_FLIGHT.remove(path, stat);
            stat.done().complete(there);
          });
    } catch (RuntimeException | Error e) { // rejected, or no thread to be had
      IN_FLIGHT.remove(path, stat);
      stat.done().completeExceptionally(new IllegalStateException("cannot start the stat: " + e));
    }
  }

  @Override
  public String describe() {
    return "file " + path;
  }
}
