package io.vipd.daemon.cli;

import io.vipd.daemon.config.ConfigLoader;
import io.vipd.daemon.config.ConfigProblem;
import io.vipd.daemon.config.LoadResult;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code vipd check --config FILE [--config FILE ...]}: validates each file and prints every
 * problem. Several files are checked one by one (a cluster-wide check across nodes' files is a
 * later feature).
 */
final class CheckCommand {

  private final PrintStream out;

  CheckCommand(PrintStream out) {
    this.out = out;
  }

  int run(List<String> files) {
    List<String> targets = files.isEmpty() ? List.of(Usage.DEFAULT_CONFIG) : files;
    boolean anyError = false;
    for (String f : targets) {
      LoadResult r = ConfigLoader.load(Path.of(f));
      for (ConfigProblem p : r.errors()) {
        out.println(p.format());
      }
      for (ConfigProblem p : r.warnings()) {
        out.println(p.format());
      }
      for (String n : r.notYetActive()) {
        out.println(f + ": note: " + n);
      }
      out.println(summary(f, r));
      anyError |= !r.isValid();
    }
    return anyError ? Cli.INVALID : Cli.OK;
  }

  static String summary(String file, LoadResult r) {
    String w = count(r.warnings().size(), "warning");
    if (r.isValid()) {
      return file + ": valid" + (r.warnings().isEmpty() ? "" : " (" + w + ")");
    }
    return file + ": invalid, " + count(r.errors().size(), "error") + ", " + w;
  }

  private static String count(int n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }
}
