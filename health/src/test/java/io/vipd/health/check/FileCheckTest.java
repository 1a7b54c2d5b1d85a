package io.vipd.health.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vipd.health.CheckResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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
}
