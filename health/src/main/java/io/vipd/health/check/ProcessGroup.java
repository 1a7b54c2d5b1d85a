package io.vipd.health.check;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A check command in a process group of its own, signalled as a whole on timeout, as keepalived
 * signals {@code -pid}: a script's background children are in its group even once orphaned (a
 * {@code ( curl ... & )} whose parent has exited is a child of init by then, out of reach of a walk
 * down the process tree), so a hung script leaves nothing behind run after run.
 *
 * <p>The group comes from {@code setsid(1)}, which makes the command a session and group leader (it
 * is not one already, so setsid execs in place: the process vipd sees is the leader, its pid the
 * group's id). Where setsid is missing, commands run in vipd's own group and a timeout kills the
 * tree as it is then.
 */
final class ProcessGroup {

  /** setsid(1), looked up at the usual paths only: a check's PATH is not the place to find it. */
  static final Optional<String> SETSID =
      List.of("/usr/bin/setsid", "/bin/setsid").stream()
          .filter(p -> Files.isExecutable(Path.of(p)))
          .findFirst();

  private ProcessGroup() {}

  /** {@code argv} to run as the leader of a new process group, if setsid is there. */
  static List<String> leading(List<String> argv) {
    if (SETSID.isEmpty()) {
      return argv;
    }
    List<String> out = new ArrayList<>(argv.size() + 1);
    out.add(SETSID.get());
    out.addAll(argv);
    return out;
  }

  /**
   * Sends SIGTERM ({@code force}: SIGKILL) to every live process of group {@code pgid}, found in
   * {@code /proc}; returns how many were signalled.
   */
  static int signal(long pgid, boolean force) {
    int signalled = 0;
    for (long pid : members(pgid)) {
      Optional<ProcessHandle> h = ProcessHandle.of(pid);
      if (h.isPresent() && (force ? h.get().destroyForcibly() : h.get().destroy())) {
        signalled++;
      }
    }
    return signalled;
  }

  /** The pids whose process group is {@code pgid}. */
  static List<Long> members(long pgid) {
    // no /proc (not Linux): nothing found; the caller has killed the leader already
    return find(pgid, 0, Integer.MAX_VALUE);
  }

  /**
   * Whether group {@code pgid} has a live member, looking only at pids from {@code pgid} on: the
   * leader's children were started after it, with higher pids (unless the pid numbers wrapped
   * around meanwhile), so the common answer costs a listing of /proc and a few reads, not one read
   * per process of the node.
   */
  static boolean hasMembers(long pgid) {
    return !find(pgid, pgid, 1).isEmpty();
  }

  /**
   * Up to {@code limit} pids of group {@code pgid}, from {@code fromPid} on; none without /proc.
   */
  private static List<Long> find(long pgid, long fromPid, int limit) {
    List<Long> out = new ArrayList<>();
    try (DirectoryStream<Path> proc = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
      for (Path dir : proc) {
        long pid = Long.parseLong(dir.getFileName().toString());
        if (pid >= fromPid && groupOf(dir) == pgid) {
          out.add(pid);
          if (out.size() == limit) {
            break;
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // no /proc (not Linux): nothing found
    }
    return out;
  }

  /** Field 5 of /proc/PID/stat, after the command name in parentheses (which may hold spaces). */
  private static long groupOf(Path procDir) {
    try {
      String stat = Files.readString(procDir.resolve("stat"));
      String[] after = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // after[0] state, after[1] ppid, after[2] pgrp
      return after[0].equals("Z") ? -1 : Long.parseLong(after[2]);
    } catch (IOException | RuntimeException e) {
      return -1; // gone meanwhile
    }
  }
}
