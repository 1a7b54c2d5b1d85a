package io.vipd.daemon.cli;

import io.vipd.daemon.config.ClusterCheck;
import io.vipd.daemon.config.ConfigLoader;
import io.vipd.daemon.config.ConfigProblem;
import io.vipd.daemon.config.HostCheck;
import io.vipd.daemon.config.HostFacts;
import io.vipd.daemon.config.LoadResult;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code vipd check --config FILE [--config FILE ...] [--host]}: validates each file and prints
 * every problem. With {@code --host} each file is also judged against this machine ({@link
 * HostCheck}); with two or more valid files they are also judged together as one cluster's nodes
 * ({@link ClusterCheck}).
 */
final class CheckCommand {

  private final PrintStream out;

  CheckCommand(PrintStream out) {
    this.out = out;
  }

  int run(List<String> files) {
    return run(files, false);
  }

  int run(List<String> files, boolean host) {
    List<String> targets = files.isEmpty() ? List.of(Usage.DEFAULT_CONFIG) : files;
    boolean anyError = false;
    List<ClusterCheck.NodeFile> nodes = new ArrayList<>();
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
      List<ConfigProblem> hostProblems = List.of();
      if (host && r.isValid()) {
        hostProblems = HostCheck.check(f, r.config().orElseThrow(), HostFacts.local());
        hostProblems.forEach(p -> out.println(p.format()));
      }
      long hostErrors = hostProblems.stream().filter(ConfigProblem::isError).count();
      out.println(
          hostProblems.isEmpty()
              ? summary(f, r)
              : summary(
                  f,
                  (int) (r.errors().size() + hostErrors),
                  (int) (r.warnings().size() + hostProblems.size() - hostErrors)));
      anyError |= !r.isValid() || hostErrors > 0;
      r.config().ifPresent(c -> nodes.add(new ClusterCheck.NodeFile(f, c)));
    }
    if (targets.size() >= 2 && nodes.size() == targets.size()) {
      List<ConfigProblem> cluster = ClusterCheck.check(nodes);
      cluster.forEach(p -> out.println(p.format()));
      int errors = (int) cluster.stream().filter(ConfigProblem::isError).count();
      out.println(
          summary("cluster of " + nodes.size() + " files", errors, cluster.size() - errors));
      anyError |= errors > 0;
    }
    return anyError ? Cli.INVALID : Cli.OK;
  }

  static String summary(String file, LoadResult r) {
    return summary(file, r.errors().size(), r.warnings().size());
  }

  private static String summary(String what, int errors, int warnings) {
    String w = count(warnings, "warning");
    if (errors == 0) {
      return what + ": valid" + (warnings == 0 ? "" : " (" + w + ")");
    }
    return what + ": invalid, " + count(errors, "error") + ", " + w;
  }

  private static String count(int n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }
}
