package io.vipd.proxy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Listeners whose accept(2) failed for want of a descriptor or of memory (EMFILE, ENFILE, ENOBUFS,
 * ENOMEM), each waiting to try again: after {@link #RETRY_MILLIS}, or as soon as a session ends and
 * so frees its two descriptors, whichever comes first. haproxy does the same with its global
 * listener queue (100 ms, or a connection released). Before, a listener paused for a whole second
 * while the connections waiting in its backlog could have been served the moment one ended.
 *
 * <p>A session's end costs one volatile read here while no listener waits.
 */
final class AcceptRetries {
  /** How long a listener that failed waits at most before it tries again, as haproxy's. */
  static final long RETRY_MILLIS = 100;

  private static final int ENOMEM = 12;
  private static final int ENFILE = 23;
  private static final int EMFILE = 24;
  private static final int ENOBUFS = 105;

  private final Set<Runnable> waiting = ConcurrentHashMap.newKeySet();

  /**
   * Set after an addition to {@link #waiting}: a session's end reads only this while none waits.
   */
  private volatile boolean any;

  /**
   * Whether accept(2) failed with {@code errno} for want of something a session's end gives back
   * (or for a reason that cannot be told, errno 0): then the listener must wait, or it would spin
   * on a socket that stays readable. Any other error is the pending connection's own (Linux passes
   * a connection's network error such as ECONNABORTED or EPROTO to accept), and that connection is
   * gone: the next one can be taken at once.
   */
  static boolean mustWait(int errno) {
    return errno == 0 || errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM;
  }

  /**
   * As {@link #mustWait(int)}, for the JDK's accept (the NIO transport), which says the errno only
   * in its message (the C library's text, as the JDK writes it in every locale): waits unless the
   * message names a connection's own error.
   */
  static boolean mustWait(Throwable cause) {
    String m = cause == null ? null : cause.getMessage();
    if (m == null) {
      return true;
    }
    return !(m.contains("connection abort")
        || m.contains("Connection aborted")
        || m.contains("Protocol error")
        || m.contains("Connection reset"));
  }

  /**
   * Runs {@code retry} (once) when the next session ends. {@code retry} must be safe from any
   * thread (it posts to its listener's loop) and equal only to itself.
   */
  void await(Runnable retry) {
    waiting.add(retry);
    any = true;
  }

  /** A listener that closes, or tried again on its own, no longer waits. */
  void cancel(Runnable retry) {
    waiting.remove(retry);
  }

  /** A session ended: its descriptors are free, so every waiting listener tries again. */
  void descriptorsFreed() {
    if (!any) {
      return;
    }
    any = false; // before the drain: a listener added meanwhile is drained or sets it again
    List<Runnable> told = new ArrayList<>(); // taken out first: one that waits again waits on
    for (Runnable r : waiting) {
      if (waiting.remove(r)) {
        told.add(r);
      }
    }
    told.forEach(Runnable::run);
  }
}
