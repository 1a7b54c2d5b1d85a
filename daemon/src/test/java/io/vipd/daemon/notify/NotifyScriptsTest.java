package io.vipd.daemon.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vipd.daemon.config.NotifyConfig;
import io.vipd.vrrp.router.Transition;
import io.vipd.vrrp.router.VrrpState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real {@code sh} scripts run by {@link NotifyScripts}: a hanging {@code notify.master} delays
 * neither the following {@code notify.backup} nor {@code notify.any}, and is killed at its own
 * timeout; stopping kills what still runs.
 */
class NotifyScriptsTest {

  private static final Duration TIMEOUT = Duration.ofMillis(2500);

  /** How soon a script not held up by another runs and writes its line; less than TIMEOUT. */
  private static final Duration PROMPTLY = Duration.ofSeconds(2);

  @TempDir Path dir;

  private Long hangingPid;

  @AfterEach
  void killLeftovers() {
    // The scripts must be gone anyway; this only keeps a failing test from leaking a sleep.
    if (hangingPid != null) {
      ProcessHandle.of(hangingPid).ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  @Test
  void aHangingMasterScriptDelaysNeitherTheNextScriptNorIsKeptPastItsTimeout() throws Exception {
    Path pidFile = dir.resolve("master.pid");
    Path backupLog = dir.resolve("backup.log");
    Path anyLog = dir.resolve("any.log");
    Path master = script("master.sh", "echo $$ > " + pidFile + "\nexec sleep 300\n");
    Path backup = script("backup.sh", "echo backup \"$@\" >> " + backupLog + "\n");
    Path any = script("any.sh", "echo \"$@\" >> " + anyLog + "\n");
    NotifyConfig config =
        new NotifyConfig(
            Optional.of(master.toString()),
            Optional.of(backup.toString() + " from-config"),
            Optional.empty(),
            Optional.empty(),
            Optional.of(any.toString()),
            TIMEOUT);

    try (NotifyScripts n = new NotifyScripts("VI_1", config, () -> 101, TIMEOUT)) {
      long masterAt = System.nanoTime();
      n.onTransition(new Transition(VrrpState.BACKUP, VrrpState.MASTER, "test", 0));
      long pid = Long.parseLong(awaitContent(pidFile, Duration.ofSeconds(5)).strip());
      hangingPid = pid;
      assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));

      // The master script is still hanging: the backup script runs anyway, at once. "At once"
      // allows a fork and exec of sh and a file write on a loaded VM, still short of TIMEOUT: a
      // backup script that waited for the hanging one would only run once that is killed.
      long backupAt = System.nanoTime();
      n.onTransition(new Transition(VrrpState.MASTER, VrrpState.BACKUP, "test", 0));
      List<String> lines = awaitLines(backupLog, 1, PROMPTLY);
      long backupTook = System.nanoTime() - backupAt;
      // Checked first, as soon as the backup script has run: the master script's own timeout is
      // running meanwhile, so the later this is, the closer it comes to the kill.
      assertTrue(
          ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false),
          "the master script still hangs while the backup script has run");
      assertEquals(List.of("backup from-config"), lines);
      assertTrue(
          backupTook < PROMPTLY.toNanos(),
          "backup script ran after " + backupTook / 1_000_000 + " ms");
      assertEquals(
          List.of("INSTANCE VI_1 MASTER 101", "INSTANCE VI_1 BACKUP 101"),
          awaitLines(anyLog, 2, PROMPTLY));

      // The hanging script is killed at its timeout, not before, and not much later.
      ProcessHandle hanging = ProcessHandle.of(pid).orElseThrow();
      hanging.onExit().get(TIMEOUT.toMillis() + 3000, java.util.concurrent.TimeUnit.MILLISECONDS);
      long ranFor = System.nanoTime() - masterAt;
      assertFalse(hanging.isAlive());
      assertTrue(
          ranFor >= TIMEOUT.toNanos(),
          "killed after " + ranFor / 1_000_000 + " ms, before its timeout");
    }
  }

  @Test
  void closeKillsAScriptThatIsStillRunningWithinTheGrace() throws Exception {
    Path pidFile = dir.resolve("fault.pid");
    Path fault = script("fault.sh", "echo $$ > " + pidFile + "\nexec sleep 300\n");
    NotifyConfig config =
        new NotifyConfig(
            Optional.empty(),
            Optional.empty(),
            Optional.of(fault.toString()),
            Optional.empty(),
            Optional.empty(),
            Duration.ofSeconds(60));
    NotifyScripts n = new NotifyScripts("VI_1", config, () -> 100, Duration.ofSeconds(60));
    n.onTransition(new Transition(VrrpState.BACKUP, VrrpState.FAULT, "test", 0));
    long pid = Long.parseLong(awaitContent(pidFile, Duration.ofSeconds(5)).strip());
    hangingPid = pid;
    ProcessHandle hanging = ProcessHandle.of(pid).orElseThrow();

    long closeAt = System.nanoTime();
    n.close();
    long closeTook = System.nanoTime() - closeAt;
    assertTrue(
        closeTook < NotifyScripts.STOP_GRACE.toNanos() + Duration.ofSeconds(2).toNanos(),
        "close took " + closeTook / 1_000_000 + " ms");
    hanging.onExit().get(2, java.util.concurrent.TimeUnit.SECONDS);
    assertFalse(hanging.isAlive(), "the hanging script was killed by close()");
  }

  /** A reload replaced the scripts: the call under way finishes; close() at stop still ends all. */
  @Test
  void aRetiredScriptsCallRunsToItsEnd() throws Exception {
    Path done = dir.resolve("master.done");
    // longer than the stop grace (2 s) that close() would give it
    Path master = script("master.sh", "sleep 3\necho moved > " + done + "\n");
    NotifyConfig config =
        new NotifyConfig(
            Optional.of(master.toString()),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Duration.ofSeconds(30));
    NotifyScripts n = new NotifyScripts("VI_1", config, () -> 101, Duration.ofSeconds(30));
    n.onTransition(new Transition(VrrpState.BACKUP, VrrpState.MASTER, "test", 0));
    Thread.sleep(200); // started
    long at = System.nanoTime();
    n.retire();
    assertTrue(System.nanoTime() - at < Duration.ofMillis(500).toNanos(), "retire returns at once");
    assertEquals("moved", awaitContent(done, Duration.ofSeconds(10)).strip(), "not killed");
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (!n.idle() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertTrue(n.idle());
    n.close();
  }

  private Path script(String name, String body) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, "#!/bin/sh\n" + body);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
    return p;
  }

  private static List<String> awaitLines(Path file, int n, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<String> lines = read(file);
    while (lines.size() < n && System.nanoTime() < deadline) {
      Thread.sleep(10);
      lines = read(file);
    }
    assertEquals(n, lines.size(), file + ": " + lines);
    return lines;
  }

  private static String awaitContent(Path file, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.exists(file) && Files.readString(file).endsWith("\n")) {
        return Files.readString(file);
      }
      Thread.sleep(10);
    }
    throw new AssertionError(file + " never written");
  }

  private static List<String> read(Path file) throws IOException {
    return Files.exists(file) ? Files.readAllLines(file) : List.of();
  }
}
