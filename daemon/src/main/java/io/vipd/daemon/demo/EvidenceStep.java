package io.vipd.daemon.demo;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Prints each node's VRRP state changes from its own log, as evidence of what happened. */
final class EvidenceStep implements DemoStep {

  private static final Pattern LINE =
      Pattern.compile("\\d{4}-\\d\\d-\\d\\dT(\\S+?)(?:Z|[+-]\\d\\d:\\d\\d) \\[\\w+\\] \\S+ - (.*)");

  @Override
  public void run(DemoContext ctx) throws DemoFailure {
    ctx.say().step("what each vipd logged (state changes):");
    for (DemoNode n : ctx.nodes()) {
      ctx.say().detail("node " + n.number() + " (" + n.log() + "):");
      List<String> lines = n.logLines(EvidenceStep::relevant);
      for (String line : lines) {
        ctx.say().detail("  " + shorten(line));
      }
    }
  }

  /** "2026-11-22T02:38:51.306Z [INFO] some.Logger - text" to "02:38:51.306 text". */
  static String shorten(String line) {
    Matcher m = LINE.matcher(line);
    return m.matches() ? m.group(1) + " " + m.group(2) : line;
  }

  private static boolean relevant(String line) {
    return line.contains("(VI_1)") || line.contains("vipd st");
  }
}
