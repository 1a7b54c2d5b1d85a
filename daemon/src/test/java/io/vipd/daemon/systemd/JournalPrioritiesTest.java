package io.vipd.daemon.systemd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vipd.daemon.testing.VipdProcess;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Log lines reach journald with their priority, and nothing else changes. */
@Timeout(120)
class JournalPrioritiesTest {

  @TempDir Path dir;

  @Test
  void eachLevelMapsToItsSyslogPriority() {
    assertEquals(3, JournalPriorities.priority("2026-12-06T08:00:00.000Z [ERROR] vipd - x"));
    assertEquals(4, JournalPriorities.priority("2026-12-06T08:00:00.000Z [WARN] vipd.proxy - x"));
    assertEquals(6, JournalPriorities.priority("2026-12-06T08:00:00.000Z [INFO] vipd - x"));
    assertEquals(7, JournalPriorities.priority("2026-12-06T08:00:00.000Z [DEBUG] vipd - x"));
    assertEquals(-1, JournalPriorities.priority("\tat io.vipd.daemon.Main.main(Main.java:1)"));
    assertEquals(-1, JournalPriorities.priority("a [WARN] in the middle of a message"));
  }

  @Test
  void theStreamPrefixesLogLinesAndWhatFollowsThem() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream p = JournalPriorities.prefixing(bytes);
    p.println("not a log line");
    p.println("2026-12-06T08:00:00.000Z [WARN] vipd - careful\nsecond line");
    p.println("java.lang.IllegalStateException: boom");
    p.println("2026-12-06T08:00:01.000Z [INFO] vipd - fine");
    assertEquals(
        "not a log line\n"
            + "<4>2026-12-06T08:00:00.000Z [WARN] vipd - careful\n<4>second line\n"
            + "<4>java.lang.IllegalStateException: boom\n"
            + "<6>2026-12-06T08:00:01.000Z [INFO] vipd - fine\n",
        bytes.toString(StandardCharsets.UTF_8));
  }

  /**
   * A real {@code vipd run} whose standard output is the file {@code JOURNAL_STREAM} names (as
   * systemd names its journal socket) prefixes its log lines; with another stream it does not.
   */
  @Test
  void vipdRunPrefixesOnlyWhenStdoutIsTheJournalStream() throws Exception {
    String journal = run(true);
    assertTrue(journal.lines().anyMatch(l -> l.startsWith("<6>") && l.contains("[INFO]")), journal);
    assertTrue(
        journal.lines().anyMatch(l -> l.startsWith("<4>") && l.contains("is DOWN")), journal);
    assertTrue(
        journal.lines().anyMatch(l -> l.startsWith("<3>") && l.contains("has no server available")),
        journal);
    assertFalse(
        journal.lines().anyMatch(l -> l.contains("[INFO]") && !l.startsWith("<6>")), journal);
    String plain = run(false);
    assertTrue(plain.contains("[INFO]"), plain);
    assertFalse(plain.contains("<6>") || plain.contains("<4>"), plain);
  }

  private String run(boolean journalStream) throws Exception {
    Path out = Files.createTempFile(dir, "stdout", ".log");
    int refused;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      refused = s.getLocalPort(); // closed: its check fails (a warning), none left (an error)
    }
    int front;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      front = s.getLocalPort();
    }
    Path conf = dir.resolve("vipd-" + journalStream + ".conf");
    Files.writeString(
        conf,
        "admin.enabled = false\n"
            + "proxy {\n"
            + "  frontends = [ { name = api, bind = \"127.0.0.1:"
            + front
            + "\", backend = a } ]\n"
            + "  backends.a {\n"
            + "    servers = [ { name = s1, address = \"127.0.0.1:"
            + refused
            + "\" } ]\n"
            + "    check { type = tcp, interval = 100ms, timeout = 100ms, rise = 1, fall = 1 }\n"
            + "  }\n"
            + "}\n");
    ProcessBuilder pb = VipdProcess.run(conf).redirectOutput(out.toFile());
    pb.environment().remove("JOURNAL_STREAM");
    if (journalStream) {
      pb.environment()
          .put(
              "JOURNAL_STREAM",
              Files.getAttribute(out, "unix:dev") + ":" + Files.getAttribute(out, "unix:ino"));
    }
    Process p = pb.start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!Files.readString(out).contains("is DOWN")) {
        assertTrue(p.isAlive(), Files.readString(out));
        assertTrue(System.nanoTime() < deadline, "no DOWN line: " + Files.readString(out));
        Thread.sleep(100);
      }
    } finally {
      p.destroy();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
    return Files.readString(out);
  }
}
