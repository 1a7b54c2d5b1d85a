package io.vipd.daemon.demo;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Undo actions of the demo (stop processes, delete namespaces, delete files), run once in reverse
 * order: at the end, on failure, or from a JVM shutdown hook when the user presses Ctrl-C.
 *
 * <p>Thread-safe: the main thread and the shutdown hook may both call {@link #run()}; the second
 * caller waits for the first and finds nothing left to do. Each action is itself bounded.
 */
final class Cleanup implements AutoCloseable {

  private final Deque<Runnable> actions = new ArrayDeque<>();
  private final Thread hook;
  private volatile boolean byHook;

  Cleanup() {
    this.hook = new Thread(this::runFromHook, "vipd-demo-cleanup");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /** Adds an action, run before those added earlier. */
  synchronized void add(Runnable action) {
    actions.push(action);
  }

  /** Whether the shutdown hook (Ctrl-C, SIGTERM) started the cleanup. */
  boolean byHook() {
    return byHook;
  }

  /** Runs every pending action once; a failing action does not stop the others. */
  synchronized void run() {
    while (!actions.isEmpty()) {
      Runnable action = actions.pop();
      try {
        action.run();
      } catch (RuntimeException e) {
        System.err.println("vipd demo: cleanup step failed: " + e);
      }
    }
  }

  private void runFromHook() {
    byHook = true;
    boolean pending;
    synchronized (this) {
      pending = !actions.isEmpty();
    }
    if (pending) {
      System.err.println("\nvipd demo: interrupted; removing the demo's processes and namespaces");
    }
    run();
    if (pending) {
      System.err.println("vipd demo: cleaned up");
    }
  }

  /** Runs what is left and removes the shutdown hook. */
  @Override
  public void close() {
    run();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // The hook is running or has run.
    }
  }
}
