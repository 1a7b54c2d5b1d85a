package io.vipd.daemon.cli;

import io.vipd.daemon.config.ConfigLoader;
import io.vipd.daemon.config.ConfigProblem;
import io.vipd.daemon.config.ExecPrograms;
import io.vipd.daemon.config.LoadResult;
import io.vipd.daemon.reload.EarlySignals;
import io.vipd.daemon.systemd.JournalPriorities;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code vipd run --config FILE}: loads and validates; refuses to start on any error (exit 1),
 * otherwise prints warnings and the parts not yet active, then runs the daemon in the foreground.
 */
final class RunCommand {

  private static final String LOG_LEVEL_PROPERTY = "org.slf4j.simpleLogger.defaultLogLevel";

  private final PrintStream out;
  private final PrintStream err;
  private final Cli.DaemonLauncher launcher;

  RunCommand(PrintStream out, PrintStream err, Cli.DaemonLauncher launcher) {
    this.out = out;
    this.err = err;
    this.launcher = launcher;
  }

  int run(List<String> files) {
    // First: a SIGHUP while the configuration is read must not end the process (it is kept and
    // reloads once vipd has started); the daemon installs its own handlers later.
    EarlySignals.install();
    String file = files.isEmpty() ? Usage.DEFAULT_CONFIG : files.get(0);
    LoadResult r = ConfigLoader.load(Path.of(file));
    if (!r.isValid()) {
      for (ConfigProblem p : r.errors()) {
        err.println(p.format());
      }
      for (ConfigProblem p : r.warnings()) {
        err.println(p.format());
      }
      err.println("vipd: not starting: " + CheckCommand.summary(file, r));
      return Cli.INVALID;
    }
    for (ConfigProblem p : r.warnings()) {
      out.println(p.format());
    }
    // said, not refused, at start (a script may be deployed after the file, as keepalived starts
    // with a script it cannot find); a reload that brings one is refused
    for (ConfigProblem p : ExecPrograms.problems(file, r.config().orElseThrow())) {
      out.println(
          new ConfigProblem(
                  ConfigProblem.Severity.WARNING, p.file(), p.line(), p.key(), p.message())
              .format());
    }
    for (ConfigProblem p : ExecPrograms.notifyProblems(file, r.config().orElseThrow())) {
      out.println(p.format());
    }
    for (String n : r.notYetActive()) {
      out.println(file + ": note: " + n);
    }
    // Applies when slf4j-simple has not been initialised yet, i.e. in the real process; an
    // explicit -Dorg.slf4j.simpleLogger.defaultLogLevel wins.
    if (System.getProperty(LOG_LEVEL_PROPERTY) == null) {
      System.setProperty(LOG_LEVEL_PROPERTY, r.config().orElseThrow().logging().level());
    }
    out.flush();
    // Before the first logger writes: under systemd, log lines carry their journal priority.
    JournalPriorities.installIfJournal();
    return launcher.run(r.config().orElseThrow());
  }
}
