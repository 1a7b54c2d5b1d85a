package io.vipd.daemon.notify;

import io.vipd.daemon.config.NotifyConfig;
import io.vipd.daemon.text.ShellWords;
import io.vipd.health.ChildProcesses;
import io.vipd.health.ScriptOutput;
import io.vipd.vrrp.router.Transition;
import io.vipd.vrrp.router.VirtualRouterListener;
import io.vipd.vrrp.router.VrrpState;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an instance's notify scripts on its state changes, as keepalived does: {@code notify.master}
 * / {@code backup} / {@code fault} / {@code stop} run as written; {@code notify.any} gets {@code
 * INSTANCE <name> <STATE> <priority>} appended.
 *
 * <p>Like keepalived, which forks every call, each call is started on a process of its own without
 * waiting for the previous one to finish: a script that hangs delays neither the state machine nor
 * the instance's later notifications. Calls are <em>started</em> in the order of the transitions
 * (one starter thread per instance), so a script that records its calls sees them in order unless
 * it is itself slow to do so. Each call is killed, with its children, when it outlives the timeout.
 *
 * <p>Threads: {@link #onTransition} is called on the instance's VRRP thread and only queues; the
 * starter thread forks; process exits are handled on the JDK's process reaper threads; timeouts
 * fire on a timer thread of this object.
 */
public final class NotifyScripts implements VirtualRouterListener, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger("vipd.notify");
  private static final int MAX_OUTPUT = 1024;

  /** How long {@link #close()} lets queued and running scripts finish before killing them. */
  static final Duration STOP_GRACE = Duration.ofSeconds(2);

  private final String instance;
  private final NotifyConfig config;
  private final IntSupplier priority;
  private final Duration timeout;
  private final ExecutorService starter;
  private final ScheduledExecutorService timer;

  private final Object lock = new Object();
  // guarded by lock
  private final Set<Run> running = new HashSet<>();
  // guarded by lock: set once close() gives up waiting; later starts are killed at once
  private boolean stopping;

  /**
   * @param instance the instance name
   * @param config its notify scripts
   * @param priority reads the instance's current effective priority (for notify.any)
   * @param timeout how long one call of a script may run
   */
  public NotifyScripts(
      String instance, NotifyConfig config, IntSupplier priority, Duration timeout) {
    this.instance = instance;
    this.config = config;
    this.priority = priority;
    this.timeout = timeout;
    this.starter = Executors.newSingleThreadExecutor(r -> daemon(r, "notify-" + instance));
    ScheduledThreadPoolExecutor t =
        new ScheduledThreadPoolExecutor(1, r -> daemon(r, "notify-timeout-" + instance));
    // a retire shuts the timer down while calls may still run under their own timeout: their
    // output files are still cut back meanwhile (each call's trimming ends with the call)
    t.setContinueExistingPeriodicTasksAfterShutdownPolicy(true);
    t.setRemoveOnCancelPolicy(true);
    this.timer = t;
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  @Override
  public void onTransition(Transition transition) {
    String state = keepalivedState(transition.to());
    if (state == null) {
      return;
    }
    int prio = priority.getAsInt();
    specific(transition.to()).ifPresent(script -> submit(ShellWords.split(script)));
    config
        .any()
        .ifPresent(
            script -> {
              List<String> argv = new ArrayList<>(ShellWords.split(script));
              argv.addAll(List.of("INSTANCE", instance, state, Integer.toString(prio)));
              submit(argv);
            });
  }

  private Optional<String> specific(VrrpState to) {
    switch (to) {
      case MASTER:
        return config.master();
      case BACKUP:
        return config.backup();
      case FAULT:
        return config.fault();
      case INITIALIZE:
        return config.stop();
      default:
        return Optional.empty();
    }
  }

  /** keepalived's state words; INITIALIZE is reached only by stopping. */
  private static String keepalivedState(VrrpState s) {
    switch (s) {
      case MASTER:
        return "MASTER";
      case BACKUP:
        return "BACKUP";
      case FAULT:
        return "FAULT";
      case INITIALIZE:
        return "STOP";
      default:
        return null;
    }
  }

  private void submit(List<String> argv) {
    if (argv.isEmpty()) {
      return;
    }
    try {
      starter.execute(() -> start(argv));
    } catch (RejectedExecutionException e) {
      // Closed: a reload replaced these scripts (or vipd is stopping) while the VRRP thread was
      // reporting a transition. The state machine must not die of it.
      LOG.warn(
          "({}) notify script {} not run: its scripts were replaced or stopped", instance, argv);
    }
  }

  /** On the starter thread: forks one call and returns at once. */
  private void start(List<String> argv) {
    ScriptOutput output = null;
    try {
      output = ScriptOutput.create("vipd-notify", 0); // the tail is what is logged
      Process p =
          ChildProcesses.start(
              new ProcessBuilder(argv)
                  .redirectErrorStream(true)
                  .redirectOutput(output.redirect())
                  .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))));
      Run run = new Run(argv, p, output);
      output.trimWhileRunning(timer);
      synchronized (lock) {
        if (stopping) {
          run.kill("vipd is stopping");
        } else {
          running.add(run);
          run.timeout =
              timer.schedule(
                  () -> run.kill("timed out after " + timeout.toMillis() + " ms"),
                  timeout.toMillis(),
                  TimeUnit.MILLISECONDS);
        }
      }
      p.onExit().whenComplete((exited, error) -> finish(run));
    } catch (IOException e) {
      LOG.warn("({}) notify script {} could not run: {}", instance, argv, e.getMessage());
      if (output != null) {
        output.close();
      }
    }
  }

  /** On a process reaper thread (or the starter, if the call already ended): logs and cleans up. */
  private void finish(Run run) {
    synchronized (lock) {
      running.remove(run);
      if (run.timeout != null) {
        run.timeout.cancel(false);
      }
    }
    run.output.stopTrimming();
    String out = tail(run.output.path());
    String killed = run.killed.get();
    if (killed != null) {
      LOG.warn("({}) notify script {} killed: {}{}", instance, run.argv, killed, out);
    } else if (run.process.exitValue() == 0) {
      LOG.info("({}) notify script {} exited 0{}", instance, run.argv, out);
    } else {
      LOG.warn(
          "({}) notify script {} exited {}{}", instance, run.argv, run.process.exitValue(), out);
    }
    run.output.close();
  }

  /** The last {@link #MAX_OUTPUT} bytes of a call's output, on one line, or "". */
  private static String tail(Path output) {
    try (FileChannel ch = FileChannel.open(output, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size == 0) {
        return "";
      }
      ByteBuffer buf = ByteBuffer.allocate((int) Math.min(size, MAX_OUTPUT));
      long from = size - buf.capacity();
      while (buf.hasRemaining() && ch.read(buf, from + buf.position()) > 0) {
        // reads until the buffer is full or the file ends
      }
      String text = new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8).strip();
      return ": " + text.replace('\n', '|');
    } catch (IOException e) {
      return "";
    }
  }

  /**
   * A reload replaced or removed these scripts: calls already queued or running go on under their
   * own timeout, as keepalived lets a script run out across a reload (a {@code notify.master} that
   * moves a route must not be cut by an unrelated change); nothing new is accepted. Returns at
   * once; {@link #close} still ends whatever runs when vipd stops.
   */
  public void retire() {
    starter.shutdown(); // what is queued still starts
    Thread t =
        new Thread(
            () -> {
              try {
                starter.awaitTermination(timeout.toMillis() + 60_000, TimeUnit.MILLISECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              // the running calls' timeouts still fire; the timer's thread ends after the last
              timer.shutdown();
            },
            "notify-retire-" + instance);
    t.setDaemon(true);
    t.start();
  }

  /** Whether nothing is queued or running any more (after {@link #retire}). */
  public boolean idle() {
    synchronized (lock) {
      return starter.isTerminated() && running.isEmpty();
    }
  }

  /**
   * Lets queued calls (typically {@code notify.stop}) start and running ones finish for at most
   * {@link #STOP_GRACE} (or the script timeout, if shorter), then kills those still running and
   * drops the rest: a hanging script must not hold up vipd's stop, nor outlive it.
   */
  @Override
  public void close() {
    long graceNanos = Math.min(timeout.toNanos(), STOP_GRACE.toNanos());
    long deadline = System.nanoTime() + graceNanos;
    starter.shutdown();
    try {
      if (!starter.awaitTermination(graceNanos, TimeUnit.NANOSECONDS)) {
        List<Runnable> dropped = starter.shutdownNow();
        if (!dropped.isEmpty()) {
          LOG.warn(
              "({}) {} notify script call(s) dropped: vipd is stopping", instance, dropped.size());
        }
      }
      for (Run run : snapshot()) {
        awaitExit(run, Math.max(0, deadline - System.nanoTime()));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      starter.shutdownNow();
    }
    List<Run> left;
    synchronized (lock) {
      stopping = true;
      left = new ArrayList<>(running);
    }
    left.forEach(run -> run.kill("vipd is stopping"));
    timer.shutdownNow();
    // Lets the reaper log the kills and delete the output files before vipd exits.
    for (Run run : left) {
      try {
        awaitExit(run, TimeUnit.SECONDS.toNanos(1));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
  }

  private List<Run> snapshot() {
    synchronized (lock) {
      return new ArrayList<>(running);
    }
  }

  private static void awaitExit(Run run, long nanos) throws InterruptedException {
    try {
      run.process.onExit().get(nanos, TimeUnit.NANOSECONDS);
    } catch (TimeoutException | ExecutionException e) {
      // Still running: close() kills it.
    }
  }

  /** One call of a script: its process, its output file, and why it was killed, if it was. */
  private static final class Run {
    final List<String> argv;
    final Process process;
    final ScriptOutput output;
    final AtomicReference<String> killed = new AtomicReference<>();
    // guarded by NotifyScripts.lock
    ScheduledFuture<?> timeout;

    Run(List<String> argv, Process process, ScriptOutput output) {
      this.argv = argv;
      this.process = process;
      this.output = output;
    }

    /** Kills the call and its children (SIGKILL); the first reason given is the one logged. */
    void kill(String reason) {
      if (!process.isAlive()) {
        return;
      }
      killed.compareAndSet(null, reason);
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
  }
}
