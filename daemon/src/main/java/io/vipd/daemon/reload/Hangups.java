package io.vipd.daemon.reload;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Merges SIGHUPs: those that come while a reload runs ask for one more reload after it, however
 * many they are. One more, not none: the file may have changed after the running reload read it.
 * Without this, each signal was a reload of its own, run one after the other (a configuration tool
 * that reloads once per file it writes queued as many).
 *
 * <p>Thread-safe; the JVM delivers each signal on a thread of its own, and the thread that finds no
 * reload running runs them all.
 */
public final class Hangups {
  private static final int IDLE = 0;
  private static final int RUNNING = 1;
  private static final int AGAIN = 2;

  private final AtomicInteger state = new AtomicInteger(IDLE);

  /**
   * Runs {@code reload} now, and again as long as signals came while it ran; or, if a reload is
   * running on another thread, asks it for one more and returns at once.
   *
   * @return false if the signal was merged into a running reload's next round
   */
  public boolean signal(Runnable reload) {
    if (state.getAndUpdate(s -> s == IDLE ? RUNNING : AGAIN) != IDLE) {
      return false;
    }
    boolean done = false;
    try {
      do {
        reload.run();
      } while (state.getAndUpdate(s -> s == AGAIN ? RUNNING : IDLE) == AGAIN);
      done = true;
    } finally {
      if (!done) {
        state.set(IDLE); // a reload that threw must not leave every later SIGHUP ignored
      }
    }
    return true;
  }
}
