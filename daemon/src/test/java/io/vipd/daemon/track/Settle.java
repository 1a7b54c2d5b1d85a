package io.vipd.daemon.track;

import io.vipd.daemon.testing.VipCluster;
import java.io.IOException;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Waits for a freshly started vipd's tracked checks to settle. A cold JVM's first TLS handshake can
 * exceed the check timeout, and the first result of a check decides its state, so a node may sit at
 * a lowered priority for a moment after start; a test that flips another node's health in that
 * moment would see no failover for the wrong reason.
 */
final class Settle {

  private static final Pattern CHANGE =
      Pattern.compile("\\(VI_1\\) Changing effective priority from \\d+ to (\\d+)");
  private static final Duration QUIET = Duration.ofSeconds(1);

  private Settle() {}

  /**
   * Waits until {@code node}'s latest effective priority (from its log; none logged means the base)
   * is {@code base}, it is not in FAULT, and its log was quiet for one second.
   */
  static void awaitPriority(VipCluster c, int node, int base, Duration timeout)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    String seen = "";
    long since = System.nanoTime();
    while (System.nanoTime() < deadline) {
      String log = c.node(node).stdout();
      if (!log.equals(seen)) {
        seen = log;
        since = System.nanoTime();
      }
      boolean atBase = latest(log, base) == base && !inFault(log);
      if (atBase && System.nanoTime() - since >= QUIET.toNanos()) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError(
        "node " + node + " did not settle at priority " + base + "\n" + c.logs());
  }

  private static boolean inFault(String log) {
    return log.lastIndexOf("Entering FAULT STATE") > log.lastIndexOf("Entering BACKUP STATE")
        && log.lastIndexOf("Entering FAULT STATE") > log.lastIndexOf("Entering MASTER STATE");
  }

  private static int latest(String log, int base) {
    Matcher m = CHANGE.matcher(log);
    int last = base;
    while (m.find()) {
      last = Integer.parseInt(m.group(1));
    }
    return last;
  }
}
