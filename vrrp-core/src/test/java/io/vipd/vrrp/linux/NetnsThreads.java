package io.vipd.vrrp.linux;

import java.io.IOException;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import jnr.ffi.LibraryLoader;
import jnr.ffi.annotations.SaveError;

/**
 * Runs code on a fresh thread that has joined a named network namespace with setns(2). Network
 * namespaces are per thread on Linux, so sockets (raw, packet, netlink) opened by that code belong
 * to the namespace, and keep belonging to it when other threads use them afterwards.
 *
 * <p>Caveat: the JDK reads some facts from {@code /proc/net}, which follows the process's main
 * thread, not the calling thread; {@code java.net.NetworkInterface} is therefore unreliable on such
 * a thread. Run JDK-based code in a child process instead ({@link NetnsLan#start}).
 */
final class NetnsThreads {

  /** The few libc calls needed, kept out of the production binding. */
  public interface Setns {
    @SaveError
    int open(String path, int flags);

    @SaveError
    int setns(int fd, int nsType);

    @SaveError
    int close(int fd);
  }

  private static final int O_RDONLY_CLOEXEC = 0x80000;
  private static final int CLONE_NEWNET = 0x40000000;
  private static final Setns LIBC = LibraryLoader.create(Setns.class).load("c");
  private static final long TIMEOUT_SECONDS = 30;

  private NetnsThreads() {}

  /** Runs {@code action} inside {@code /run/netns/<namespace>} and returns its result. */
  static <T> T call(String namespace, Callable<T> action) throws Exception {
    FutureTask<T> task =
        new FutureTask<>(
            () -> {
              enter(namespace);
              return action.call();
            });
    Thread thread = new Thread(task, "netns-" + namespace);
    thread.setDaemon(true);
    thread.start();
    try {
      return task.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw e;
    } catch (TimeoutException e) {
      thread.interrupt();
      throw new IOException("code in namespace " + namespace + " did not finish in time", e);
    }
  }

  private static void enter(String namespace) throws IOException {
    int fd = LIBC.open("/run/netns/" + namespace, O_RDONLY_CLOEXEC);
    if (fd < 0) {
      throw new SyscallException("open(/run/netns/" + namespace + ")", "", Native.errno());
    }
    try {
      if (LIBC.setns(fd, CLONE_NEWNET) < 0) {
        throw new SyscallException("setns(CLONE_NEWNET)", "into " + namespace, Native.errno());
      }
    } finally {
      LIBC.close(fd);
    }
  }
}
