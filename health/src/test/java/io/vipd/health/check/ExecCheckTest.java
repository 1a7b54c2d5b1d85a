package io.vipd.health.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vipd.health.CheckResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real processes: exit codes, output, argv handling and killing the tree on timeout. */
class ExecCheckTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static ScheduledExecutorService blocking;
  @TempDir Path tmp;

  @BeforeAll
  static void start() {
    blocking = CheckExecutors.newBlockingExecutor(2, "exec-test");
  }

  @AfterAll
  static void stop() {
    blocking.shutdownNow();
  }

  private static CheckResult run(List<String> command, boolean shell, Duration timeout) {
    return new ExecCheck(command, shell, blocking)
        .run(timeout)
        .orTimeout(30, TimeUnit.SECONDS)
        .join();
  }

  @Test
  void aProgramWhoseStatHangsCostsOneStartAndTheOtherExecChecksRunOn() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger stats = new AtomicInteger();
    ExecutorService starts = Executors.newCachedThreadPool();
    try {
      ExecCheck hung =
          new ExecCheck(
              List.of("/mnt/hung/check.sh"),
              false,
              blocking,
              p -> {
                stats.incrementAndGet();
                try {
                  release.await(); // a stat on a hung NFS mount
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
                return false;
              },
              starts);
      CompletableFuture<CheckResult> first = hung.run(TIMEOUT);
      for (int i = 0; i < 3; i++) {
        CheckResult r = hung.run(TIMEOUT).orTimeout(5, TimeUnit.SECONDS).join();
        assertFalse(r.healthy());
        assertEquals(
            "not started: the previous start of /mnt/hung/check.sh has not returned (a hung file"
                + " system?)",
            r.detail());
      }
      // the shared executor's two threads still serve every other exec check
      for (int i = 0; i < 3; i++) {
        assertTrue(run(List.of("/bin/true"), false, TIMEOUT).healthy());
      }
      assertFalse(first.isDone());
      assertEquals(1, stats.get(), "one stat in flight, not one per run");
      release.countDown();
      assertEquals(
          "cannot start: /mnt/hung/check.sh: no such file",
          first.orTimeout(5, TimeUnit.SECONDS).join().detail());
      assertTrue(
          hung.run(TIMEOUT)
              .orTimeout(5, TimeUnit.SECONDS)
              .join()
              .detail()
              .startsWith("cannot start"),
          "runs again once the stat returned");
    } finally {
      release.countDown();
      starts.shutdownNow();
    }
  }

  @Test
  void aRunWaitsForThePreviousRunsProcessToEndAndIsNotRefusedForIt() {
    ExecCheck sleeper = new ExecCheck(List.of("/bin/sleep", "30"), false, blocking);
    for (int i = 0; i < 3; i++) {
      // the next run follows the timeout at once, while the killed process is still being
      // reaped: it waits for it and runs, rather than failing a second time for the first
      CheckResult r = sleeper.run(Duration.ofMillis(200)).orTimeout(10, TimeUnit.SECONDS).join();
      assertTrue(r.detail().startsWith("timeout after 200 ms (terminated"), r.detail());
    }
  }

  @Test
  void aRunDoesNotStartWhileThePreviousRunsProcessIgnoresItsSigterm() throws Exception {
    ExecCheck stubborn = new ExecCheck(List.of("trap '' TERM; sleep 30"), true, blocking);
    CheckResult first = stubborn.run(Duration.ofMillis(300)).orTimeout(10, TimeUnit.SECONDS).join();
    assertTrue(first.detail().startsWith("timeout after 300 ms"), first.detail());
    // SIGTERM is ignored and SIGKILL comes 2 s later: a run meanwhile waits, up to its timeout
    CheckResult second =
        stubborn.run(Duration.ofMillis(500)).orTimeout(10, TimeUnit.SECONDS).join();
    assertFalse(second.healthy());
    assertTrue(second.detail().startsWith("not started: the previous run (pid "), second.detail());
    assertTrue(second.detail().endsWith("has not ended within 500 ms"), second.detail());
    // once the SIGKILL (2 s after the timeout) has ended it, a run starts again
    Thread.sleep(ExecCheck.KILL_GRACE.toMillis());
    CheckResult third = stubborn.run(Duration.ofMillis(300)).orTimeout(10, TimeUnit.SECONDS).join();
    assertTrue(third.detail().startsWith("timeout after 300 ms"), third.detail());
  }

  /**
   * A background child the script leaves behind, writing on: its output file is kept cut back while
   * it lives, and deleted once it is gone. Deleted at the script's end, the child went on appending
   * to a deleted file that nothing cut back and no {@code du} showed.
   */
  @Test
  void aLeftoverChildsOutputStaysBoundedAndGoesWithIt() throws Exception {
    String mark = "leftover-" + java.util.UUID.randomUUID();
    Path tmpDir = Path.of(System.getProperty("java.io.tmpdir"));
    java.util.Set<Path> before = outputFiles(tmpDir);
    CheckResult r =
        run(List.of("(while :; do echo " + mark + "; sleep 0.002; done) & exit 0"), true, TIMEOUT);
    try {
      assertTrue(r.healthy(), r.detail()); // the child's first lines may be in the detail
      Thread.sleep(500);
      java.util.Set<Path> kept = outputFiles(tmpDir);
      kept.removeAll(before);
      assertEquals(1, kept.size(), "the output is kept while the child writes: " + kept);
      Path file = kept.iterator().next();
      assertTrue(Files.size(file) <= io.vipd.health.ScriptOutput.LIMIT + 64 * 1024);
    } finally {
      new ProcessBuilder("pkill", "-f", mark).start().waitFor(5, TimeUnit.SECONDS);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    java.util.Set<Path> left = outputFiles(tmpDir);
    left.removeAll(before);
    while (!left.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(50);
      left = outputFiles(tmpDir);
      left.removeAll(before);
    }
    assertEquals(java.util.Set.of(), left, "deleted once the child is gone");
  }

  private static java.util.Set<Path> outputFiles(Path dir) throws IOException {
    try (var files = Files.list(dir)) {
      return files
          .filter(f -> f.getFileName().toString().startsWith("vipd-exec-"))
          .collect(java.util.stream.Collectors.toCollection(java.util.HashSet::new));
    }
  }

  @Test
  void exitZeroIsHealthy() {
    CheckResult r = run(List.of("/bin/true"), false, TIMEOUT);
    assertTrue(r.healthy(), r.detail());
    assertEquals("exit 0", r.detail());
  }

  @Test
  void nonZeroExitIsUnhealthyWithItsOutput() {
    CheckResult r =
        run(List.of("/bin/sh", "-c", "echo disk full; echo oops >&2; exit 3"), false, TIMEOUT);
    assertFalse(r.healthy());
    assertEquals("exit 3: disk full oops", r.detail());
  }

  @Test
  void withoutShellArgumentsArePassedLiterally() {
    CheckResult r = run(List.of("/bin/echo", "$HOME", "*", ";", "exit", "7"), false, TIMEOUT);
    assertTrue(r.healthy(), r.detail());
    assertEquals("exit 0: $HOME * ; exit 7", r.detail());
  }

  @Test
  void withShellTheWordsAreAShellLine() {
    CheckResult r = run(List.of("echo", "$((40+2));", "exit", "4"), true, TIMEOUT);
    assertFalse(r.healthy());
    assertEquals("exit 4: 42", r.detail());
  }

  @Test
  void missingProgramIsUnhealthy() {
    CheckResult r = run(List.of("/nonexistent/vipd-check"), false, TIMEOUT);
    assertFalse(r.healthy());
    assertTrue(r.detail().startsWith("cannot start:"), r.detail());
  }

  @Test
  void outputIsBounded() {
    CheckResult r =
        run(List.of("/bin/sh", "-c", "yes xyz | head -c 200000; exit 1"), false, TIMEOUT);
    assertFalse(r.healthy());
    assertTrue(r.detail().length() <= ExecCheck.MAX_OUTPUT + 10, "length " + r.detail().length());
  }

  @Test
  void stdinIsEmpty() {
    CheckResult r = run(List.of("/bin/sh", "-c", "cat; echo done"), false, TIMEOUT);
    assertEquals("exit 0: done", r.detail());
  }

  @Test
  void runDoesNotBlockTheCaller() {
    CompletableFuture<CheckResult> f =
        new ExecCheck(List.of("/bin/sleep", "0.5"), false, blocking).run(TIMEOUT);
    assertFalse(f.isDone(), "run() must return before the command ends");
    assertTrue(f.orTimeout(30, TimeUnit.SECONDS).join().healthy());
  }

  @Test
  void timeoutKillsTheProcessTree() throws Exception {
    Path pidFile = tmp.resolve("child.pid");
    // The shell starts a grandchild `sleep 30`, records its pid and waits for it.
    CheckResult r =
        run(
            List.of("/bin/sh", "-c", "sleep 30 & echo $! > " + pidFile + "; wait"),
            false,
            Duration.ofMillis(1500));
    assertFalse(r.healthy());
    assertEquals(
        "timeout after 1500 ms ("
            + (ProcessGroup.SETSID.isPresent() ? "terminated" : "killed")
            + " 2 processes)",
        r.detail());
    long sleepPid = Long.parseLong(Files.readString(pidFile).trim());
    assertTrue(waitUntilGone(sleepPid, Duration.ofSeconds(10)), "sleep 30 survived: " + sleepPid);
  }

  @Test
  void timeoutReachesABackgroundChildOrphanedByItsParent() throws Exception {
    assertTrue(ProcessGroup.SETSID.isPresent(), "setsid(1) is part of util-linux");
    Path pidFile = tmp.resolve("orphan.pid");
    // the subshell starts `sleep 301` and exits: the sleep is init's child, no longer vipd's
    // descendant, but still in the command's process group
    CheckResult r =
        run(
            List.of("/bin/sh", "-c", "( sleep 301 & echo $! > " + pidFile + " ); sleep 30"),
            false,
            Duration.ofMillis(1000));
    assertFalse(r.healthy());
    long orphan = Long.parseLong(Files.readString(pidFile).trim());
    assertTrue(waitUntilGone(orphan, Duration.ofSeconds(10)), "orphan survived: " + orphan);
  }

  @Test
  void aGroupThatIgnoresSigtermIsKilledAfterTheGrace() throws Exception {
    assertTrue(ProcessGroup.SETSID.isPresent(), "setsid(1) is part of util-linux");
    Path pidFile = tmp.resolve("stubborn.pid");
    // SIG_IGN is inherited across exec: the sleep ignores SIGTERM too
    CheckResult r =
        run(
            List.of("/bin/sh", "-c", "trap '' TERM; sleep 30 & echo $! > " + pidFile + "; wait"),
            false,
            Duration.ofMillis(1000));
    assertFalse(r.healthy());
    long sleepPid = Long.parseLong(Files.readString(pidFile).trim());
    assertTrue(runningOrSleeping(sleepPid), "SIGTERM ignored: still there right after");
    assertTrue(
        waitUntilGone(sleepPid, ExecCheck.KILL_GRACE.plusSeconds(8)),
        "SIGKILL after the grace: " + sleepPid);
  }

  /** True once the process is gone or a zombie (killed, waiting for its reaper). */
  private static boolean waitUntilGone(long pid, Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < deadline) {
      if (!runningOrSleeping(pid)) {
        return true;
      }
      Thread.sleep(20);
    }
    return false;
  }

  private static boolean runningOrSleeping(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      char state = stat.charAt(stat.lastIndexOf(')') + 2);
      return state != 'Z' && state != 'X';
    } catch (IOException e) {
      return false; // no such process
    }
  }
}
