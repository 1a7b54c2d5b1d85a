package io.vipd.health.check;

import io.netty.util.concurrent.DefaultThreadFactory;
import io.vipd.health.CheckResult;
import io.vipd.health.ChildProcesses;
import io.vipd.health.HealthCheck;
import io.vipd.health.ScriptOutput;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/**
 * Runs a command; healthy when it exits 0 (keepalived's {@code vrrp_script}).
 *
 * <ul>
 *   <li>The argv is executed directly, without a shell, unless {@code shell} is set: then the words
 *       are joined with spaces and run as {@code /bin/sh -c "<joined>"}.
 *   <li>stdin is {@code /dev/null}; stdout and stderr go to a temporary file kept small ({@link
 *       ScriptOutput}: no pipe, so a background grandchild that keeps the output open cannot stall
 *       the check); the first {@link #MAX_OUTPUT} bytes end up in the detail, e.g. {@code "exit 1:
 *       disk full"}.
 *   <li>The command leads a process group of its own ({@link ProcessGroup}). On timeout the whole
 *       group gets SIGTERM, and SIGKILL {@link #KILL_GRACE} later if anything of it is left, as
 *       keepalived treats a script that times out; the result is {@code "timeout after 2000 ms
 *       (terminated 2 processes)"}. Background children the script left behind are in the group
 *       too, orphaned or not. Without setsid(1), the process and the descendants it has at that
 *       moment are killed (SIGKILL): {@code "(killed 2 processes)"}.
 *   <li>The program's check and fork/exec happen on a thread of the check's own, never on the
 *       caller's nor on {@code blocking}: a program on a hung file system (NFS) hangs its {@code
 *       stat}, and on the shared executor two such runs would stop every exec check's timers and
 *       output reads. While that start has not returned, or while the previous run's process is
 *       still alive after its SIGKILL (stuck in the kernel), a run fails at once instead of
 *       starting another, as keepalived does not run a script again while it still runs: a hung
 *       program costs one thread and one process, not one per run. The exit is observed through
 *       {@link Process#onExit()}; the timers and the output read run on {@code blocking}.
 * </ul>
 */
public final class ExecCheck implements HealthCheck {

  /** Bytes of output kept for the detail. */
  public static final int MAX_OUTPUT = 512;

  private static final File DEV_NULL = new File("/dev/null");

  /** Between SIGTERM and SIGKILL of a timed-out command's group (keepalived's is 2 s too). */
  static final Duration KILL_GRACE = Duration.ofSeconds(2);

  /** Where the starts run: a thread per start in flight, kept for a minute when idle. */
  private static final ExecutorService STARTS =
      Executors.newCachedThreadPool(new DefaultThreadFactory("vipd-exec-start", true));

  private final List<String> argv;
  private final String display;
  private final ScheduledExecutorService blocking;
  private final Predicate<Path> executable;
  private final Executor starts;

  /** A start is under way (its stat or fork/exec has not returned). */
  private final AtomicBoolean starting = new AtomicBoolean();

  /** The last run's process, or null. */
  private volatile Process previous;

  /**
   * @param command the program and its arguments (with {@code shell}, the words of a shell line)
   * @param shell run through {@code /bin/sh -c}
   * @param blocking executor for fork/exec, output reads and the timeout timer (see {@link
   *     CheckExecutors#newBlockingExecutor})
   */
  public ExecCheck(List<String> command, boolean shell, ScheduledExecutorService blocking) {
    this(command, shell, blocking, Files::isExecutable, STARTS);
  }

  /** As the public constructor, with the program's check and the starts' executor given. */
  ExecCheck(
      List<String> command,
      boolean shell,
      ScheduledExecutorService blocking,
      Predicate<Path> executable,
      Executor starts) {
    Objects.requireNonNull(command, "command");
    if (command.isEmpty()) {
      throw new IllegalArgumentException("empty command");
    }
    this.argv = shell ? List.of("/bin/sh", "-c", String.join(" ", command)) : List.copyOf(command);
    this.display = String.join(" ", argv);
    this.blocking = Objects.requireNonNull(blocking, "blocking");
    this.executable = Objects.requireNonNull(executable, "executable");
    this.starts = Objects.requireNonNull(starts, "starts");
  }

  @Override
  public CompletableFuture<CheckResult> run(Duration timeout) {
    CompletableFuture<CheckResult> result = new CompletableFuture<>();
    long start = System.nanoTime();
    Process last = previous;
    if (last != null && last.isAlive()) {
      result.complete(
          CheckResult.unhealthy(
              "not started: the previous run (pid "
                  + last.pid()
                  + ") has not ended, even after its timeout (a hung file system?)",
              0));
      return result;
    }
    if (!starting.compareAndSet(false, true)) {
      result.complete(
          CheckResult.unhealthy(
              "not started: the previous start of "
                  + argv.get(0)
                  + " has not returned (a hung"
                  + " file system?)",
              0));
      return result;
    }
    try {
      starts.execute(
          () -> {
            try {
              launch(timeout, start, result);
            } finally {
              starting.set(false);
            }
          });
    } catch (RejectedExecutionException e) {
      starting.set(false);
      result.complete(CheckResult.unhealthy("cannot start: executor shut down", 0));
    }
    return result;
  }

  private void launch(Duration timeout, long start, CompletableFuture<CheckResult> result) {
    String program = argv.get(0);
    if (program.contains("/") && !executable.test(Path.of(program))) {
      // said as the JDK would say it, not as setsid's "failed to execute" with exit 127
      result.complete(
          CheckResult.unhealthy(
              "cannot start: "
                  + program
                  + (Files.exists(Path.of(program)) ? ": not executable" : ": no such file"),
              System.nanoTime() - start));
      return;
    }
    ScriptOutput output;
    Process process;
    try {
      output = ScriptOutput.create("vipd-exec-", MAX_OUTPUT);
    } catch (IOException e) {
      result.complete(CheckResult.unhealthy("cannot create output file: " + e.getMessage(), 0));
      return;
    }
    try {
      process =
          ChildProcesses.start(
              new ProcessBuilder(ProcessGroup.leading(argv))
                  .redirectInput(DEV_NULL)
                  .redirectErrorStream(true)
                  .redirectOutput(output.redirect()));
    } catch (IOException | RuntimeException e) {
      output.close();
      result.complete(
          CheckResult.unhealthy(
              FailureText.bounded("cannot start: " + e.getMessage()), System.nanoTime() - start));
      return;
    }
    previous = process;
    AtomicBoolean timedOut = new AtomicBoolean();
    ScheduledFuture<?> timer;
    try {
      output.trimWhileRunning(blocking);
      timer =
          blocking.schedule(
              () -> onTimeout(process, timeout, start, timedOut, result),
              timeout.toNanos() - (System.nanoTime() - start),
              TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      killTree(process); // shutting down: nothing would time it out
      output.close();
      result.complete(CheckResult.unhealthy("cannot start: executor shut down", 0));
      return;
    }
    process
        .onExit()
        .thenRunAsync(
            () -> {
              timer.cancel(false);
              output.stopTrimming();
              String text = readHead(output.path());
              output.close();
              if (!timedOut.get()) {
                result.complete(exitResult(process.exitValue(), text, System.nanoTime() - start));
              }
            },
            blocking);
  }

  private void onTimeout(
      Process process,
      Duration timeout,
      long start,
      AtomicBoolean timedOut,
      CompletableFuture<CheckResult> result) {
    if (!process.isAlive()) {
      return; // exited just now; onExit reports it
    }
    timedOut.set(true);
    String what;
    if (ProcessGroup.SETSID.isPresent()) {
      long group = process.pid(); // the leader's pid is the group's id
      what = "terminated " + ProcessGroup.signal(group, false) + " processes";
      blocking.schedule(
          () -> ProcessGroup.signal(group, true), KILL_GRACE.toNanos(), TimeUnit.NANOSECONDS);
    } else {
      what = "killed " + killTree(process) + " processes";
    }
    result.complete(
        CheckResult.unhealthy(
            "timeout after " + timeout.toMillis() + " ms (" + what + ")",
            System.nanoTime() - start));
  }

  /** Kills the process and the descendants it has now; returns how many were signalled. */
  static int killTree(Process process) {
    List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
    int killed = 0;
    if (process.isAlive()) {
      process.destroyForcibly();
      killed++;
    }
    for (ProcessHandle child : tree) {
      if (child.isAlive() && child.destroyForcibly()) {
        killed++;
      }
    }
    return killed;
  }

  private static CheckResult exitResult(int exit, String output, long nanos) {
    String detail = "exit " + exit + (output.isEmpty() ? "" : ": " + output);
    return exit == 0 ? CheckResult.healthy(detail, nanos) : CheckResult.unhealthy(detail, nanos);
  }

  private static String readHead(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] head = in.readNBytes(MAX_OUTPUT);
      return new String(head, StandardCharsets.UTF_8).replaceAll("\\s+", " ").trim();
    } catch (IOException e) {
      return "";
    }
  }

  @Override
  public String describe() {
    return "exec " + display;
  }
}
