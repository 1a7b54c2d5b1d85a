package io.vipd.health.check;

import io.vipd.health.CheckResult;
import io.vipd.health.HealthCheck;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Healthy while a file exists (an operator's switch, in the spirit of keepalived's {@code
 * track_file}, which reads a number; here only existence counts). The {@code stat} runs on the
 * blocking executor because a file system can hang (NFS).
 */
public final class FileCheck implements HealthCheck {

  private final Path path;
  private final ScheduledExecutorService blocking;

  /**
   * @param path the file whose existence means healthy
   * @param blocking executor for the {@code stat} and the timeout
   */
  public FileCheck(Path path, ScheduledExecutorService blocking) {
    this.path = Objects.requireNonNull(path, "path");
    this.blocking = Objects.requireNonNull(blocking, "blocking");
  }

  @Override
  public CompletableFuture<CheckResult> run(Duration timeout) {
    long start = System.nanoTime();
    CompletableFuture<CheckResult> result = new CompletableFuture<>();
    try {
      blocking.execute(
          () -> {
            boolean exists = Files.exists(path);
            long nanos = System.nanoTime() - start;
            result.complete(
                exists
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
      result.complete(CheckResult.unhealthy("cannot check: executor shut down", 0));
    }
    return result;
  }

  @Override
  public String describe() {
    return "file " + path;
  }
}
