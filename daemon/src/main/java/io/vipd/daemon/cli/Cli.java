package io.vipd.daemon.cli;

import io.vipd.daemon.Daemon;
import io.vipd.daemon.config.DaemonConfig;
import io.vipd.daemon.demo.DemoCommand;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
            CliArgs a = CliArgs.parse(args, Set.of("config"), Set.of("help", "host"), "config");
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
        case "server":
          {
            List<String> pos = positionals(args);
            CliArgs a = CliArgs.parse(rest(args, pos.size()), Set.of("admin", "token"), Set.of());
            String action = pos.isEmpty() ? "" : pos.get(0);
            boolean withValue = action.equals("weight") || action.equals("maxconn");
            if (!Set.of("drain", "disable", "enable", "weight", "maxconn", "shutdown-sessions")
                    .contains(action)
                || pos.size() != (withValue ? 3 : 2)
                || pos.get(1).indexOf('/') <= 0
                || pos.get(1).endsWith("/")) {
              throw new UsageException(
                  "server needs drain|disable|enable|shutdown-sessions BACKEND/SERVER, or"
                      + " weight|maxconn BACKEND/SERVER N");
            }
            return new OperationCommand(out, err, last(a, "admin"), last(a, "token"))
                .server(action, pos.get(1), withValue ? Optional.of(pos.get(2)) : Optional.empty());
          }
        case "reload":
          {
            CliArgs a = CliArgs.parse(args, Set.of("admin", "token"), Set.of());
            return new OperationCommand(out, err, last(a, "admin"), last(a, "token")).reload();
          }
        case "frontend":
          {
            List<String> pos = positionals(args);
            CliArgs a = CliArgs.parse(rest(args, pos.size()), Set.of("admin", "token"), Set.of());
            String action = pos.isEmpty() ? "" : pos.get(0);
            if (!Set.of("disable", "enable").contains(action) || pos.size() != 2) {
              throw new UsageException("frontend needs disable FRONTEND or enable FRONTEND");
            }
            return new OperationCommand(out, err, last(a, "admin"), last(a, "token"))
                .frontend(action, pos.get(1));
          }
        case "vrrp":
          {
            List<String> pos = positionals(args);
            CliArgs a =
                CliArgs.parse(rest(args, pos.size()), Set.of("admin", "token", "wait"), Set.of());
            String action = pos.isEmpty() ? "" : pos.get(0);
            if (!Set.of("handover", "release").contains(action) || pos.size() != 2) {
              throw new UsageException("vrrp needs handover INSTANCE or release INSTANCE");
            }
            OperationCommand c = new OperationCommand(out, err, last(a, "admin"), last(a, "token"));
            if (action.equals("release")) {
              if (!a.values("wait").isEmpty()) {
                throw new UsageException("--wait is for vrrp handover");
              }
              return c.release(pos.get(1));
            }
            return c.handover(pos.get(1), waitOption(last(a, "wait")));
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

  /** The words after the command and before the first option. */
  private static List<String> positionals(String[] args) {
    List<String> pos = new ArrayList<>();
    for (int i = 1; i < args.length && !args[i].startsWith("-"); i++) {
      pos.add(args[i]);
    }
    return pos;
  }

  /** {@code args} without the {@code n} positionals after the command word. */
  private static String[] rest(String[] args, int n) {
    String[] r = new String[args.length - n];
    r[0] = args[0];
    System.arraycopy(args, 1 + n, r, 1, args.length - 1 - n);
    return r;
  }

  /** {@code --wait} as {@code 10s}, {@code 500ms}, {@code 2m} or plain seconds; 10 s by default. */
  static Duration waitOption(Optional<String> v) throws UsageException {
    if (v.isEmpty()) {
      return Duration.ofSeconds(10);
    }
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("(\\d{1,6})(ms|s|m)?").matcher(v.get().trim());
    if (!m.matches()) {
      throw new UsageException("--wait needs a duration like 10s, 500ms or 2m, got " + v.get());
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    return switch (unit) {
      case "ms" -> Duration.ofMillis(n);
      case "m" -> Duration.ofMinutes(n);
      default -> Duration.ofSeconds(n);
    };
  }

  private static java.util.Optional<String> last(CliArgs a, String name) {
    java.util.List<String> v = a.values(name);
    return v.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(v.get(v.size() - 1));
  }
}
