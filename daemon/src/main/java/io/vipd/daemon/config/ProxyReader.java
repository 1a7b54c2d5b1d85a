package io.vipd.daemon.config;

import com.typesafe.config.ConfigObject;
import io.vipd.health.PassiveAction;
import io.vipd.proxy.ProxyOptions;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Reads and validates {@code proxy}: frontends, backends and the references between them. */
final class ProxyReader {

  private static final Duration MAX_TIMEOUT = Duration.ofDays(7);

  private final ConfigObject frontendDefaults;
  private final ConfigObject backendDefaults;
  private final ConfigObject serverDefaults;

  ProxyReader(
      ConfigObject frontendDefaults, ConfigObject backendDefaults, ConfigObject serverDefaults) {
    this.frontendDefaults = frontendDefaults;
    this.backendDefaults = backendDefaults;
    this.serverDefaults = serverDefaults;
  }

  Optional<ProxyConfig> read(Node proxy) {
    Optional<Integer> maxconn = proxy.integer("maxconn", 1, 1_000_000);
    Optional<Duration> drainGrace =
        proxy.duration("drain-grace", Duration.ZERO, Duration.ofHours(1));
    if (drainGrace.isPresent() && drainGrace.get().compareTo(Duration.ofSeconds(25)) > 0) {
      proxy.warning(
          "drain-grace",
          drainGrace.get().toSeconds()
              + "s: raise TimeoutStopSec in vipd.service (30s) and the static pod's"
              + " terminationGracePeriodSeconds (30) above it, or they kill vipd mid-drain");
    }
    Optional<Boolean> busyPolling = proxy.bool("busy-polling");
    Optional<Duration> pollWindow =
        proxy.duration(
            "poll-window",
            Duration.ZERO,
            Duration.ofNanos(ProxyOptions.MAX_POLL_WINDOW_NANOS),
            "a duration 0s..1ms (like 20us; 0s: the loops sleep at once)");
    Optional<Duration> coalesceWindow =
        proxy.duration(
            "coalesce-window",
            Duration.ZERO,
            Duration.ofNanos(ProxyOptions.MAX_COALESCE_WINDOW_NANOS),
            "a duration 0s..1ms (like 50us; 0s: a busy loop is woken by each event)");
    Optional<Map<String, Node>> backendNodes = proxy.namedObjects("backends", backendDefaults);
    Optional<List<Node>> frontendNodes = proxy.objectList("frontends", frontendDefaults);
    proxy.finish();

    Map<String, BackendConfig> backends = new LinkedHashMap<>();
    Set<String> backendNames = backendNodes.map(m -> m.keySet()).orElse(Set.of());
    for (Map.Entry<String, Node> e : backendNodes.orElse(Map.of()).entrySet()) {
      readBackend(e.getKey(), e.getValue()).ifPresent(b -> backends.put(e.getKey(), b));
    }
    List<FrontendConfig> frontends = new ArrayList<>();
    Map<String, FrontendConfig> byName = new HashMap<>();
    Map<HostPort, FrontendConfig> byBind = new HashMap<>();
    Set<String> used = new HashSet<>();
    for (Node n : frontendNodes.orElse(List.of())) {
      Optional<FrontendConfig> f = readFrontend(n, backendNames);
      if (f.isEmpty()) {
        // rejected for something else (its bind, its name): the backend it names is still used
        n.peekString("backend").ifPresent(used::add);
        continue;
      }
      FrontendConfig c = f.get();
      used.add(c.backend());
      if (byName.putIfAbsent(c.name(), c) != null) {
        n.error(
            "name", "found " + c.name() + " again, expected a name not used by another frontend");
      }
      FrontendConfig sameBind = byBind.putIfAbsent(socketOf(c.bind()), c);
      if (sameBind != null) {
        n.error(
            "bind",
            "found "
                + c.bind()
                + ", expected an address not already bound by frontend "
                + sameBind.name()
                + (sameBind.bind().equals(c.bind())
                    ? ""
                    : " ("
                        + sameBind.bind()
                        + ": vipd listens on 0.0.0.0 dual-stack, on [::],"
                        + " so it takes IPv6 clients too; keep one of the two)"));
      }
      frontends.add(c);
    }
    for (Map.Entry<String, Node> e : backendNodes.orElse(Map.of()).entrySet()) {
      if (!used.contains(e.getKey()) && frontendNodes.isPresent()) {
        e.getValue().warningHere("not used by any frontend");
      }
    }
    if (proxy.hasErrors()) {
      return Optional.empty();
    }
    return Optional.of(
        new ProxyConfig(
            frontends,
            backends,
            maxconn.orElseThrow(),
            drainGrace.orElseThrow(),
            busyPolling.orElseThrow(),
            pollWindow.orElseThrow(),
            coalesceWindow.orElseThrow()));
  }

  /**
   * The socket a bind listens on: 0.0.0.0 and [::] are one, as the proxy binds the IPv4 wildcard
   * dual-stack on [::] (haproxy's {@code bind *:P} with {@code bind :::P v6only} is one vipd
   * frontend).
   */
  private static HostPort socketOf(HostPort bind) {
    String h = bind.host();
    boolean literal = h.contains(":") || h.matches("[0-9.]+");
    boolean wildcard;
    try {
      // a literal only (no name is looked up): [::0] and [0:0:0:0:0:0:0:0] are [::] too
      wildcard =
          literal && InetAddress.getByName(h.replace("[", "").replace("]", "")).isAnyLocalAddress();
    } catch (java.net.UnknownHostException e) {
      wildcard = false;
    }
    return wildcard ? new HostPort("::", bind.port()) : bind;
  }

  private static Optional<FrontendConfig> readFrontend(Node n, Set<String> backendNames) {
    Optional<String> name = n.proxyName("name", "a frontend name");
    Optional<HostPort> bind =
        n.text("bind", "ip:port").flatMap(s -> CheckReader.hostPort(n, "bind", s, false, 1));
    Optional<String> backend = n.text("backend", "the name of a backend under proxy.backends");
    Optional<Integer> maxconn = n.integer("maxconn", 0, 1_000_000);
    n.finish();
    if (backend.isPresent() && !backendNames.contains(backend.get())) {
      n.error(
          "backend",
          "found "
              + Node.quoteIfNeeded(backend.get())
              + ", expected the name of a backend defined under proxy.backends"
              + (backendNames.isEmpty()
                  ? " (none is defined)"
                  : Suggestions.hint(backend.get(), backendNames)));
    }
    if (n.hasErrors()) {
      return Optional.empty();
    }
    return Optional.of(new FrontendConfig(name.get(), bind.get(), backend.get(), maxconn.get()));
  }

  private Optional<BackendConfig> readBackend(String name, Node n) {
    if (!ProxyNames.allowed(name)) {
      n.errorHere(ProxyNames.problem(name, "a backend name"));
    }
    Optional<Balance> balance = n.choice("balance", CheckReader.names(Balance.values()));
    Optional<List<Node>> serverNodes = n.objectList("servers", serverDefaults);
    Optional<BackendCheckConfig> check = n.child("check").flatMap(ProxyReader::readCheck);
    Optional<ProxyTimeouts> timeouts = n.child("timeouts").flatMap(ProxyReader::readTimeouts);
    Optional<Integer> retries = n.integer("retries", 0, 100);
    Optional<Boolean> redispatch = n.bool("redispatch");
    Optional<OnMarkedDown> onMarkedDown =
        n.choice("on-marked-down", CheckReader.names(OnMarkedDown.values()));
    Optional<Observe> observe = n.choice("observe", CheckReader.names(Observe.values()));
    Optional<Integer> errorLimit = n.integer("error-limit", 1, 1000);
    Optional<PassiveAction> onError =
        n.choice("on-error", CheckReader.names(PassiveAction.values()));
    Optional<Duration> slowstart = n.duration("slowstart", Duration.ZERO, Duration.ofHours(1));
    Optional<OnMarkedUp> onMarkedUp =
        n.choice("on-marked-up", CheckReader.names(OnMarkedUp.values()));
    Optional<Integer> rebalanceRate = n.integer("rebalance-rate", 0, 10_000);
    Optional<Boolean> allBackups = n.bool("all-backups");
    n.finish();
    List<ServerConfig> servers = new ArrayList<>();
    Set<String> serverNames = new HashSet<>();
    for (Node s : serverNodes.orElse(List.of())) {
      Optional<ServerConfig> server = readServer(s);
      if (server.isPresent()) {
        if (!serverNames.add(server.get().name())) {
          s.error(
              "name",
              "found "
                  + server.get().name()
                  + " again, expected a name not used by another server of "
                  + name);
        }
        servers.add(server.get());
      }
    }
    if (serverNodes.isPresent() && serverNodes.get().isEmpty()) {
      n.error("servers", "found an empty list, expected at least one server");
    }
    if (rebalanceRate.orElse(0) > 0
        && balance.isPresent()
        && (balance.get() == Balance.SOURCE || balance.get() == Balance.FIRST)) {
      // a closed client would come back to the same server (its address's hash, the first with
      // room): the rebalancer would close sessions every second for nothing
      n.error(
          "rebalance-rate",
          "found "
              + rebalanceRate.get()
              + " with balance = "
              + balance.get().name().toLowerCase(java.util.Locale.ROOT)
              + ", expected 0: its reconnecting clients would return to the same server; use"
              + " leastconn");
    }
    if (!servers.isEmpty() && servers.stream().allMatch(ServerConfig::backup)) {
      n.warning(
          "servers",
          allBackups.orElse(false)
              ? "every server is a backup server: they share the connections like normal ones"
              : "every server is a backup server: the first usable one takes every connection"
                  + " (all-backups = true: they share them)");
    }
    if (n.hasErrors()) {
      return Optional.empty();
    }
    return Optional.of(
        new BackendConfig(
            name,
            balance.get(),
            servers,
            check.get(),
            timeouts.get(),
            retries.get(),
            redispatch.get(),
            onMarkedDown.get(),
            new PassiveHealth(observe.get(), errorLimit.get(), onError.get()),
            slowstart.get(),
            onMarkedUp.get(),
            rebalanceRate.get(),
            allBackups.get()));
  }

  private static Optional<ServerConfig> readServer(Node s) {
    Optional<String> name = s.proxyName("name", "a server name");
    Optional<HostPort> address =
        s.text("address", "host:port").flatMap(a -> CheckReader.hostPort(s, "address", a, true, 1));
    Optional<Integer> weight = s.integer("weight", 0, 256);
    Optional<Boolean> backup = s.bool("backup");
    Optional<Integer> maxconn = s.integer("maxconn", 0, 1_000_000);
    s.finish();
    if (s.hasErrors()) {
      return Optional.empty();
    }
    return Optional.of(
        new ServerConfig(name.get(), address.get(), weight.get(), backup.get(), maxconn.get()));
  }

  /** What a server check's keys apply to; the others apply to every type. */
  private static final Map<String, Set<BackendCheckType>> CHECK_KEYS_APPLY_TO =
      Map.of(
          "path", EnumSet.of(BackendCheckType.HTTP, BackendCheckType.HTTPS),
          "expect-status", EnumSet.of(BackendCheckType.HTTP, BackendCheckType.HTTPS),
          "insecure", EnumSet.of(BackendCheckType.HTTPS, BackendCheckType.TLS),
          "ca-file", EnumSet.of(BackendCheckType.HTTPS, BackendCheckType.TLS),
          "client-cert", EnumSet.of(BackendCheckType.HTTPS, BackendCheckType.TLS),
          "client-key", EnumSet.of(BackendCheckType.HTTPS, BackendCheckType.TLS));

  /**
   * Warns of keys written for another type of check (a haproxy user's {@code path} for option
   * httpchk on a check left at the default type tcp), as checks.NAME does: they are ignored.
   */
  private static void warnInapplicable(Node c, BackendCheckType t) {
    for (String key : new java.util.TreeSet<>(CHECK_KEYS_APPLY_TO.keySet())) {
      Set<BackendCheckType> to = CHECK_KEYS_APPLY_TO.get(key);
      if (c.isSetByUser(key) && !to.contains(t) && !off(c.userObject().get(key))) {
        c.warning(
            key,
            "ignored for type "
                + t.name().toLowerCase(java.util.Locale.ROOT)
                + " (it applies to "
                + String.join(
                    ", ",
                    to.stream()
                        .map(x -> x.name().toLowerCase(java.util.Locale.ROOT))
                        .sorted()
                        .toList())
                + "; set type)");
      }
    }
  }

  /** Whether a check key's value turns nothing on ({@code false}, {@code ""}): not worth a word. */
  private static boolean off(com.typesafe.config.ConfigValue v) {
    Object u = v == null ? null : v.unwrapped();
    return Boolean.FALSE.equals(u) || "".equals(u);
  }

  private static Optional<BackendCheckConfig> readCheck(Node c) {
    Optional<BackendCheckType> type =
        c.choice("type", CheckReader.names(BackendCheckType.values()));
    Optional<String> path = c.text("path", "an HTTP path starting with /");
    if (path.isPresent() && !path.get().startsWith("/")) {
      c.error(
          "path",
          "found " + Node.quoteIfNeeded(path.get()) + ", expected an HTTP path starting with /");
    }
    Optional<Boolean> insecure = c.bool("insecure");
    // read when an https or tls check is built: there, they must be readable now
    boolean tls =
        type.map(t -> t == BackendCheckType.HTTPS || t == BackendCheckType.TLS).orElse(false);
    Optional<Path> caFile = CheckReader.pathReadIf(c, "ca-file", tls && !insecure.orElse(false));
    Optional<Path> clientCert = CheckReader.pathReadIf(c, "client-cert", tls);
    Optional<Path> clientKey = CheckReader.pathReadIf(c, "client-key", tls);
    if (tls) {
      CheckReader.tlsContents(
          c, insecure.orElse(false) ? Optional.empty() : caFile, clientCert, clientKey);
    }
    Optional<Integer> expectStatus = c.integer("expect-status", 100, 599);
    Optional<Duration> interval =
        c.duration("interval", Duration.ofMillis(10), Duration.ofHours(24));
    Optional<Duration> fast =
        c.optionalDuration("fast-interval", Duration.ofMillis(10), Duration.ofHours(24));
    Optional<Duration> down =
        c.optionalDuration("down-interval", Duration.ofMillis(10), Duration.ofHours(24));
    Optional<Duration> timeout = c.duration("timeout", Duration.ofMillis(10), Duration.ofHours(1));
    Optional<Integer> fall = c.integer("fall", 1, 1000);
    Optional<Integer> rise = c.integer("rise", 1, 1000);
    Optional<Integer> port = c.integer("port", 0, 65535);
    if (clientCert.isPresent() != clientKey.isPresent()) {
      c.error(
          clientCert.isPresent() ? "client-key" : "client-cert",
          "missing, expected client-cert and client-key together");
    }
    type.ifPresent(t -> warnInapplicable(c, t));
    if (interval.isPresent()
        && timeout.isPresent()
        && timeout.get().compareTo(interval.get()) > 0) {
      c.warning(
          "timeout",
          "longer than interval ("
              + Durations.format(interval.get())
              + "): a slow check delays the next one");
    }
    if (tls && insecure.isPresent() && !insecure.get() && caFile.isEmpty()) {
      c.warning(
          "ca-file",
          "empty: server certificates are verified against the JVM's trust store, which an"
              + " apiserver's cluster CA is not in; set ca-file (e.g."
              + " /etc/kubernetes/pki/ca.crt) or insecure = true");
    }
    c.finish();
    if (c.hasErrors()) {
      return Optional.empty();
    }
    return Optional.of(
        new BackendCheckConfig(
            type.get(),
            path.get(),
            insecure.get(),
            caFile,
            clientCert,
            clientKey,
            expectStatus.get(),
            interval.get(),
            fast.orElse(interval.get()),
            down.orElse(interval.get()),
            timeout.get(),
            fall.get(),
            rise.get(),
            port.get()));
  }

  private static Optional<ProxyTimeouts> readTimeouts(Node t) {
    Duration min = Duration.ofMillis(1);
    Optional<Duration> connect = t.duration("connect", min, MAX_TIMEOUT);
    Optional<Duration> client = t.duration("client", min, MAX_TIMEOUT);
    Optional<Duration> server = t.duration("server", min, MAX_TIMEOUT);
    Optional<Duration> tunnel = t.duration("tunnel", Duration.ZERO, MAX_TIMEOUT);
    Optional<Duration> clientFin = t.duration("client-fin", Duration.ZERO, MAX_TIMEOUT);
    Optional<Duration> serverFin = t.duration("server-fin", Duration.ZERO, MAX_TIMEOUT);
    Optional<Duration> queue = t.duration("queue", Duration.ZERO, MAX_TIMEOUT);
    t.finish();
    if (t.hasErrors()) {
      return Optional.empty();
    }
    return Optional.of(
        new ProxyTimeouts(
            connect.get(),
            client.get(),
            server.get(),
            tunnel.get(),
            clientFin.get(),
            serverFin.get(),
            queue.get()));
  }
}
