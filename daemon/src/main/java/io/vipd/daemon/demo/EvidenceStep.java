package io.vipd.daemon.demo;

import java.util.List;

/** Prints each node's VRRP state changes from its own log, as evidence of what happened. */
final class EvidenceStep implements DemoStep {

  @Override
  public void run(DemoContext ctx) throws DemoFailure {
    ctx.say().step("what each vipd logged (state changes):");
    for (DemoNode n : ctx.nodes()) {
      ctx.say().detail("node " + n.number() + " (" + n.log() + "):");
      List<String> lines = n.logLines(EvidenceStep::relevant);
      for (String line : lines) {
        ctx.say().detail("  " + line);
      }
    }
  }

  private static boolean relevant(String line) {
    return line.contains("(VI_1)") || line.contains("vipd st");
  }
}
