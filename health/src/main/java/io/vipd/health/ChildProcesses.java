package io.vipd.health;

import java.io.IOException;
import java.util.concurrent.locks.StampedLock;

/**
 * The one way vipd starts a child process (exec checks, notify scripts, the demo's commands), so
 * that the proxy can close a socket without first taking it out of its epoll set: one {@code
 * epoll_ctl(DEL)} saved per socket, two per proxied connection.
 *
 * <p>Why that needs a gate: close(2) removes a socket from an epoll set only when the last
 * reference to it goes. Between fork and exec a child holds a reference to every descriptor of the
 * parent, so a socket closed at that moment stays in the set, and its events keep arriving under
 * its old descriptor number, which the event loop may already have given to a new connection. A
 * close made while no child is being started cannot meet such a reference: {@link
 * ProcessBuilder#start} returns only once the child has exec'd or failed, and by then the JDK's
 * launcher has closed every descriptor the child inherited. So a closer asks {@link #enterClose}
 * first; while a start is under way it is refused, and the caller removes the socket from epoll
 * before closing it, as Netty always does.
 *
 * <p>Lives in {@code health}, the lowest module that starts processes and that both the proxy and
 * the daemon depend on. {@code ChildProcessesOnlyTest} (daemon) checks that no main source starts a
 * process another way.
 */
public final class ChildProcesses {
  /** Write-held while a child is being started; read-held by closes that skip the epoll DEL. */
  private static final StampedLock STARTING = new StampedLock();

  private ChildProcesses() {}

  /** Starts {@code builder}'s process; closes that skip the epoll DEL wait until it has exec'd. */
  public static Process start(ProcessBuilder builder) throws IOException {
    long stamp = STARTING.writeLock();
    try {
      return builder.start();
    } finally {
      STARTING.unlockWrite(stamp);
    }
  }

  /**
   * Asks to close descriptors that no child can be holding: non-zero (pass it to {@link
   * #exitClose}) when none is being started, so that closing alone removes them from epoll; zero
   * when one is, so that the caller must remove them from epoll before closing. Never blocks.
   */
  public static long enterClose() {
    return STARTING.tryReadLock();
  }

  /** Ends a close that {@link #enterClose} allowed; {@code 0} is ignored. */
  public static void exitClose(long stamp) {
    if (stamp != 0) {
      STARTING.unlockRead(stamp);
    }
  }

  /**
   * Runs {@code body} as if a child were being started meanwhile: for tests of the closing side.
   */
  public static void whileStarting(Runnable body) {
    long stamp = STARTING.writeLock();
    try {
      body.run();
    } finally {
      STARTING.unlockWrite(stamp);
    }
  }
}
