package io.vipd.health.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vipd.health.CheckResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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

class FileCheckTest {

  private static ScheduledExecutorService blocking;
  @TempDir Path tmp;

  @BeforeAll
  static void start() {
    blocking = CheckExecutors.newBlockingExecutor(1, "file-test");
  }

  @AfterAll
  static void stop() {
    blocking.shutdownNow();
  }

  private static CheckResult run(FileCheck check) {
    return check.run(Duration.ofSeconds(5)).orTimeout(30, TimeUnit.SECONDS).join();
  }

  @Test
  void healthyExactlyWhileTheFileExists() throws Exception {
    Path flag = tmp.resolve("healthy");
    FileCheck check = new FileCheck(flag, blocking);
    CheckResult missing = run(check);
    assertFalse(missing.healthy());
    assertEquals("file missing: " + flag, missing.detail());

    Files.createFile(flag);
    CheckResult present = run(check);
    assertTrue(present.healthy(), present.detail());
    assertEquals("file exists", present.detail());

    Files.delete(flag);
    assertFalse(run(check).healthy());
    assertEquals("file " + flag, check.describe());
  }

  @Test
  void aHungStatHoldsNoSharedThreadAndIsNotQueuedAgainEvenByAReloadsNewCheck() throws Exception {
    // a stat on a hung NFS mount: it returns only when the test lets it
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger stats = new AtomicInteger();
    ExecutorService own = Executors.newCachedThreadPool();
    try {
      FileCheck hung =
          new FileCheck(
              tmp.resolve("on-nfs"),
              blocking,
              p -> {
                stats.incrementAndGet();
                try {
                  release.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
                return true;
              },
              own);
      CheckResult first = run(hung, Duration.ofMillis(100));
      assertEquals("timeout after 100 ms (stat " + tmp.resolve("on-nfs") + ")", first.detail());
      // out longer than a run's timeout: the run fails at once, leaving nothing waiting on it
      Thread.sleep(10);
      java.util.concurrent.CompletableFuture<CheckResult> pending =
          hung.run(Duration.ofMillis(100));
      assertTrue(pending.isDone(), "failed at once, no callback left on the hung stat");
      CheckResult second = pending.join();
      assertFalse(second.healthy());
      assertTrue(second.detail().contains("has not returned"), second.detail());
      assertEquals(1, stats.get(), "no second stat queued behind the hung one");
      // a reload builds a new check of the same path: it waits for the same stat too
      FileCheck reloaded =
          new FileCheck(
              tmp.resolve("on-nfs"),
              blocking,
              p -> {
                stats.incrementAndGet();
                return true;
              },
              own);
      CheckResult third = run(reloaded, Duration.ofMillis(100));
      assertTrue(third.detail().contains("has not returned"), third.detail());
      assertEquals(1, stats.get(), "one stat per path, not one per check");
      // the shared executor (one thread here) still serves everyone else
      Path flag = Files.createFile(tmp.resolve("elsewhere"));
      assertTrue(run(new FileCheck(flag, blocking)).healthy());
      release.countDown();
      CheckResult after = null;
      for (int i = 0; i < 100 && (after == null || !after.healthy()); i++) {
        Thread.sleep(20);
        after = run(hung, Duration.ofSeconds(5));
      }
      assertTrue(after.healthy(), "once the stat returns, the check runs again: " + after);
    } finally {
      release.countDown();
      own.shutdownNow();
    }
  }

  private static CheckResult run(FileCheck check, Duration timeout) {
    return check.run(timeout).orTimeout(30, TimeUnit.SECONDS).join();
  }
}
