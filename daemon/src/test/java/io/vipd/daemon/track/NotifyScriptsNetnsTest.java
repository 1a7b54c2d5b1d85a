package io.vipd.daemon.track;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vipd.daemon.testing.VipCluster;
import io.vipd.vrrp.linux.NetnsRequirement;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Notify scripts as keepalived users write them, run by real vipd processes in network namespaces
 * while health checks move the VIP: {@code notify.any} gets {@code INSTANCE VI_1 STATE PRIORITY} in
 * the order of the transitions, {@code notify.master} runs on every MASTER, and a script that hangs
 * delays neither the failover, nor the instance's later notifications, nor vipd's stop.
 */
@Tag("netns")
class NotifyScriptsNetnsTest {

  private static final Duration START = Duration.ofSeconds(15);
  private static final Duration FAILOVER = Duration.ofSeconds(3);

  @BeforeAll
  static void requireNamespaces() {
    NetnsRequirement.require("ip", "sh", "sleep");
  }

  @Test
  void notifyScriptsRecordTransitionsInOrderAndAHangingScriptDelaysNothing() throws Exception {
    try (VipCluster c = new VipCluster(224, 2)) {
      String vip = c.vip(1);
      Path dir = c.dir();
      Path record = dir.resolve("record.sh");
      Files.writeString(record, "#!/bin/sh\nf=$1\nshift\necho \"$@\" >> \"$f\"\n");
      Files.setPosixFilePermissions(record, PosixFilePermissions.fromString("rwx------"));
      Path any1 = dir.resolve("any-1.log");
      Path any2 = dir.resolve("any-2.log");
      Path master2 = dir.resolve("master-2.log");
      Path hangPid = dir.resolve("hang.pid");
      c.startApiServer(1);
      c.startApiServer(2);

      // Node 1's notify.master never returns (sleep 300); its timeout outlasts the test.
      c.startVipd(
          1,
          new NodeConfig(101, vip)
              .trackApiserver(-20)
              .instance(
                  "notify { timeout = 120s, master = \"/bin/sh -c 'echo $$ >> "
                      + hangPid
                      + "; exec sleep 300'\", any = \""
                      + record
                      + " "
                      + any1
                      + "\" }")
              .hocon());
      c.awaitHolders(vip, Set.of(1), START);
      long hanging = Long.parseLong(awaitContent(hangPid, START).strip());
      c.startVipd(
          2,
          new NodeConfig(100, vip)
              .trackApiserver(-20)
              .instance(
                  "notify { master = \""
                      + record
                      + " "
                      + master2
                      + " master\", any = \""
                      + record
                      + " "
                      + any2
                      + "\" }")
              .hocon());
      awaitLines(any2, 1, START);
      Settle.awaitPriority(c, 2, 100, START);
      Settle.awaitPriority(c, 1, 101, START);
      c.awaitHolders(vip, Set.of(1), START);

      // The hanging script of node 1 does not keep it from giving the VIP away.
      c.setReady(1, false);
      c.awaitHolders(vip, Set.of(2), FAILOVER);
      c.setReady(1, true);
      c.awaitHolders(vip, Set.of(1), FAILOVER);

      assertEquals(
          List.of(
              "INSTANCE VI_1 BACKUP 100", "INSTANCE VI_1 MASTER 100", "INSTANCE VI_1 BACKUP 100"),
          awaitLines(any2, 3, FAILOVER),
          c.logs());
      assertEquals(List.of("master"), awaitLines(master2, 1, FAILOVER));
      // Node 1's hanging notify.master holds back none of its later notify.any calls.
      assertEquals(
          List.of(
              "INSTANCE VI_1 BACKUP 101",
              "INSTANCE VI_1 MASTER 101",
              "INSTANCE VI_1 BACKUP 81",
              "INSTANCE VI_1 MASTER 101"),
          awaitLines(any1, 4, FAILOVER),
          c.logs());
      List<Long> hangs = awaitLines(hangPid, 2, FAILOVER).stream().map(Long::parseLong).toList();
      assertEquals(hanging, hangs.get(0).longValue());

      // SIGTERM to node 1's vipd alone (not its children): it stops promptly, and takes the
      // hanging script down with it instead of leaving it behind.
      for (long pid : hangs) {
        assertTrue(ProcessHandle.of(pid).isPresent(), "hanging script " + pid + " still running");
      }
      c.node(1).process().destroy();
      assertEquals(
          0, c.node(1).awaitExit(Duration.ofSeconds(10)), "clean stop exits 0\n" + c.logs());
      c.awaitHolders(vip, Set.of(2), FAILOVER);
      for (long pid : hangs) {
        Optional<ProcessHandle> left = ProcessHandle.of(pid);
        assertFalse(left.isPresent() && left.get().isAlive(), "hanging script " + pid + " killed");
      }
    }
  }

  /** Waits until {@code file} has exactly {@code n} lines and returns them. */
  private static List<String> awaitLines(Path file, int n, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<String> lines = read(file);
    while (lines.size() < n && System.nanoTime() < deadline) {
      Thread.sleep(20);
      lines = read(file);
    }
    assertEquals(n, lines.size(), file + ": " + lines);
    return lines;
  }

  private static String awaitContent(Path file, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.exists(file) && !Files.readString(file).isBlank()) {
        return Files.readString(file);
      }
      Thread.sleep(20);
    }
    throw new AssertionError(file + " never written");
  }

  private static List<String> read(Path file) throws IOException {
    return Files.exists(file) ? Files.readAllLines(file) : List.of();
  }
}
