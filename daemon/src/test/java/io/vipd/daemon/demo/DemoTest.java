package io.vipd.daemon.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vipd.daemon.cli.Cli;
import io.vipd.vrrp.linux.NetnsRequirement;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code vipd demo} end to end, in-process through the CLI: real namespaces, three real vipd child
 * JVMs, real failovers.
 */
@Tag("netns")
class DemoTest {

  private static final Pattern MOVED =
      Pattern.compile("VIP moved from node (\\d) to node (\\d) in (\\d+) ms");
  private static final Pattern RUN_ID = Pattern.compile("(vipd-demo-[0-9a-f]{6})-br");

  @Test
  @Timeout(240)
  void demoShowsTheVipMovingTwiceAndLeavesNothingBehind() throws Exception {
    NetnsRequirement.require("ip", "ping");
    ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    int status;
    try (PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8)) {
      status = new Cli().execute(new String[] {"demo"}, out, err);
    }
    String out = outBytes.toString(StandardCharsets.UTF_8);
    String err = errBytes.toString(StandardCharsets.UTF_8);
    String both = out + "\n---- stderr ----\n" + err;
    System.out.println(both);

    assertEquals(0, status, both);
    assertEquals("", err, both);
    assertTrue(out.contains("node 3 holds 10.77.77.100"), both);

    Matcher m = MOVED.matcher(out);
    assertTrue(m.find(), both);
    assertEquals("3", m.group(1));
    assertEquals("2", m.group(2));
    assertTrue(m.find(), both);
    assertEquals("2", m.group(1));
    assertEquals("1", m.group(2));
    // SIGKILL: Master_Down_Interval (3 x 100 ms + 60 ms skew) runs from the last advertisement,
    // which was at most one interval before the kill: the move takes well over 200 ms.
    assertTrue(Long.parseLong(m.group(3)) >= 200, both);
    assertTrue(out.contains("reaches node 1 (02:77:77:00:00:11)"), both);
    // The log evidence: node 2 became master when node 3 gave up with priority 0.
    assertTrue(out.contains("(VI_1) Entering MASTER STATE (priority 0"), both);
    assertTrue(out.contains("summary: VIP 10.77.77.100"), both);

    // The proxy: HTTPS through the VIP lands on the holder's proxy, which spreads the requests
    // over the apiservers, before and after each failover.
    Matcher first =
        Pattern.compile("proxied after the election: via node 3 to nodes \\[([0-9, ]+)\\]")
            .matcher(out);
    assertTrue(first.find(), both);
    assertTrue(
        Arrays.stream(first.group(1).split(", ")).distinct().count() >= 2,
        "round-robin over several apiservers: " + first.group(1));
    assertTrue(out.contains("proxied after SIGTERM: via node 2 to nodes ["), both);
    assertTrue(out.contains("proxied after SIGKILL: via node 1 to nodes ["), both);
    assertTrue(out.contains("forwarded by node 3's proxy"), both);
    assertTrue(out.contains("forwarded by node 2's proxy"), both);
    assertTrue(out.contains("forwarded by node 1's proxy"), both);

    Matcher id = RUN_ID.matcher(out);
    assertTrue(id.find(), both);
    List<String> left = DemoCommand.namespacesStartingWith(id.group(1));
    assertEquals(List.of(), left, "namespaces left behind");
    Matcher dir = Pattern.compile("configs and logs in (\\S+)").matcher(out);
    assertTrue(dir.find(), both);
    assertTrue(!Files.exists(Path.of(dir.group(1))), "temp dir left behind: " + dir.group(1));
  }

  @Test
  void logEvidenceIsShortenedToTimeAndMessage() {
    assertEquals(
        "02:38:51.882 (VI_1) Entering MASTER STATE (master down timer expired)",
        EvidenceStep.shorten(
            "2026-11-22T02:38:51.882Z [INFO] vipd.vrrp - (VI_1) Entering MASTER STATE"
                + " (master down timer expired)"));
    assertEquals("not a log line", EvidenceStep.shorten("not a log line"));
  }

  @Test
  void helpDoesNotStartTheDemo() {
    ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    int status;
    try (PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8)) {
      status = new Cli().execute(new String[] {"demo", "--help"}, out, err);
      assertEquals(2, new Cli().execute(new String[] {"demo", "--nodes", "5"}, out, err));
    }
    assertEquals(0, status);
    assertTrue(outBytes.toString(StandardCharsets.UTF_8).startsWith("usage: vipd"));
  }
}
