package io.vipd.daemon.config;

import io.vipd.daemon.text.ShellWords;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The programs of {@code type = exec} checks, judged on this machine: an absolute program that does
 * not exist or cannot be executed makes the check fail on every run, and with the usual weight 0,
 * its instance goes to FAULT on every node that received the same file. keepalived reports such a
 * script ("not found/accessible") when it reads its configuration; vipd reports it in {@code vipd
 * check --host} and refuses a reload that brings it (the running configuration stays). A program
 * given by name is looked up on PATH by the process that runs it, which this check cannot see, and
 * a shell command line is the shell's business: neither is judged.
 */
public final class ExecPrograms {

  private ExecPrograms() {}

  /**
   * One error per tracked exec check whose absolute program is missing or not executable here (a
   * check no instance tracks is never run).
   */
  public static List<ConfigProblem> problems(String file, DaemonConfig config) {
    List<ConfigProblem> out = new ArrayList<>();
    for (Map.Entry<String, CheckConfig> e : config.trackedChecks().entrySet()) {
      CheckConfig c = e.getValue();
      if (c.type() != CheckType.EXEC || c.shell() || c.command().isEmpty()) {
        continue;
      }
      String program = c.command().get(0);
      if (!program.startsWith("/")) {
        continue;
      }
      Path p;
      try {
        p = Path.of(program);
      } catch (InvalidPathException invalid) {
        continue; // not a path the system could run either; the run reports it
      }
      String why = whyNotRunnable(p);
      if (why != null) {
        out.add(
            new ConfigProblem(
                ConfigProblem.Severity.ERROR,
                file,
                0,
                "checks." + e.getKey() + ".command",
                "found "
                    + program
                    + ", which "
                    + why
                    + " on this machine, expected an executable program: the check would fail"
                    + " at every run"));
      }
    }
    return out;
  }

  /**
   * One warning per notify command whose absolute program is missing or not executable here: the
   * transition it reports is not reported. A warning, not a refusal (keepalived logs such a script
   * and runs on): a reload or a start is not held up by a notification.
   */
  public static List<ConfigProblem> notifyProblems(String file, DaemonConfig config) {
    List<ConfigProblem> out = new ArrayList<>();
    List<VrrpInstanceConfig> instances = config.vrrp().instances();
    for (int i = 0; i < instances.size(); i++) {
      for (Map.Entry<String, Optional<String>> c : instances.get(i).notifyScripts().byKey()) {
        if (c.getValue().isEmpty()) {
          continue;
        }
        List<String> words = ShellWords.split(c.getValue().get());
        if (words.isEmpty() || !words.get(0).startsWith("/")) {
          continue;
        }
        String why;
        try {
          why = whyNotRunnable(Path.of(words.get(0)));
        } catch (InvalidPathException invalid) {
          continue;
        }
        if (why != null) {
          out.add(
              new ConfigProblem(
                  ConfigProblem.Severity.WARNING,
                  file,
                  0,
                  "vrrp.instances[" + i + "].notify." + c.getKey(),
                  "found "
                      + words.get(0)
                      + ", which "
                      + why
                      + " on this machine, expected an executable program: these transitions"
                      + " will not be reported"));
        }
      }
    }
    return out;
  }

  /** Why {@code p} cannot be run, or null if it can. */
  private static String whyNotRunnable(Path p) {
    return !Files.exists(p)
        ? "does not exist"
        : !Files.isRegularFile(p)
            ? "is not a file"
            : !Files.isExecutable(p) ? "is not executable" : null;
  }
}
