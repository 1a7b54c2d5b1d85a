package io.vipd.vrrp.linux;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A process started by {@link NetnsLan#start}, with stdout and stderr captured to files that are
 * deleted on {@link #close()}.
 */
public final class Background implements AutoCloseable {

  private static final long POLL_MILLIS = 20;

  private final Process process;
  private final Path stdout;
  private final Path stderr;
  private final String description;

  private Background(Process process, Path stdout, Path stderr, String description) {
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
    this.description = description;
  }

  static Background start(List<String> argv) throws IOException {
    Path out = Files.createTempFile("netns-bg-out", ".txt");
    Path err = Files.createTempFile("netns-bg-err", ".txt");
    Process p =
        new ProcessBuilder(argv)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .start();
    return new Background(p, out, err, String.join(" ", argv));
  }

  /** Everything the process wrote to stdout so far. */
  public String stdout() throws IOException {
    return Files.readString(stdout, StandardCharsets.UTF_8);
  }

  /** Everything the process wrote to stderr so far. */
  public String stderr() throws IOException {
    return Files.readString(stderr, StandardCharsets.UTF_8);
  }

  /** The process, e.g. to write to its stdin or read its exit code. */
  public Process process() {
    return process;
  }

  /**
   * Waits until stdout or stderr contains {@code text}.
   *
   * @throws IOException when it does not appear in time or the process exits first
   */
  public void awaitOutput(String text, Duration timeout) throws IOException {
    long rounds = Math.max(1, timeout.toMillis() / POLL_MILLIS);
    for (long i = 0; i < rounds; i++) {
      if (stdout().contains(text) || stderr().contains(text)) {
        return;
      }
      if (!process.isAlive()) {
        break;
      }
      sleep(POLL_MILLIS);
    }
    if (stdout().contains(text) || stderr().contains(text)) {
      return;
    }
    throw new IOException(
        "'"
            + text
            + "' not seen from "
            + description
            + (process.isAlive() ? "" : " (exited " + process.exitValue() + ")")
            + "\nstdout: "
            + stdout()
            + "\nstderr: "
            + stderr());
  }

  /** Waits for the process to exit by itself; returns its exit code. */
  public int awaitExit(Duration timeout) throws IOException {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IOException(description + " still running after " + timeout);
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /** Terminates the process (SIGTERM, then SIGKILL after 2 s) and deletes the output files. */
  @Override
  public void close() {
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(2, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(2, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      Files.deleteIfExists(stdout);
      Files.deleteIfExists(stderr);
    } catch (IOException e) {
      System.err.println("Background: could not delete output files: " + e);
    }
  }

  private static void sleep(long millis) throws IOException {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
