package io.vipd.health;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * A script's stdout and stderr, in a temporary file that stays small however much the script
 * writes. A file rather than a pipe, so that a background grandchild that keeps the output open
 * cannot stall the caller; but a script that loops printing (a bug, or {@code set -x} in a loop)
 * wrote until its timeout, gigabytes per run into the temporary directory of a control-plane node,
 * where keepalived sends the same output to {@code /dev/null}.
 *
 * <p>The child appends ({@code O_APPEND}), and while it runs the file is checked every {@link
 * #TRIM_EVERY_MS} ms: past {@link #LIMIT} bytes it is cut back to its first {@code keep} bytes, and
 * the child's next write lands after them. So the file holds the head of the output (what {@code
 * keep} asks for) and the latest bytes, never much more than {@link #LIMIT} plus what a script can
 * write between two checks.
 */
public final class ScriptOutput implements AutoCloseable {

  /** Past this many bytes the file is cut back. */
  public static final long LIMIT = 256 * 1024;

  static final long TRIM_EVERY_MS = 20;

  private final Path file;
  private final long keep;
  private volatile boolean cut;
  private volatile ScheduledFuture<?> trimming;

  private ScriptOutput(Path file, long keep) {
    this.file = file;
    this.keep = keep;
  }

  /**
   * A new empty file in the temporary directory.
   *
   * @param keep the bytes at the head that a cut keeps (0: only the latest output survives)
   * @throws IOException if the file cannot be created
   */
  public static ScriptOutput create(String prefix, long keep) throws IOException {
    if (keep < 0 || keep >= LIMIT) {
      throw new IllegalArgumentException("keep must be 0.." + (LIMIT - 1) + ": " + keep);
    }
    return new ScriptOutput(Files.createTempFile(prefix, ".out"), keep);
  }

  /** Where the child's output goes: appended, so that a cut file is written at its new end. */
  public ProcessBuilder.Redirect redirect() {
    return ProcessBuilder.Redirect.appendTo(file.toFile());
  }

  public Path path() {
    return file;
  }

  /** Whether output was thrown away (the file passed {@link #LIMIT} at least once). */
  public boolean wasCut() {
    return cut;
  }

  /** Checks the file every {@link #TRIM_EVERY_MS} ms on {@code timer} until {@link #close}. */
  public void trimWhileRunning(ScheduledExecutorService timer) {
    try {
      trimming =
          timer.scheduleWithFixedDelay(
              this::trim, TRIM_EVERY_MS, TRIM_EVERY_MS, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException stopping) {
      // the caller's executor is shutting down, and with it the script's run
    }
  }

  /** Cuts the file back to its first {@code keep} bytes if it is past {@link #LIMIT}. */
  void trim() {
    try {
      if (Files.size(file) <= LIMIT) {
        return;
      }
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
        ch.truncate(keep);
      }
      cut = true;
    } catch (IOException | RuntimeException e) {
      // gone (closed meanwhile) or unreadable: nothing to cut, the next check tries again
    }
  }

  /**
   * Stops the checks, before the output is read: a cut after the script's end would take what it
   * said last (with {@code keep} 0, all of it).
   */
  public void stopTrimming() {
    ScheduledFuture<?> t = trimming;
    if (t != null) {
      t.cancel(false);
    }
  }

  /**
   * Keeps the file cut back while {@code stillWritten} says something still holds it (a background
   * child the script left, which may write on after the script's end), checking that every {@code
   * period}; then closes it. Deleting it at once would leave such a child appending to a deleted
   * file that nothing cuts back and no {@code du} shows, until the disk is full.
   */
  public void closeWhenUnused(
      ScheduledExecutorService timer, BooleanSupplier stillWritten, Duration period) {
    if (!stillWritten.getAsBoolean()) {
      close();
      return;
    }
    long every = Math.max(1, period.toMillis() / TRIM_EVERY_MS);
    AtomicLong ticks = new AtomicLong();
    try {
      trimming =
          timer.scheduleWithFixedDelay(
              () -> {
                trim();
                if (ticks.incrementAndGet() % every == 0 && !stillWritten.getAsBoolean()) {
                  close();
                }
              },
              TRIM_EVERY_MS,
              TRIM_EVERY_MS,
              TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException stopping) {
      close();
    }
  }

  /** Stops the checks and deletes the file. */
  @Override
  public void close() {
    stopTrimming();
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // a leftover file in the temporary directory is harmless
    }
  }
}
