package io.vipd.daemon.notify;

import io.vipd.daemon.config.NotifyConfig;
import io.vipd.daemon.text.ShellWords;
import io.vipd.vrrp.router.Transition;
import io.vipd.vrrp.router.VirtualRouterListener;
import io.vipd.vrrp.router.VrrpState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an instance's notify scripts on its state changes, as keepalived does: {@code notify.master}
 * / {@code backup} / {@code fault} / {@code stop} run as written; {@code notify.any} gets {@code
 * INSTANCE <name> <STATE> <priority>} appended. Scripts run one at a time per instance, in the
 * order of the transitions, on a thread of their own: a script that hangs or fails never delays the
 * state machine. Each run is bounded by a timeout after which the script and its children are
 * killed.
 */
public final class NotifyScripts implements VirtualRouterListener, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger("vipd.notify");
  private static final int MAX_OUTPUT = 1024;

  /** How long {@link #close()} lets queued scripts run before killing them. */
  static final Duration STOP_GRACE = Duration.ofSeconds(2);

  private final String instance;
  private final NotifyConfig config;
  private final IntSupplier priority;
  private final Duration timeout;
  private final ExecutorService runner;

  /**
   * @param instance the instance name
   * @param config its notify scripts
   * @param priority reads the instance's current effective priority (for notify.any)
   * @param timeout how long one script may run
   */
  public NotifyScripts(
      String instance, NotifyConfig config, IntSupplier priority, Duration timeout) {
    this.instance = instance;
    this.config = config;
    this.priority = priority;
    this.timeout = timeout;
    this.runner =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "notify-" + instance);
              t.setDaemon(true);
              return t;
            });
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
      runner.execute(() -> run(argv));
    } catch (RejectedExecutionException e) {
      // Closed: a reload replaced these scripts (or vipd is stopping) while the VRRP thread was
      // reporting a transition. The state machine must not die of it.
      LOG.warn(
          "({}) notify script {} not run: its scripts were replaced or stopped", instance, argv);
    }
  }

  private void run(List<String> argv) {
    Path output = null;
    Process p = null;
    try {
      output = Files.createTempFile("vipd-notify", ".out");
      p =
          new ProcessBuilder(argv)
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
      boolean done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!done) {
        kill(p);
        LOG.warn("({}) notify script {} killed after {} ms", instance, argv, timeout.toMillis());
        return;
      }
      String out = tail(output);
      if (p.exitValue() == 0) {
        LOG.info("({}) notify script {} exited 0{}", instance, argv, out);
      } else {
        LOG.warn("({}) notify script {} exited {}{}", instance, argv, p.exitValue(), out);
      }
    } catch (IOException e) {
      LOG.warn("({}) notify script {} could not run: {}", instance, argv, e.getMessage());
    } catch (InterruptedException e) {
      // Stopping: a script still running is not left behind as an orphan.
      if (p != null && p.isAlive()) {
        kill(p);
        LOG.warn("({}) notify script {} killed: vipd is stopping", instance, argv);
      }
      Thread.currentThread().interrupt();
    } finally {
      if (output != null) {
        try {
          Files.deleteIfExists(output);
        } catch (IOException e) {
          LOG.debug("could not delete {}", output);
        }
      }
    }
  }

  private static void kill(Process p) {
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
  }

  private static String tail(Path output) throws IOException {
    byte[] bytes = Files.readAllBytes(output);
    if (bytes.length == 0) {
      return "";
    }
    int from = Math.max(0, bytes.length - MAX_OUTPUT);
    String text = new String(bytes, from, bytes.length - from, StandardCharsets.UTF_8).strip();
    return ": " + text.replace('\n', '|');
  }

  /**
   * Lets queued scripts (typically {@code notify.stop}) finish for at most {@link #STOP_GRACE} (or
   * the script timeout, if shorter), then kills the running script and drops the rest: a hanging
   * script must not hold up vipd's stop, nor outlive it.
   */
  @Override
  public void close() {
    runner.shutdown();
    long graceMillis = Math.min(timeout.toMillis(), STOP_GRACE.toMillis());
    try {
      if (!runner.awaitTermination(graceMillis, TimeUnit.MILLISECONDS)) {
        List<Runnable> dropped = runner.shutdownNow();
        if (!dropped.isEmpty()) {
          LOG.warn(
              "({}) {} notify script run(s) dropped: vipd is stopping", instance, dropped.size());
        }
        runner.awaitTermination(1, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      runner.shutdownNow();
    }
  }
}
