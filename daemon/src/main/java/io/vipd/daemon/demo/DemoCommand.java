package io.vipd.daemon.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@code vipd demo}: builds a LAN of network namespaces on this machine, runs three vipd processes
 * in it and narrates, with measured timings, how the VIP is elected and moves when masters are
 * stopped and killed; with a stand-in kube-apiserver per node behind every vipd's proxy, where
 * HTTPS requests to the VIP land before and after each failover. Everything it creates is removed
 * at the end, on failure and on Ctrl-C.
 *
 * <p>Runs on the calling thread; call {@link #run} once per instance.
 */
public final class DemoCommand {

  /** Exit status after a demo that showed everything it meant to. */
  public static final int OK = 0;

  /** Exit status when a prerequisite is missing or the demo failed. */
  public static final int FAILED = 1;

  /** Prefix of every namespace the demo creates; a random id follows. */
  public static final String NAMESPACE_PREFIX = "vipd-demo-";

  private final PrintStream out;
  private final PrintStream err;

  /**
   * @param out the narration
   * @param err failures
   */
  public DemoCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  /**
   * Runs the demo.
   *
   * @param keep after the story, keep the cluster running until the process is interrupted
   *     (Ctrl-C), printing commands to look around
   * @return {@link #OK} or {@link #FAILED}
   */
  public int run(boolean keep) {
    Optional<String> problem = Prerequisites.problem();
    if (problem.isPresent()) {
      err.println("vipd demo: " + problem.get());
      return FAILED;
    }
    warnAboutLeftovers();
    Narrator say = new Narrator(out);
    DemoContext ctx = null;
    try (Cleanup cleanup = new Cleanup()) {
      try {
        String id = NAMESPACE_PREFIX + HexFormat.of().formatHex(randomBytes());
        Path dir = Files.createTempDirectory(NAMESPACE_PREFIX);
        cleanup.add(() -> deleteDirectory(dir));
        DemoLan lan = new DemoLan(id, DemoScript.NODES);
        cleanup.add(lan::close);
        say.step("creating a demo LAN of network namespaces (subnet " + DemoLan.SUBNET + ")");
        lan.build();
        say.detail(lan.bridgeNamespace() + ": bridge br0 with a client address, " + DemoLan.CLIENT);
        for (int i = 1; i <= lan.nodes(); i++) {
          say.detail(
              lan.namespace(i)
                  + ": node "
                  + i
                  + ", "
                  + DemoLan.INTERFACE
                  + " "
                  + DemoLan.address(i)
                  + "/24, MAC "
                  + DemoLan.mac(i));
        }
        say.detail("configs and logs in " + dir);
        ctx = new DemoContext(say, lan, dir, cleanup, Prerequisites.onPath("ping"));
        for (DemoStep step : DemoScript.steps()) {
          step.run(ctx);
        }
        say.plain("");
        say.plain("summary: VIP " + DemoContext.VIP + ": " + String.join("; ", ctx.summary()));
        say.plain("");
        if (keep) {
          keepRunning(ctx);
        }
        say.step("cleaning up: stopping vipd, deleting the namespaces and " + dir);
        cleanup.run();
        List<String> left = namespacesStartingWith(id);
        if (!left.isEmpty()) {
          throw new DemoFailure("could not delete namespaces " + left);
        }
        say.detail("done");
        return OK;
      } catch (DemoFailure | IOException e) {
        if (cleanup.byHook()) {
          return FAILED;
        }
        err.println("vipd demo failed: " + e.getMessage());
        if (ctx != null) {
          printLogTails(ctx);
        }
        err.println("vipd demo: removing what it created");
        return FAILED;
      }
    }
  }

  private void keepRunning(DemoContext ctx) throws DemoFailure {
    Narrator say = ctx.say();
    DemoLan lan = ctx.lan();
    say.step("--keep: restarting the stopped nodes so that you have a full cluster");
    for (int i = 1; i <= lan.nodes(); i++) {
      if (!ctx.node(i).isAlive()) {
        ctx.startVipd(i).awaitLog("vipd started", Duration.ofSeconds(60));
        say.detail("node " + i + " running again, pid " + ctx.node(i).pid());
      }
    }
    for (DemoNode n : ctx.nodes()) {
      for (String line : n.logLines(l -> l.contains("removed stale VIP"))) {
        say.detail("node " + n.number() + ": " + EvidenceStep.shorten(line));
      }
    }
    long start = System.nanoTime();
    int preferred = lan.nodes();
    ctx.awaitHolderOutside(Set.of(), Duration.ofSeconds(10));
    while (!lan.holders(DemoContext.VIP).equals(Set.of(preferred))) {
      if (DemoContext.millisSince(start) > 10_000) {
        throw new DemoFailure("node " + preferred + " did not take the VIP back");
      }
      Sleep.of(DemoContext.POLL);
    }
    say.detail(
        "node "
            + preferred
            + " has the highest priority and took the VIP back (preemption) after "
            + DemoContext.millisSince(start)
            + " ms");
    say.plain("");
    say.plain("look around (as root, in another terminal):");
    for (int i = 1; i <= lan.nodes(); i++) {
      say.plain(
          "  ip netns exec " + lan.namespace(i) + " ip -br addr show dev " + DemoLan.INTERFACE);
    }
    say.plain("  ip netns exec " + lan.bridgeNamespace() + " ping " + DemoContext.VIP);
    if (ctx.proxying()) {
      say.plain(
          "  ip netns exec "
              + lan.bridgeNamespace()
              + " curl -sk https://"
              + DemoContext.VIP
              + ":"
              + DemoContext.PROXY_PORT
              + "/    # which apiserver answers, via which node's proxy");
    }
    for (int i = 1; i <= lan.nodes(); i++) {
      say.plain(
          "  kill "
              + ctx.node(i).pid()
              + "        # stop node "
              + i
              + "'s vipd; tail -f "
              + ctx.node(i).log());
    }
    say.plain("press Ctrl-C to stop the demo and remove everything");
    while (true) {
      Sleep.of(Duration.ofSeconds(1));
    }
  }

  private void printLogTails(DemoContext ctx) {
    for (DemoNode n : ctx.nodes()) {
      err.println("---- last lines of node " + n.number() + "'s log (" + n.log() + ") ----");
      n.tail(15).forEach(line -> err.println("  " + line));
    }
  }

  private void warnAboutLeftovers() {
    List<String> left = namespacesStartingWith(NAMESPACE_PREFIX);
    if (!left.isEmpty()) {
      out.println(
          "note: namespaces of another or an interrupted demo exist: "
              + String.join(" ", left)
              + " (remove with: ip netns del NAME)");
    }
  }

  /** Names in /run/netns starting with {@code prefix}. */
  static List<String> namespacesStartingWith(String prefix) {
    try (Stream<Path> s = Files.list(Path.of("/run/netns"))) {
      return s.map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith(prefix))
          .sorted()
          .toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  private static byte[] randomBytes() {
    byte[] b = new byte[3];
    new SecureRandom().nextBytes(b);
    return b;
  }

  private static void deleteDirectory(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.toList()) {
        Files.deleteIfExists(p);
      }
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      System.err.println("vipd demo: could not delete " + dir + ": " + e.getMessage());
    }
  }
}
