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
 *       starting another: a hung program costs one thread and one process, not one per run. A run
 *       that comes while the previous one's process is merely ending (signalled at its timeout)
 *       waits for it, up to its own timeout, as keepalived does not run a script again while it
 *       still runs. The exit is observed through {@link Process#onExit()}; the timers and the
 *       output read run on {@code blocking}.
 * </ul>
 */
public final class ExecCheck implements HealthCheck {

  /** Bytes of output kept for the detail. */
  public static final int MAX_OUTPUT = 512;

  private static final File DEV_NULL = new File("/dev/null");

  /** How often the output of a run whose background children live on is checked for them. */
  static final Duration LEFTOVER_CHECK_PERIOD = Duration.ofSeconds(1);

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

  /** When {@link #previous} was sent SIGKILL ({@link System#nanoTime}), 0 if it was not. */
  private volatile long previousKilledAt;

  /** Alive this long after its SIGKILL, a process is stuck in the kernel, not merely ending. */
  private static final long STUCK_AFTER_KILL_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

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
      long killed = previousKilledAt;
      if (killed != 0 && start - killed > STUCK_AFTER_KILL_NANOS) {
        result.complete(
            CheckResult.unhealthy(
                "not started: the previous run (pid "
                    + last.pid()
                    + ") outlived its SIGKILL (stuck in the kernel: a hung file system?)",
                0));
        return result;
      }
      // timed out and signalled, or just ending: this run waits for it, up to its own timeout
      last.onExit()
          .copy()
          .orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS)
          .whenComplete(
              (p, notEnded) -> {
                if (notEnded == null) {
                  begin(timeout, result);
                } else {
                  result.complete(
                      CheckResult.unhealthy(
                          "not started: the previous run (pid "
                              + last.pid()
                              + ") has not ended within "
                              + timeout.toMillis()
                              + " ms",
                          System.nanoTime() - start));
                }
              });
      return result;
    }
    begin(timeout, result);
    return result;
  }

  /** Starts a run on {@link #starts}, unless the previous start has not returned. */
  private void begin(Duration timeout, CompletableFuture<CheckResult> result) {
    long start = System.nanoTime();
    if (!starting.compareAndSet(false, true)) {
      result.complete(
          CheckResult.unhealthy(
              "not started: the previous start of "
                  + argv.get(0)
                  + " has not returned (a hung file system?)",
              0));
      return;
    }
    try {
      starts.execute(
          () -> {
            CheckResult failed;
            try {
              failed = launch(timeout, start, result);
            } finally {
              starting.set(false); // before the result: the next run may follow at once
            }
            if (failed != null) {
              result.complete(failed);
            }
          });
    } catch (RuntimeException | Error e) { // rejected, or no thread to be had
      starting.set(false);
      result.complete(CheckResult.unhealthy("cannot start: " + e, 0));
    }
  }

  /**
   * Starts the process and arms its timers, which complete {@code result}; or returns why it could
   * not start (the caller completes the result with it once the start is no longer under way).
   */
  private CheckResult launch(Duration timeout, long start, CompletableFuture<CheckResult> result) {
    String program = argv.get(0);
    if (program.contains("/") && !executable.test(Path.of(program))) {
      // said as the JDK would say it, not as setsid's "failed to execute" with exit 127
      return CheckResult.unhealthy(
          "cannot start: "
              + program
              + (Files.exists(Path.of(program)) ? ": not executable" : ": no such file"),
          System.nanoTime() - start);
    }
    ScriptOutput output;
    Process process;
    try {
      output = ScriptOutput.create("vipd-exec-", MAX_OUTPUT);
    } catch (IOException e) {
      return CheckResult.unhealthy("cannot create output file: " + e.getMessage(), 0);
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
      return CheckResult.unhealthy(
          FailureText.bounded("cannot start: " + e.getMessage()), System.nanoTime() - start);
    }
    previousKilledAt = 0;
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
      return CheckResult.unhealthy("cannot start: executor shut down", 0);
    }
    process
        .onExit()
        .thenRunAsync(
            () -> {
              timer.cancel(false);
              output.stopTrimming();
              String text = readHead(output.path());
              leftovers(process, output);
              if (!timedOut.get()) {
                result.complete(exitResult(process.exitValue(), text, System.nanoTime() - start));
              }
            },
            blocking);
    return null;
  }

  /**
   * Deletes the output once nothing of the run's process group is left: a background child the
   * script left behind (its group is the leader's pid) may still write there, and is cut back
   * meanwhile. Without setsid there is no group to follow: deleted at once.
   */
  private void leftovers(Process process, ScriptOutput output) {
    if (ProcessGroup.SETSID.isEmpty()) {
      output.close();
      return;
    }
    long group = process.pid();
    output.closeWhenUnused(blocking, () -> ProcessGroup.hasMembers(group), LEFTOVER_CHECK_PERIOD);
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
          () -> {
            killed(process);
            ProcessGroup.signal(group, true);
          },
          KILL_GRACE.toNanos(),
          TimeUnit.NANOSECONDS);
    } else {
      killed(process);
      what = "killed " + killTree(process) + " processes";
    }
    result.complete(
        CheckResult.unhealthy(
            "timeout after " + timeout.toMillis() + " ms (" + what + ")",
            System.nanoTime() - start));
  }

  /** {@code process}, this check's last, is sent SIGKILL now. */
  private void killed(Process process) {
    if (previous == process) {
      previousKilledAt = System.nanoTime();
    }
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
