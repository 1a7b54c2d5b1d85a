package io.vipd.daemon.config;

import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** Reads the whole file, section by section, from the merged (user over reference) config. */
final class DaemonConfigReader {

  static final List<String> LOG_LEVELS = List.of("error", "warn", "info", "debug", "trace");

  private DaemonConfigReader() {}

  static Optional<DaemonConfig> read(Path source, Node root, ConfigObject referenceDefaults) {
    Optional<Node> defaultsNode = root.child("defaults");
    boolean defaultsFine =
        defaultsNode.map(d -> checkDefaultsKeys(d, referenceDefaults)).orElse(true);
    // a defaults block that is not what reference.conf's is (reported) is not used: the rest is
    // read on reference.conf's, to report its own problems too
    ConfigObject defaults =
        defaultsFine
            ? defaultsNode.map(DaemonConfigReader::mergedOf).orElse(referenceDefaults)
            : referenceDefaults;

    Set<String> checkNames = new TreeSet<>();
    Map<String, CheckConfig> checks =
        new CheckReader(object(defaults, "check")).read(root, checkNames);
    Optional<VrrpConfig> vrrp =
        root.child("vrrp")
            .flatMap(
                n ->
                    new VrrpReader(
                            object(defaults, "vrrp-instance"),
                            object(defaults, "track"),
                            checkNames)
                        .read(n));
    Optional<ProxyConfig> proxy =
        root.child("proxy")
            .flatMap(
                n ->
                    new ProxyReader(
                            object(defaults, "frontend"),
                            object(defaults, "backend"),
                            object(defaults, "server"))
                        .read(n));
    proxy.ifPresent(p -> checkProxyReferences(root, checks, p));
    Optional<AdminConfig> admin = root.child("admin").flatMap(DaemonConfigReader::admin);
    Optional<LoggingConfig> logging = root.child("logging").flatMap(DaemonConfigReader::logging);
    root.finish();
    if (root.hasErrors()) {
      return Optional.empty();
    }
    return Optional.of(
        new DaemonConfig(
            source,
            vrrp.orElseThrow(),
            checks,
            proxy.orElseThrow(),
            admin.orElseThrow(),
            logging.orElseThrow()));
  }

  /**
   * A check of type proxy must name a backend that exists, and ask for no more servers up than it
   * has (it could never pass: tracked with weight 0, the instance would stay in FAULT).
   */
  private static void checkProxyReferences(
      Node root, Map<String, CheckConfig> checks, ProxyConfig proxy) {
    for (CheckConfig c : checks.values()) {
      if (c.type() != CheckType.PROXY) {
        continue;
      }
      BackendConfig b = proxy.backends().get(c.backend().orElse(""));
      if (b != null) {
        if (c.minServersUp() > b.servers().size()) {
          root.child("checks")
              .flatMap(n -> n.child(c.name()))
              .orElseThrow()
              .error(
                  "min-servers-up",
                  "found "
                      + c.minServersUp()
                      + ", expected at most "
                      + b.servers().size()
                      + ", the servers of backend "
                      + b.name()
                      + ": more could never be up, and the check never pass");
        }
        continue;
      }
      Node check = root.child("checks").flatMap(n -> n.child(c.name())).orElseThrow();
      check.error(
          "backend",
          "found "
              + Node.quoteIfNeeded(c.backend().orElse(""))
              + ", expected the name of a backend defined under proxy.backends"
              + (proxy.backends().isEmpty()
                  ? " (none is defined)"
                  : Suggestions.hint(c.backend().orElse(""), proxy.backends().keySet())));
    }
  }

  private static ConfigObject mergedOf(Node n) {
    return n.mergedObject();
  }

  private static ConfigObject object(ConfigObject defaults, String key) {
    return (ConfigObject) defaults.get(key);
  }

  /**
   * The user's {@code defaults} block may only hold keys that reference.conf's has: it feeds list
   * elements, where a misspelt default would otherwise silently do nothing.
   */
  private static boolean checkDefaultsKeys(Node defaults, ConfigObject reference) {
    defaults.consumeAll();
    return walk(defaults.userObject(), reference, defaults.path(), defaults);
  }

  /** Reports the user's keys that reference.conf's block lacks; true if there were none. */
  private static boolean walk(ConfigObject user, ConfigObject reference, String path, Node p) {
    boolean fine = true;
    for (String k : new TreeSet<>(user.keySet())) {
      ConfigValue u = user.get(k);
      ConfigValue r = reference.get(k);
      String kp = path + "." + k;
      if (r instanceof ConfigObject && !(u instanceof ConfigObject)) {
        fine = false;
        p.errorAt(
            u.origin(),
            kp,
            "found "
                + (u.valueType() == com.typesafe.config.ConfigValueType.NULL ? "null" : u.render())
                + ", expected an object of default keys ({ ... })");
      } else if (r == null) {
        fine = false;
        String hint = Suggestions.hint(k, reference.keySet());
        p.errorAt(
            u.origin(),
            kp,
            hint.isEmpty()
                ? "unknown key, expected one of: "
                    + String.join(", ", new TreeSet<>(reference.keySet()))
                : "unknown key" + hint);
      } else if (u instanceof ConfigObject uo && r instanceof ConfigObject ro) {
        fine &= walk(uo, ro, kp, p);
      }
    }
    return fine;
  }

  private static Optional<AdminConfig> admin(Node a) {
    Optional<Boolean> enabled = a.bool("enabled");
    Optional<HostPort> bind =
        a.text("bind", "ip:port").flatMap(s -> CheckReader.hostPort(a, "bind", s, false, 0));
    Optional<String> token = a.optionalText("token", "a token");
    Optional<StatsSocketConfig> socket =
        a.child("stats-socket").flatMap(DaemonConfigReader::statsSocket);
    a.finish();
    if (enabled.orElse(false) && bind.isPresent() && token.isEmpty() && !isLoopback(bind.get())) {
      // vipd run refuses this (AdminServer), so vipd check must too
      a.error(
          "bind",
          "found "
              + bind.get()
              + " beyond loopback without a token, expected a loopback address or admin.token:"
              + " anyone who can reach it could read /status and /metrics and run operations");
    }
    if (a.hasErrors()) {
      return Optional.empty();
    }
    return Optional.of(
        new AdminConfig(enabled.get(), bind.get(), token.map(Secret::new), socket.orElseThrow()));
  }

  /** sun_path holds 108 bytes, with the terminating NUL. */
  private static final int MAX_SOCKET_PATH = 107;

  private static Optional<StatsSocketConfig> statsSocket(Node s) {
    Optional<Path> path = CheckReader.path(s, "path");
    if (path.isPresent()
        && path.get().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length
            > MAX_SOCKET_PATH) {
      s.error(
          "path",
          "found a path of "
              + path.get().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length
              + " bytes, expected at most "
              + MAX_SOCKET_PATH
              + " (the kernel's limit for a Unix socket's path)");
      path = Optional.empty();
    }
    Optional<String> modeText = s.text("mode", "an octal mode like 600 or 0660");
    Optional<Integer> mode = modeText.flatMap(m -> octalMode(s, m));
    Optional<CliLevel> level = s.choice("level", CheckReader.names(CliLevel.values()));
    Optional<Duration> timeout = s.duration("timeout", Duration.ofSeconds(1), Duration.ofDays(1));
    s.finish();
    if (s.hasErrors()) {
      return Optional.empty();
    }
    return Optional.of(new StatsSocketConfig(path, mode.get(), level.get(), timeout.get()));
  }

  /** haproxy's {@code mode}: permission bits in octal, at most 0777 (no setuid, sticky...). */
  private static Optional<Integer> octalMode(Node s, String text) {
    String t = text.trim();
    if (t.matches("0?[0-7]{1,3}")) {
      return Optional.of(Integer.parseInt(t, 8));
    }
    s.error("mode", "found " + Node.quoteIfNeeded(t) + ", expected an octal mode like 600 or 0660");
    return Optional.empty();
  }

  private static boolean isLoopback(HostPort hp) {
    try {
      return Addresses.ipLiteral(hp.host()).isLoopbackAddress();
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static Optional<LoggingConfig> logging(Node l) {
    Map<String, String> levels = new LinkedHashMap<>();
    LOG_LEVELS.forEach(s -> levels.put(s, s));
    Optional<String> level = l.choice("level", levels);
    Optional<Boolean> connections = l.bool("connections");
    l.finish();
    if (level.isEmpty() || connections.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new LoggingConfig(level.get(), connections.get()));
  }
}
