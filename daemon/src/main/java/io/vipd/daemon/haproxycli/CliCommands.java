package io.vipd.daemon.haproxycli;

import io.vipd.daemon.config.BackendConfig;
import io.vipd.daemon.config.CliLevel;
import io.vipd.daemon.config.ProxyConfig;
import io.vipd.daemon.config.ServerConfig;
import io.vipd.daemon.proxy.ProxyService;
import io.vipd.proxy.ProxyStatus;
import io.vipd.proxy.ServerAdminState;
import io.vipd.proxy.ServerStatus;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The commands of haproxy's runtime API that apply to an L4 proxy, with haproxy's answers: its
 * output, its error lines ({@code No such backend.}, {@code Permission denied}, ...) and nothing
 * for a change that was made. Reads and changes go to whatever runs now ({@code view} follows
 * reloads). Thread-safe: every call reads a snapshot or goes to a thread-safe seam of the proxy.
 */
final class CliCommands {
  private static final Logger log = LoggerFactory.getLogger(CliCommands.class);

  static final String PERMISSION_DENIED = "Permission denied\n";
  static final String NO_SUCH_BACKEND = "No such backend.\n";
  static final String NO_SUCH_SERVER = "No such server.\n";
  static final String REQUIRE_SERVER = "Require 'backend/server'.\n";

  /** {@code help}: what vipd answers, in haproxy's layout. */
  static final String HELP =
      """
      The following commands are valid at this level:
        disable frontend <frontend>             : temporarily disable specific frontend
        disable server <bk>/<srv>               : put a server in maintenance (same as 'set server ... state maint')
        enable frontend <frontend>              : re-enable specific frontend
        enable server <bk>/<srv>                : make a server ready again (same as 'set server ... state ready')
        get weight <bk>/<srv>                   : report a server's current weight
        help                                    : this list
        operator                                : lower the level of the current CLI session to operator
        prompt                                  : toggle interactive mode with prompt
        quit                                    : disconnect
        set maxconn frontend <frontend> <value> : change a frontend's maxconn setting
        set maxconn global <value>              : change the per-process maxconn setting
        set maxconn server <bk>/<srv> <value>   : change a server's maxconn setting
        set server <bk>/<srv> state <ready|drain|maint> : change a server's state
        set server <bk>/<srv> weight <w>[%]     : change a server's weight
        set weight <bk>/<srv> <w>[%]            : change a server's weight
        show backend                            : list backends in the current running config
        show cli level                          : display the level of the current CLI session
        show info                               : report information about the running process
        show stat [<px>|<iid> <type> <sid>]     : report counters for each proxy and server (CSV)
        shutdown sessions server <bk>/<srv>     : kill sessions on a server
        user                                    : lower the level of the current CLI session to user
      """;

  private final Supplier<ProxyView> view;

  /**
   * Whether {@code show stat} fills the servers' addresses: as in haproxy, when the socket's
   * configured level is operator or admin (a session that lowered its own level still sees them).
   */
  private final boolean addresses;

  CliCommands(Supplier<ProxyView> view, CliLevel socketLevel) {
    this.view = view;
    this.addresses = socketLevel.compareTo(CliLevel.OPERATOR) >= 0;
  }

  /** The answer to one command (its words), at {@code level}; never throws for bad input. */
  String run(List<String> w, CliLevel level) {
    String first = word(w, 0);
    String second = word(w, 1);
    switch (first) {
      case "help":
        return HELP;
      case "show":
        switch (second) {
          case "stat":
            return showStat(w.subList(2, w.size()));
          case "info":
            return showInfo(w.subList(2, w.size()));
          case "backend":
            return showBackend();
          default:
            return unknown(w);
        }
      case "get":
        return second.equals("weight") ? getWeight(word(w, 2)) : unknown(w);
      case "set":
        if (second.equals("weight")) {
          return admin(level, () -> setWeight(word(w, 2), word(w, 3)));
        }
        if (second.equals("server")) {
          return admin(level, () -> setServer(w));
        }
        if (second.equals("maxconn") && word(w, 2).equals("server")) {
          return admin(level, () -> setMaxconn(word(w, 3), word(w, 4)));
        }
        if (second.equals("maxconn") && word(w, 2).equals("frontend")) {
          return admin(level, () -> setFrontendMaxconn(word(w, 3), word(w, 4)));
        }
        if (second.equals("maxconn") && word(w, 2).equals("global")) {
          return admin(level, () -> setGlobalMaxconn(word(w, 3)));
        }
        return unknown(w);
      case "disable":
        if (second.equals("frontend")) {
          return admin(level, () -> setFrontendEnabled(word(w, 2), false));
        }
        return second.equals("server")
            ? admin(level, () -> setState(word(w, 2), ServerAdminState.MAINT))
            : unknown(w);
      case "enable":
        if (second.equals("frontend")) {
          return admin(level, () -> setFrontendEnabled(word(w, 2), true));
        }
        return second.equals("server")
            ? admin(level, () -> setState(word(w, 2), ServerAdminState.READY))
            : unknown(w);
      case "shutdown":
        return second.equals("sessions") && word(w, 2).equals("server")
            ? admin(level, () -> shutdownSessions(word(w, 3)))
            : unknown(w);
      default:
        return unknown(w);
    }
  }

  private static String admin(CliLevel level, Supplier<String> command) {
    return level == CliLevel.ADMIN ? command.get() : PERMISSION_DENIED;
  }

  /**
   * {@code show stat [{<iid>|<proxy>} <type> <sid>] [up] [no-maint]}: the filter, then haproxy's
   * keywords ({@code up}: servers up only; {@code no-maint}: none in maintenance); {@code typed}
   * and {@code json} are not served, {@code desc} changes nothing in CSV.
   */
  private String showStat(List<String> args) {
    ProxyView v = view.get();
    ProxyConfig config = v.config();
    List<String> positional = new java.util.ArrayList<>();
    boolean upOnly = false;
    boolean noMaint = false;
    for (String a : args) {
      switch (a) {
        case "typed", "json" -> {
          return "vipd shows stat in haproxy's CSV only, not " + a + ".\n";
        }
        case "up" -> upOnly = true;
        case "no-maint" -> noMaint = true;
        case "desc" -> {
          // descriptions only matter to typed and json output
        }
        default -> positional.add(a);
      }
    }
    StatCsv.Filter filter = StatCsv.Filter.ALL;
    if (positional.size() >= 3) {
      String px = positional.get(0);
      Integer types = integer(positional.get(1));
      Integer sid = integer(positional.get(2));
      if (types == null || sid == null) {
        return "Require <type> and <sid> as numbers.\n";
      }
      Integer iid = integer(px);
      if (iid == null) {
        iid = StatCsv.iidOf(config, px);
        if (iid < 0) {
          return "No such proxy.\n";
        }
      }
      filter = new StatCsv.Filter(Optional.empty(), iid, types, sid);
    }
    filter = filter.withServers(upOnly, noMaint);
    if (v.service().isEmpty()) {
      return StatCsv.header();
    }
    ProxyService p = v.service().get();
    return StatCsv.render(config, p.status(), p.checkStatus(), filter, addresses);
  }

  private String showInfo(List<String> args) {
    if (!args.isEmpty() && (args.get(0).equals("typed") || args.get(0).equals("json"))) {
      return "vipd shows info as 'Name: value' lines only, not " + args.get(0) + ".\n";
    }
    ProxyView v = view.get();
    Optional<ProxyService> p = v.service();
    ProxyStatus status = p.map(ProxyService::status).orElse(null);
    boolean stopping = p.isPresent() && !p.get().listening();
    long dropped = p.map(ProxyService::droppedLogLines).orElse(0L);
    int maxconn = status != null && status.maxconn() > 0 ? status.maxconn() : v.config().maxconn();
    return ShowInfo.render(status, maxconn, stopping, dropped);
  }

  private String showBackend() {
    StringBuilder out = new StringBuilder("# name\n");
    view.get().config().backends().keySet().forEach(b -> out.append(b).append('\n'));
    return out.toString();
  }

  private String getWeight(String name) {
    Target t = target(name);
    if (t.error != null) {
      return t.error;
    }
    return t.status.weight() + " (initial " + t.config.weight() + ")\n";
  }

  private String setWeight(String name, String value) {
    Target t = target(name);
    if (t.error != null) {
      return t.error;
    }
    if (value.isEmpty()) {
      return "Require <weight> or <weight%>.\n";
    }
    Integer weight;
    String digits = value.endsWith("%") ? value.substring(0, value.length() - 1) : value;
    if (!digits.matches("-?[0-9]+.*")) {
      return "Empty weight string empty or preceded by garbage\n";
    }
    if (!digits.matches("-?[0-9]+")) {
      return "Trailing garbage in weight string\n";
    }
    Integer n = integer(digits);
    if (n == null) {
      return "Trailing garbage in weight string\n";
    }
    if (value.endsWith("%")) {
      if (n < 0) {
        return "Relative weight must be positive.\n";
      }
      // haproxy: a percentage of the configured weight, at most 256
      weight = (int) Math.min(256, (long) t.config.weight() * n / 100);
    } else {
      if (n < 0 || n > 256) {
        return "Absolute weight can only be between 0 and 256 inclusive.\n";
      }
      weight = n;
    }
    t.proxy.setServerWeight(t.backend, t.server, weight);
    return "";
  }

  private String setServer(List<String> w) {
    String name = word(w, 2);
    String what = word(w, 3);
    String value = word(w, 4);
    switch (what) {
      case "state":
        return switch (value) {
          case "ready" -> setState(name, ServerAdminState.READY);
          case "drain" -> setState(name, ServerAdminState.DRAIN);
          case "maint" -> setState(name, ServerAdminState.MAINT);
          default -> "'set server <srv> state' expects 'ready', 'drain' and 'maint'.\n";
        };
      case "weight":
        return setWeight(name, value);
      default:
        Target t = target(name);
        if (t.error != null) {
          return t.error;
        }
        return "usage: set server <backend>/<server> state | weight"
            + " (vipd has no runtime addr, agent, check-addr, check-port, fqdn, health or ssl)\n";
    }
  }

  private String setState(String name, ServerAdminState state) {
    Target t = target(name);
    if (t.error != null) {
      return t.error;
    }
    t.proxy.setServerAdminState(t.backend, t.server, state);
    return "";
  }

  private String setMaxconn(String name, String value) {
    Target t = target(name);
    if (t.error != null) {
      return t.error;
    }
    if (value.isEmpty()) {
      return "Require <maxconn>.\n";
    }
    Integer n = integer(value);
    if (n == null || n < 0) {
      return "maxconn string empty or preceded by garbage\n";
    }
    if (n > 1_000_000) {
      return "vipd's maxconn can only be between 0 and 1000000 inclusive.\n";
    }
    t.proxy.setServerMaxconn(t.backend, t.server, n);
    return "";
  }

  /** {@code set maxconn frontend <fe> <n>}: 0 for none of its own, until the next reload. */
  private String setFrontendMaxconn(String frontend, String value) {
    FrontendTarget t = frontendTarget(frontend);
    if (t.error != null) {
      return t.error;
    }
    Integer n = integer(value);
    if (n == null) {
      return "Integer value expected.\n";
    }
    if (n < 0 || n > 1_000_000) {
      return "Value out of range.\n";
    }
    t.proxy.setFrontendMaxconn(frontend, n);
    return "";
  }

  /** {@code set maxconn global <n>}: 0 for the configured limit, until the next reload. */
  private String setGlobalMaxconn(String value) {
    Integer n = integer(value);
    if (n == null) {
      return "Expects an integer value.\n";
    }
    if (n < 0 || n > 1_000_000) {
      return "Value out of range.\n";
    }
    Optional<ProxyService> p = view.get().service();
    if (p.isEmpty()) {
      return "No proxy is configured.\n";
    }
    p.get().setGlobalMaxconn(n);
    return "";
  }

  /**
   * {@code disable frontend <fe>} / {@code enable frontend <fe>}: its sockets stop listening (new
   * connections are refused) or listen again, until the next reload.
   */
  private String setFrontendEnabled(String frontend, boolean enabled) {
    FrontendTarget t = frontendTarget(frontend);
    if (t.error != null) {
      return t.error;
    }
    try {
      if (t.proxy.setFrontendEnabled(frontend, enabled) == enabled) {
        return enabled
            ? "All sockets are already enabled.\n"
            : "All sockets are already disabled.\n";
      }
      return "";
    } catch (IllegalArgumentException e) { // removed by a reload meanwhile
      return "No such frontend.\n";
    } catch (IOException e) {
      log.warn(
          "stats socket: cannot {} frontend {}: {}",
          enabled ? "enable" : "disable",
          frontend,
          e.getMessage());
      return enabled
          ? "Failed to resume frontend, check logs for precise cause (port conflict?).\n"
          : "Failed to pause frontend, check logs for precise cause.\n";
    }
  }

  private String shutdownSessions(String name) {
    Target t = target(name);
    if (t.error != null) {
      return t.error;
    }
    t.proxy.shutdownSessions(t.backend, t.server);
    return "";
  }

  /** A frontend named on the command line and the proxy that runs it, or haproxy's error. */
  private record FrontendTarget(String error, ProxyService proxy) {}

  private FrontendTarget frontendTarget(String frontend) {
    if (frontend.isEmpty()) {
      return new FrontendTarget("A frontend name is expected.\n", null);
    }
    ProxyView v = view.get();
    boolean known = v.config().frontends().stream().anyMatch(f -> f.name().equals(frontend));
    if (!known || v.service().isEmpty()) {
      return new FrontendTarget("No such frontend.\n", null);
    }
    return new FrontendTarget(null, v.service().get());
  }

  /** A {@code backend/server} named on the command line, or haproxy's error for it. */
  private record Target(
      String error,
      ProxyService proxy,
      String backend,
      String server,
      ServerConfig config,
      ServerStatus status) {

    static Target failed(String error) {
      return new Target(error, null, null, null, null, null);
    }
  }

  private Target target(String name) {
    int slash = name.indexOf('/');
    if (slash <= 0 || slash == name.length() - 1) {
      return Target.failed(REQUIRE_SERVER);
    }
    String backend = name.substring(0, slash);
    String server = name.substring(slash + 1);
    ProxyView v = view.get();
    BackendConfig b = v.config().backends().get(backend);
    if (b == null || v.service().isEmpty()) {
      return Target.failed(NO_SUCH_BACKEND);
    }
    Optional<ServerConfig> sc =
        b.servers().stream().filter(s -> s.name().equals(server)).findFirst();
    Optional<ServerStatus> st =
        v.service().get().status().servers().stream()
            .filter(s -> s.backend().equals(backend) && s.server().equals(server))
            .findFirst();
    if (sc.isEmpty() || st.isEmpty()) {
      return Target.failed(NO_SUCH_SERVER);
    }
    return new Target(null, v.service().get(), backend, server, sc.get(), st.get());
  }

  private static String unknown(List<String> w) {
    return "Unknown command: '"
        + String.join(" ", w)
        + "'. vipd answers haproxy's commands for an L4 proxy; 'help' lists them.\n";
  }

  private static String word(List<String> w, int i) {
    return i < w.size() ? w.get(i) : "";
  }

  private static Integer integer(String s) {
    try {
      return Integer.parseInt(s.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
