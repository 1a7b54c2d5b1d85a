package io.vipd.daemon.demo;

import io.vipd.health.ChildProcesses;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * One vipd of the demo: {@code ip netns exec <ns> java -cp <this JVM's class path>
 * io.vipd.daemon.Main run --config FILE}, output appended to a log file. {@code ip netns exec}
 * execs the JVM, so the process handle is vipd itself and signals reach it directly.
 *
 * <p>Used by the demo's main thread; {@link #close()} may also run from the shutdown hook.
 */
final class DemoNode implements AutoCloseable {

  private static final Duration POLL = Duration.ofMillis(50);

  private final int number;
  private final Path log;
  private final Process process;
  private final String what;

  private DemoNode(int number, Path log, Process process, String what) {
    this.what = what;
    this.number = number;
    this.log = log;
    this.process = process;
  }

  /** Starts vipd for {@code config} in {@code namespace}; returns without waiting for it. */
  static DemoNode start(int number, String namespace, Path config, Path log) throws DemoFailure {
    return startJava(
        number,
        namespace,
        log,
        List.of("io.vipd.daemon.Main", "run", "--config", config.toString()),
        "vipd");
  }

  /**
   * Starts a JVM running {@code mainAndArgs} (a main class of this class path and its arguments) in
   * {@code namespace}, output appended to {@code log}; {@code what} names it in errors.
   */
  static DemoNode startJava(
      int number, String namespace, Path log, List<String> mainAndArgs, String what)
      throws DemoFailure {
    List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
    argv.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // A small, quick-starting JVM: the demo runs three of them on what may be a small machine.
    argv.addAll(
        List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-Xmx64m", "-cp"));
    argv.add(System.getProperty("java.class.path"));
    argv.addAll(mainAndArgs);
    try {
      Process p =
          ChildProcesses.start(
              new ProcessBuilder(argv)
                  .redirectErrorStream(true)
                  .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                  .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))));
      return new DemoNode(number, log, p, what);
    } catch (IOException e) {
      throw new DemoFailure("cannot start " + what + " on node " + number + ": " + e.getMessage());
    }
  }

  int number() {
    return number;
  }

  Path log() {
    return log;
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Waits until the log contains {@code text}; fails if vipd exits first or time runs out. */
  void awaitLog(String text, Duration timeout) throws DemoFailure {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (logText().contains(text)) {
        return;
      }
      if (!process.isAlive()) {
        throw new DemoFailure(
            what
                + " on node "
                + number
                + " exited with status "
                + process.exitValue()
                + "; see log");
      }
      if (System.nanoTime() > deadline) {
        throw new DemoFailure(
            what + " on node " + number + " did not log \"" + text + "\" within " + timeout);
      }
      Sleep.of(POLL);
    }
  }

  /** Sends SIGTERM: vipd gives up mastership (priority 0), removes its VIPs and exits. */
  void terminate() {
    process.destroy();
  }

  /** Sends SIGKILL: vipd dies on the spot, leaving its VIPs configured. */
  void kill() {
    process.destroyForcibly();
  }

  /** Waits for exit; returns the status, or -1 if still running after {@code timeout}. */
  int awaitExit(Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** The log lines that match {@code filter}, in order. */
  List<String> logLines(Predicate<String> filter) {
    return logText().lines().filter(filter).toList();
  }

  /** The last {@code n} log lines. */
  List<String> tail(int n) {
    List<String> lines = logText().lines().toList();
    return lines.subList(Math.max(0, lines.size() - n), lines.size());
  }

  private String logText() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  /** Stops vipd if it still runs: SIGTERM, then SIGKILL after 3 s. Idempotent, bounded. */
  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    if (awaitExit(Duration.ofSeconds(3)) == -1) {
      process.destroyForcibly();
      awaitExit(Duration.ofSeconds(2));
    }
  }
}
