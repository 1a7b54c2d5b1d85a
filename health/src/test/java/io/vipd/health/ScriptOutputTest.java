package io.vipd.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ScriptOutputTest {
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void tearDown() {
    timer.shutdownNow();
  }

  /**
   * A real child that writes about 2.6 MB in 40 chunks: the file stays near the limit, keeps its
   * head, and the child's last words land after the cut (it appends). Without the cuts the file
   * held everything; without O_APPEND the child would write on at its own offset, past a hole.
   */
  @Test
  void aChildThatWritesALotLeavesASmallFileWithItsHeadAndItsLastWords() throws Exception {
    Path file;
    try (ScriptOutput out = ScriptOutput.create("vipd-test-", 5)) {
      file = out.path();
      out.trimWhileRunning(timer);
      Process p =
          new ProcessBuilder(
                  List.of(
                      "/bin/sh",
                      "-c",
                      // the pause lets the trims that follow the flood run before the last
                      // words: a cut after them would drop them (the cut keeps the head), and on
                      // a loaded machine the trim timer may lag the writer by a few chunks
                      "printf first; for i in $(seq 1 40); do head -c 65536 /dev/zero;"
                          + " sleep 0.01; done; sleep 1; printf last-words"))
              .redirectErrorStream(true)
              .redirectOutput(out.redirect())
              .start();
      assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the writer ended");
      assertEquals(0, p.exitValue());
      out.stopTrimming(); // as its users do before they read
      long size = Files.size(file);
      assertTrue(out.wasCut(), "2.6 MB must have been cut back");
      assertTrue(size < ScriptOutput.LIMIT + (1 << 20), "file of " + size + " bytes");
      byte[] bytes = Files.readAllBytes(file);
      String text = new String(bytes, StandardCharsets.ISO_8859_1);
      assertTrue(text.startsWith("first"), "the head is kept");
      assertTrue(text.endsWith("last-words"), "appended after the cut");
    }
    assertFalse(Files.exists(file), "closed: deleted");
  }

  @Test
  void aSmallOutputIsNeverCut() throws Exception {
    try (ScriptOutput out = ScriptOutput.create("vipd-test-", 0)) {
      Files.writeString(out.path(), "short");
      out.trim();
      assertFalse(out.wasCut());
      assertEquals("short", Files.readString(out.path()));
    }
  }

  @Test
  void keepZeroKeepsOnlyWhatComesAfterTheCut() throws Exception {
    try (ScriptOutput out = ScriptOutput.create("vipd-test-", 0)) {
      Files.write(out.path(), new byte[(int) ScriptOutput.LIMIT + 1]);
      out.trim();
      assertTrue(out.wasCut());
      assertEquals(0, Files.size(out.path()));
    }
  }
}
