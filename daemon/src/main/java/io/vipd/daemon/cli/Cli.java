package io.vipd.daemon.cli;

import io.vipd.daemon.Daemon;
import io.vipd.daemon.config.DaemonConfig;
import io.vipd.daemon.demo.DemoCommand;
import java.io.PrintStream;
import java.util.Set;

/**
 * The {@code vipd} command line, hand-parsed. {@link #execute} returns the exit status instead of
 * exiting, so tests run it in-process; {@code Main} does the exit.
 *
 * <p>Exit statuses: 0 success; 1 invalid configuration (or the daemon's own failure status); 2
 * usage error or a command this version does not have yet.
 */
public final class Cli {

  /** Runs the daemon for a validated configuration and returns its exit status. */
  @FunctionalInterface
  public interface DaemonLauncher {
    int run(DaemonConfig config);
  }

  public static final int OK = 0;
  public static final int INVALID = 1;
  public static final int USAGE = 2;

  private final DaemonLauncher launcher;

  /** The real CLI: {@code run} starts a {@link Daemon}. */
  public Cli() {
    this(config -> new Daemon(config).run());
  }

  /** A CLI whose {@code run} hands the configuration to {@code launcher} (tests). */
  public Cli(DaemonLauncher launcher) {
    this.launcher = launcher;
  }

  /**
   * Runs one command line.
   *
   * @param args the arguments after {@code vipd}
   * @param out normal output (help, version, check results, run warnings)
   * @param err errors and usage problems
   * @return the exit status
   */
  public int execute(String[] args, PrintStream out, PrintStream err) {
    String command = args.length == 0 ? "" : args[0];
    try {
      switch (command) {
        case "help", "--help", "-h":
          out.print(Usage.TEXT);
          return OK;
        case "version", "--version":
          CliArgs.parse(args, Set.of(), Set.of());
          out.println("vipd " + Version.get());
          return OK;
        case "check":
          {
            CliArgs a = CliArgs.parse(args, Set.of("config"), Set.of("help", "host"));
            if (a.flags().contains("help")) {
              out.print(Usage.TEXT);
              return OK;
            }
            return new CheckCommand(out).run(a.values("config"), a.flags().contains("host"));
          }
        case "run":
          {
            CliArgs a = CliArgs.parse(args, Set.of("config"), Set.of("help"));
            if (a.flags().contains("help")) {
              out.print(Usage.TEXT);
              return OK;
            }
            if (a.values("config").size() > 1) {
              throw new UsageException("run takes one --config");
            }
            return new RunCommand(out, err, launcher).run(a.values("config"));
          }
        case "status":
          {
            CliArgs a = CliArgs.parse(args, Set.of("admin", "token"), Set.of("help"));
            if (a.flags().contains("help")) {
              out.print(Usage.TEXT);
              return OK;
            }
            return new StatusCommand(out, err).run(last(a, "admin"), last(a, "token"));
          }
        case "import":
          {
            CliArgs a = CliArgs.parse(args, Set.of("keepalived", "haproxy"), Set.of());
            return new ImportCommand(out, err).run(a.values("keepalived"), a.values("haproxy"));
          }
        case "demo":
          {
            CliArgs a = CliArgs.parse(args, Set.of(), Set.of("help", "keep"));
            if (a.flags().contains("help")) {
              out.print(Usage.TEXT);
              return OK;
            }
            return new DemoCommand(out, err).run(a.flags().contains("keep"));
          }
        case "manifest":
          {
            if (args.length < 2 || !args[1].equals("static-pod")) {
              throw new UsageException("manifest needs a kind: manifest static-pod --config FILE");
            }
            CliArgs a =
                CliArgs.parse(
                    java.util.Arrays.copyOfRange(args, 1, args.length),
                    Set.of("config", "image"),
                    Set.of());
            if (a.values("config").size() > 1 || a.values("image").size() > 1) {
              throw new UsageException("manifest static-pod takes one --config and one --image");
            }
            return new io.vipd.daemon.manifest.StaticPodCommand(out, err)
                .run(
                    a.values("config").stream().findFirst().orElse(Usage.DEFAULT_CONFIG),
                    a.values("image").stream().findFirst().orElse(null),
                    Version.get());
          }
        default:
          throw new UsageException(
              command.isEmpty() ? "no command given" : "unknown command \"" + command + "\"");
      }
    } catch (UsageException e) {
      err.println("vipd: " + e.getMessage());
      err.print(Usage.TEXT);
      return USAGE;
    }
  }

  private static java.util.Optional<String> last(CliArgs a, String name) {
    java.util.List<String> v = a.values(name);
    return v.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(v.get(v.size() - 1));
  }
}
