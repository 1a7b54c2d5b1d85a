package io.vipd.daemon.config;

import com.typesafe.config.ConfigObject;
import io.vipd.health.check.TlsFiles;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Reads and validates {@code checks.<name>}. */
final class CheckReader {

  /** Which types use which type-specific key; a key set for another type is ignored (warned). */
  private static final Map<String, Set<CheckType>> APPLIES_TO = new LinkedHashMap<>();

  static {
    APPLIES_TO.put("url", EnumSet.of(CheckType.HTTP, CheckType.HTTPS));
    APPLIES_TO.put("expect-status", EnumSet.of(CheckType.HTTP, CheckType.HTTPS));
    APPLIES_TO.put("insecure", EnumSet.of(CheckType.HTTPS, CheckType.TLS));
    APPLIES_TO.put("ca-file", EnumSet.of(CheckType.HTTPS, CheckType.TLS));
    APPLIES_TO.put("client-cert", EnumSet.of(CheckType.HTTPS, CheckType.TLS));
    APPLIES_TO.put("client-key", EnumSet.of(CheckType.HTTPS, CheckType.TLS));
    APPLIES_TO.put("address", EnumSet.of(CheckType.TCP, CheckType.TLS));
    APPLIES_TO.put("command", EnumSet.of(CheckType.EXEC));
    APPLIES_TO.put("shell", EnumSet.of(CheckType.EXEC));
    APPLIES_TO.put("path", EnumSet.of(CheckType.FILE));
    APPLIES_TO.put("backend", EnumSet.of(CheckType.PROXY));
    APPLIES_TO.put("min-servers-up", EnumSet.of(CheckType.PROXY));
  }

  private final ConfigObject checkDefaults;

  CheckReader(ConfigObject checkDefaults) {
    this.checkDefaults = checkDefaults;
  }

  /** The valid checks by name; invalid ones are left out (their errors are recorded). */
  Map<String, CheckConfig> read(Node root, Set<String> definedNames) {
    Optional<Map<String, Node>> entries = root.namedObjects("checks", checkDefaults);
    Map<String, CheckConfig> out = new LinkedHashMap<>();
    for (Map.Entry<String, Node> e : entries.orElse(Map.of()).entrySet()) {
      definedNames.add(e.getKey());
      readCheck(e.getKey(), e.getValue()).ifPresent(c -> out.put(e.getKey(), c));
    }
    return out;
  }

  private static Optional<CheckConfig> readCheck(String name, Node n) {
    Optional<CheckType> type = n.choice("type", names(CheckType.values()));
    Optional<String> url = n.optionalText("url", "a URL");
    Optional<Boolean> insecure = n.bool("insecure");
    // read when an https or tls check is built: there, they must be readable now
    boolean tls = type.map(t -> t == CheckType.HTTPS || t == CheckType.TLS).orElse(false);
    Optional<Path> caFile = pathReadIf(n, "ca-file", tls && !insecure.orElse(false));
    Optional<Path> clientCert = pathReadIf(n, "client-cert", tls);
    Optional<Path> clientKey = pathReadIf(n, "client-key", tls);
    if (tls) {
      tlsContents(n, insecure.orElse(false) ? Optional.empty() : caFile, clientCert, clientKey);
    }
    Optional<Integer> expectStatus = n.integer("expect-status", 100, 599);
    Optional<String> address = n.optionalText("address", "host:port");
    Optional<List<Node.Item>> command = n.scalarList("command", "strings");
    Optional<Boolean> shell = n.bool("shell");
    int errorsBeforePath = n.problems().errorCount();
    Optional<Path> path = path(n, "path");
    boolean badPath = n.problems().errorCount() > errorsBeforePath;
    Optional<Duration> interval =
        n.duration("interval", Duration.ofMillis(10), Duration.ofHours(24));
    Optional<Duration> timeout = n.duration("timeout", Duration.ofMillis(10), Duration.ofHours(1));
    Optional<Integer> fall = n.integer("fall", 1, 1000);
    Optional<Integer> rise = n.integer("rise", 1, 1000);
    Optional<String> backend = n.optionalText("backend", "a backend name under proxy.backends");
    Optional<Integer> minServersUp = n.integer("min-servers-up", 1, 10000);
    n.finish();
    if (type.isEmpty()) {
      return Optional.empty();
    }
    CheckType t = type.get();
    String typeName = t.name().toLowerCase(Locale.ROOT);
    for (Map.Entry<String, Set<CheckType>> a : APPLIES_TO.entrySet()) {
      if (n.isSetByUser(a.getKey()) && !a.getValue().contains(t)) {
        n.warning(
            a.getKey(),
            "ignored for type " + typeName + " (it applies to " + join(a.getValue()) + ")");
      }
    }
    Optional<URI> uri = Optional.empty();
    Optional<HostPort> hostPort = Optional.empty();
    List<String> argv =
        command.map(l -> l.stream().map(Node.Item::text).toList()).orElse(List.of());
    switch (t) {
      case HTTP, HTTPS -> {
        if (url.isEmpty()) {
          n.error("url", "missing, expected a " + typeName + ":// URL for type " + typeName);
        } else {
          uri = url(n, url.get(), typeName);
        }
      }
      case TCP, TLS -> {
        if (address.isEmpty()) {
          n.error("address", "missing, expected host:port for type " + typeName);
        } else {
          hostPort = hostPort(n, "address", address.get(), true, 1);
        }
      }
      case EXEC -> {
        if (command.isPresent() && argv.isEmpty()) {
          n.error(
              "command", "missing, expected [\"/path/to/program\", \"arg\", ...] for type exec");
        }
      }
      case FILE -> {
        if (path.isEmpty() && !badPath) {
          n.error("path", "missing, expected an absolute file path for type file");
        }
      }
      case PROXY -> {
        if (backend.isEmpty()) {
          n.error(
              "backend", "missing, expected a backend name under proxy.backends for type proxy");
        }
      }
    }
    if ((t == CheckType.HTTPS || t == CheckType.TLS)
        && clientCert.isPresent() != clientKey.isPresent()) {
      n.error(
          clientCert.isPresent() ? "client-key" : "client-cert",
          "missing, expected client-cert and client-key together");
    }
    if ((t == CheckType.HTTPS || t == CheckType.TLS)
        && insecure.orElse(false)
        && caFile.isPresent()) {
      n.warning("ca-file", "ignored: insecure = true skips certificate verification");
    }
    if (interval.isPresent()
        && timeout.isPresent()
        && timeout.get().compareTo(interval.get()) > 0) {
      n.warning(
          "timeout",
          "longer than interval ("
              + Durations.format(interval.get())
              + "): a slow run delays the next one");
    }
    if (n.hasErrors()) {
      return Optional.empty();
    }
    return Optional.of(
        new CheckConfig(
            name,
            t,
            uri,
            insecure.get(),
            caFile,
            clientCert,
            clientKey,
            expectStatus.get(),
            hostPort,
            argv,
            shell.get(),
            path,
            interval.get(),
            timeout.get(),
            fall.get(),
            rise.get(),
            backend,
            minServersUp.get()));
  }

  private static Optional<URI> url(Node n, String text, String scheme) {
    String expected =
        "a " + scheme + "://host[:port]/path URL for type " + scheme + " (port 1..65535)";
    try {
      URI u = new URI(text);
      // java.net.URI takes any port number; -1 is none written (the scheme's)
      boolean port = u.getPort() == -1 || (u.getPort() >= 1 && u.getPort() <= 65535);
      if (scheme.equalsIgnoreCase(u.getScheme()) && u.getHost() != null && port) {
        return Optional.of(u);
      }
    } catch (URISyntaxException e) {
      // reported below
    }
    n.error("url", "found " + Node.quoteIfNeeded(text) + ", expected " + expected);
    return Optional.empty();
  }

  /** An optional absolute file path. */
  static Optional<Path> path(Node n, String key) {
    Optional<String> s = n.optionalText(key, "an absolute file path");
    if (s.isPresent() && !s.get().startsWith("/")) {
      n.error(key, "found " + Node.quoteIfNeeded(s.get()) + ", expected an absolute file path");
      return Optional.empty();
    }
    try {
      return s.map(Path::of);
    } catch (java.nio.file.InvalidPathException e) { // a NUL character
      n.error(
          key, "found " + Node.quoteIfNeeded(s.get()) + ", expected a file path: " + e.getReason());
      return Optional.empty();
    }
  }

  /**
   * {@link #path}, to a file the check reads when it is built (a CA, certificate or key): when
   * {@code read} (the check's type reads it), it must be a readable file now, as {@code haproxy -c}
   * requires of its certificate files, so that a typo is reported here with its line rather than
   * when the check starts.
   */
  static Optional<Path> pathReadIf(Node n, String key, boolean read) {
    Optional<Path> p = path(n, key);
    if (read && p.isPresent() && !(Files.isRegularFile(p.get()) && Files.isReadable(p.get()))) {
      n.error(
          key,
          "found "
              + Node.quoteIfNeeded(p.get().toString())
              + ", expected a readable file ("
              + (!Files.exists(p.get())
                  ? "no such file"
                  : Files.isRegularFile(p.get()) ? "not readable by this user" : "not a file")
              + ")");
      return Optional.empty();
    }
    return p;
  }

  /**
   * The TLS files a check reads when it is built, already found to be readable files: each must
   * hold what the check will parse from it (the CA's and client's certificates, the client's key),
   * or the check could not be built once the configuration is taken. Empty means not read.
   */
  static void tlsContents(
      Node n, Optional<Path> caFile, Optional<Path> clientCert, Optional<Path> clientKey) {
    caFile.ifPresent(
        ca ->
            TlsFiles.certificatesProblem(ca)
                .ifPresent(why -> n.error("ca-file", unusable(ca, "PEM CA certificates", why))));
    if (clientCert.isEmpty()) {
      return;
    }
    Path cert = clientCert.get();
    Optional<String> certProblem = TlsFiles.certificatesProblem(cert);
    certProblem.ifPresent(
        why -> n.error("client-cert", unusable(cert, "a PEM certificate chain", why)));
    if (certProblem.isEmpty() && clientKey.isPresent()) {
      Path key = clientKey.get();
      TlsFiles.privateKeyProblem(cert, key)
          .ifPresent(
              why ->
                  n.error(
                      "client-key", unusable(key, "an unencrypted PKCS#8 PEM private key", why)));
    }
  }

  private static String unusable(Path file, String expected, String why) {
    return "found "
        + Node.quoteIfNeeded(file.toString())
        + ", expected a file of "
        + expected
        + " ("
        + why
        + ")";
  }

  static Optional<HostPort> hostPort(
      Node n, String key, String text, boolean allowNames, int minPort) {
    try {
      return Optional.of(Addresses.hostPort(text, allowNames, minPort));
    } catch (IllegalArgumentException e) {
      n.error(key, "found " + Node.quoteIfNeeded(text) + ", expected " + e.getMessage());
      return Optional.empty();
    }
  }

  static <E extends Enum<E>> Map<String, E> names(E[] values) {
    Map<String, E> m = new LinkedHashMap<>();
    for (E e : values) {
      m.put(e.name().toLowerCase(Locale.ROOT).replace('_', '-'), e);
    }
    return m;
  }

  private static String join(Set<CheckType> types) {
    List<String> s = new ArrayList<>();
    for (CheckType t : types) {
      s.add(t.name().toLowerCase(Locale.ROOT));
    }
    return String.join(", ", s);
  }
}
