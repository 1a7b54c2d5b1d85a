package io.vipd.daemon.demo;

import java.time.Duration;

/** Starts one vipd per node and waits until each has logged that it started. */
final class StartNodesStep implements DemoStep {

  /** JVM start on a busy two-core machine can be slow; this bounds a broken start. */
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final int nodes;

  StartNodesStep(int nodes) {
    this.nodes = nodes;
  }

  @Override
  public void run(DemoContext ctx) throws DemoFailure {
    ctx.say()
        .step(
            "starting vipd on nodes 1.."
                + nodes
                + " (VRRPv3, an advertisement every 100 ms, VIP "
                + DemoContext.VIP
                + "/24)");
    long start = System.nanoTime();
    for (int i = 1; i <= nodes; i++) {
      DemoNode n = ctx.startVipd(i);
      ctx.say()
          .detail(
              "node "
                  + i
                  + ": priority "
                  + DemoContext.priority(i)
                  + ", pid "
                  + n.pid()
                  + ", config "
                  + ctx.dir().resolve("node-" + i + ".conf"));
    }
    for (int i = 1; i <= nodes; i++) {
      ctx.node(i).awaitLog("vipd started", START_TIMEOUT);
    }
    ctx.say().detail("all " + nodes + " running after " + DemoContext.millisSince(start) + " ms");
  }
}
