package io.vipd.daemon.demo;

import io.vipd.health.ChildProcesses;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs short external commands ({@code ip}, {@code ping}) with a bounded wait. Output goes to
 * temporary files rather than pipes so that a chatty command can never block on a full pipe.
 * Thread-safe (no state).
 */
final class Commands {

  /** The default bound for one command. */
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  private Commands() {}

  /** Runs {@code argv} and waits at most {@link #TIMEOUT}. */
  static Result run(String... argv) throws DemoFailure {
    return run(TIMEOUT, List.of(argv));
  }

  /**
   * Runs {@code argv}, waiting at most {@code timeout}; a command still running then is killed and
   * reported as a {@link DemoFailure}.
   */
  static Result run(Duration timeout, List<String> argv) throws DemoFailure {
    Path out = null;
    Path err = null;
    try {
      out = Files.createTempFile("vipd-demo-cmd", ".out");
      err = Files.createTempFile("vipd-demo-cmd", ".err");
      Process p =
          ChildProcesses.start(
              new ProcessBuilder(argv)
                  .redirectOutput(out.toFile())
                  .redirectError(err.toFile())
                  .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))));
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new DemoFailure(String.join(" ", argv) + " did not finish within " + timeout);
      }
      return new Result(
          p.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new DemoFailure("cannot run " + String.join(" ", argv) + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DemoFailure("interrupted while running " + String.join(" ", argv));
    } finally {
      deleteQuietly(out);
      deleteQuietly(err);
    }
  }

  /** Runs {@code argv} and fails with its error output unless it exits 0; returns stdout. */
  static String check(String... argv) throws DemoFailure {
    Result r = run(argv);
    if (r.exitCode() != 0) {
      throw new DemoFailure(
          String.join(" ", argv) + " failed (exit " + r.exitCode() + "): " + r.stderr().trim());
    }
    return r.stdout();
  }

  private static void deleteQuietly(Path p) {
    if (p == null) {
      return;
    }
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      // A leftover file in the temp directory is harmless.
    }
  }

  /** A finished command. */
  record Result(int exitCode, String stdout, String stderr) {}
}
