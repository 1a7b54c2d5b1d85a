package io.vipd.daemon.importer;

import io.vipd.daemon.text.ShellWords;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decides what a keepalived {@code vrrp_script} checks, by reading the command and, when it runs a
 * small shell script file, that file: an API server request, haproxy's liveness, or something else.
 * Reads files only; thread-safe.
 */
final class ScriptClassifier {

  /** Script files larger than this are not read: check scripts are a few lines. */
  static final long MAX_SCRIPT_BYTES = 64 * 1024;

  private static final Set<String> SHELLS = Set.of("sh", "bash", "dash", "ash", "ksh", "zsh");
  private static final Set<String> API_PATHS = Set.of("/healthz", "/readyz", "/livez");
  private static final int APISERVER_PORT = 6443;

  /**
   * Ports of the other Kubernetes components' health endpoints (kubelet, kube-proxy,
   * controller-manager, scheduler, etcd): never the API server, whatever the script is named.
   */
  static final Set<Integer> OTHER_COMPONENT_PORTS =
      Set.of(2379, 2381, 10248, 10249, 10250, 10255, 10256, 10257, 10259);

  private static final Pattern ASSIGNMENT =
      Pattern.compile(
          "^\\s*(?:export\\s+|readonly\\s+|local\\s+)?([A-Za-z_][A-Za-z0-9_]*)="
              + "(?:\"([^\"]*)\"|'([^']*)'|([^\\s;#]*))");
  private static final Pattern VAR_WITH_DEFAULT =
      Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*):?-([^}]*)}");
  private static final Pattern VAR =
      Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}|\\$([A-Za-z_][A-Za-z0-9_]*)");
  private static final Pattern HTTP_CLIENT = Pattern.compile("\\b(curl|wget)\\b");
  private static final Pattern URL =
      Pattern.compile(
          "(https?)://(\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9._$\\-{}]+)(?::([0-9]+))?(/[^\\s\"'|;&)`]*)?");

  /** Environment variables that choose the CA bundle curl, wget or OpenSSL trust. */
  private static final Pattern CA_ENVIRONMENT =
      Pattern.compile("\\b(?:CURL_CA_BUNDLE|SSL_CERT_FILE|SSL_CERT_DIR)\\b");

  private static final Pattern HAPROXY_PROCESS =
      Pattern.compile(
          "\\b(?:killall\\s+-0\\s+haproxy|pidof\\s+(?:-\\S+\\s+)*haproxy|pgrep\\s+(?:-\\S+\\s+)*haproxy"
              + "|systemctl\\s+(?:-\\S+\\s+)*is-active\\s+(?:-\\S+\\s+)*haproxy|haproxy\\.pid)\\b");

  private final Path keepalivedDir;
  private final Path displayRoot;
  private final List<FrontendBind> frontends;
  private final Set<Integer> apiServerPorts;

  /**
   * @param keepalivedDir directory of keepalived.conf: script files are looked for there first
   * @param frontends the imported proxy frontends (empty without a haproxy config)
   */
  ScriptClassifier(Path keepalivedDir, List<FrontendBind> frontends) {
    this(keepalivedDir, frontends, Set.of());
  }

  /**
   * @param keepalivedDir directory of keepalived.conf: script files are looked for there first
   * @param frontends the imported proxy frontends (empty without a haproxy config)
   * @param serverPorts the ports of the imported proxy's servers: API servers, as 6443 is
   */
  ScriptClassifier(Path keepalivedDir, List<FrontendBind> frontends, Set<Integer> serverPorts) {
    this.keepalivedDir = keepalivedDir.toAbsolutePath().normalize();
    this.displayRoot = this.keepalivedDir;
    this.frontends = List.copyOf(frontends);
    this.apiServerPorts = Set.copyOf(serverPorts);
  }

  /**
   * The outcome for one script.
   *
   * @param check what the script becomes
   * @param source where its content was read (the command itself or a file), for the comment
   * @param warning why the result may differ from what keepalived did, if it may
   */
  record Classification(ScriptCheck check, String source, Optional<String> warning) {}

  /**
   * Classifies {@code script}.
   *
   * @param name the vrrp_script name, a hint when it mentions the API server
   */
  Classification classify(String name, String script) {
    List<String> argv = ShellWords.split(script);
    boolean shell = ShellWords.needsShell(script);
    ScriptCheck.Exec exec = new ScriptCheck.Exec(shell ? List.of(script) : argv, shell);
    if (argv.isEmpty()) {
      return new Classification(exec, "the script line", Optional.of("the script is empty"));
    }
    if (argv.size() == 3 && isShell(argv.get(0)) && argv.get(1).equals("-c")) {
      // "sh -c 'CMD'": vipd's shell = true runs CMD through sh -c itself.
      exec = new ScriptCheck.Exec(List.of(argv.get(2)), true);
    }
    Optional<String> scriptPath = scriptFile(argv);
    String text = script;
    String source = "the script command";
    if (scriptPath.isPresent()) {
      Optional<Path> found = locate(scriptPath.get());
      if (found.isEmpty()) {
        return new Classification(
            exec,
            "the script command",
            Optional.of(
                "script file "
                    + scriptPath.get()
                    + " not found (looked beside keepalived.conf and at its own path), so what it"
                    + " checks is unknown; kept as an exec check: review it"));
      }
      Optional<String> content = SourceFiles.readText(found.get(), MAX_SCRIPT_BYTES);
      if (content.isEmpty()) {
        return new Classification(
            exec,
            "the script command",
            Optional.of(
                "script file " + found.get() + " is not a small text file; kept as an exec check"));
      }
      text = content.get();
      source = "script file " + SourceLocation.displayName(displayRoot, found.get());
    }
    String hint = (name + " " + scriptPath.orElse("")).toLowerCase(Locale.ROOT);
    List<String> problems = new ArrayList<>();
    Optional<ScriptCheck> detected = detect(text, hint, problems);
    Optional<String> problem =
        problems.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", problems));
    if (detected.isPresent()) {
      return new Classification(detected.get(), source, problem);
    }
    if (HAPROXY_PROCESS.matcher(text).find()) {
      return new Classification(
          exec,
          source,
          Optional.of(
              "it checks haproxy, but no haproxy config was given: pass --haproxy so it becomes a"
                  + " check of vipd's own proxy; as an exec check it fails once haproxy is gone"));
    }
    return new Classification(exec, source, problem);
  }

  /**
   * What the script checks; {@code problems} receives what could not be read (a URL without a
   * usable port).
   */
  private Optional<ScriptCheck> detect(String rawText, String hint, List<String> problems) {
    List<String> lines = codeLines(rawText);
    Map<String, String> vars = assignments(lines);
    List<String> expanded = new ArrayList<>();
    for (String line : lines) {
      expanded.add(expand(line, vars));
    }
    Optional<ScriptCheck> http = httpRequest(expanded, hint, problems);
    if (http.isPresent()) {
      Matcher env = CA_ENVIRONMENT.matcher(rawText);
      if (http.get() instanceof ScriptCheck.Http h && h.scheme().equals("https") && env.find()) {
        problems.add(
            "the script names "
                + env.group()
                + ", which chooses the CA certificates curl (or OpenSSL) trusted; vipd's check"
                + " does not read the environment: set ca-file to that bundle");
      }
      return http;
    }
    return proxyAlive(expanded);
  }

  /**
   * The first request of the script to the API server, or else to another component's health
   * endpoint ({@code /healthz}, {@code /readyz}, {@code /livez}); a request to a port haproxy binds
   * is left to {@link #proxyAlive}.
   */
  private Optional<ScriptCheck> httpRequest(
      List<String> lines, String hint, List<String> problems) {
    ScriptCheck.Http first = null;
    List<String> others = new ArrayList<>();
    Set<String> badPorts = new java.util.HashSet<>();
    for (String line : lines) {
      if (!HTTP_CLIENT.matcher(line).find()) {
        continue;
      }
      Matcher m = URL.matcher(line);
      while (m.find()) {
        String url = m.group();
        if (url.contains("$") || others.contains(url)) {
          continue;
        }
        if (first != null) {
          if (!url.equals(first.originalUrl())) {
            others.add(url);
          }
          continue;
        }
        int port = port(m);
        if (port < 0) {
          if (badPorts.add(url)) {
            problems.add(
                "the request to "
                    + url
                    + " names port "
                    + m.group(3)
                    + ", outside 1..65535: curl and wget refuse such a URL, so that request always"
                    + " failed; it is not turned into an http(s) check");
          }
          continue;
        }
        if (frontendAt(m.group(2), port).isPresent()) {
          // haproxy's own port: a check of the proxy, see proxyAlive.
          continue;
        }
        String path = m.group(4) == null ? "/" : m.group(4).replaceAll("[?#].*", "");
        // The script's name only counts for HTTPS: plain HTTP may be any web service.
        boolean https = m.group(1).equals("https");
        boolean apiServer =
            port == APISERVER_PORT
                || apiServerPorts.contains(port) && !OTHER_COMPONENT_PORTS.contains(port)
                || https
                    && !OTHER_COMPONENT_PORTS.contains(port)
                    && (hint.contains("apiserver")
                        || hint.contains("kube")
                        || hint.contains("k8s"));
        if (apiServer || API_PATHS.contains(path)) {
          first =
              new ScriptCheck.Http(
                  m.group(1),
                  m.group(2) + ":" + port,
                  url,
                  apiServer,
                  HttpClientOptions.read(line, url),
                  List.of());
        }
      }
    }
    if (first == null) {
      return Optional.empty();
    }
    return Optional.of(
        new ScriptCheck.Http(
            first.scheme(),
            first.hostPort(),
            first.originalUrl(),
            first.apiServer(),
            first.client(),
            others));
  }

  private Optional<ScriptCheck> proxyAlive(List<String> lines) {
    if (frontends.isEmpty()) {
      return Optional.empty();
    }
    for (String line : lines) {
      Matcher process = HAPROXY_PROCESS.matcher(line);
      if (process.find()) {
        return Optional.of(new ScriptCheck.ProxyAlive(localFrontend(), process.group()));
      }
      if (HTTP_CLIENT.matcher(line).find()) {
        // A request to a port haproxy binds goes through haproxy: it checks the proxy.
        Matcher url = URL.matcher(line);
        while (url.find()) {
          if (url.group().contains("$") || port(url) < 0) {
            continue;
          }
          Optional<FrontendBind> f = frontendAt(url.group(2), port(url));
          if (f.isPresent()) {
            return Optional.of(
                new ScriptCheck.ProxyAlive(
                    f.get(), "a request to " + url.group() + ", a port haproxy binds"));
          }
        }
      }
      for (FrontendBind f : frontends) {
        Pattern portCheck =
            Pattern.compile(
                "\\b(?:nc|ncat|netcat)\\b.*\\b"
                    + f.port()
                    + "\\b|/dev/tcp/[^/\\s]+/"
                    + f.port()
                    + "\\b|\\b(?:ss|netstat)\\b.*:"
                    + f.port()
                    + "\\b");
        Matcher m = portCheck.matcher(line);
        if (m.find()) {
          return Optional.of(new ScriptCheck.ProxyAlive(f, m.group().trim()));
        }
      }
    }
    return Optional.empty();
  }

  /**
   * The port of a {@link #URL} match, with the scheme's default; -1 when it is no TCP port (0 or
   * above 65535, which curl rejects: "Port number was not a decimal number between 0 and 65535").
   */
  static int port(Matcher url) {
    String digits = url.group(3);
    if (digits != null) {
      // At most 5 digits: Integer.parseInt would throw on 99999999999.
      int port = digits.length() <= 5 ? Integer.parseInt(digits) : -1;
      return port >= 1 && port <= 65535 ? port : -1;
    }
    return url.group(1).equals("https") ? 443 : 80;
  }

  /**
   * The imported frontend a request to {@code host:port} reaches: one bound to that host, else one
   * on every address, else any on that port (the host may be the VIP, which the bind does not
   * name).
   */
  private Optional<FrontendBind> frontendAt(String host, int port) {
    List<FrontendBind> onPort = frontends.stream().filter(f -> f.port() == port).toList();
    return onPort.stream()
        .filter(f -> f.host().equals(host))
        .findFirst()
        .or(() -> onPort.stream().filter(ScriptClassifier::wildcard).findFirst())
        .or(() -> onPort.stream().findFirst());
  }

  private static boolean wildcard(FrontendBind f) {
    return f.host().equals("0.0.0.0") || f.host().equals("[::]");
  }

  /**
   * The frontend a liveness check connects to: a wildcard bind if there is one, because an address
   * such as the VIP exists only on the master.
   */
  private FrontendBind localFrontend() {
    return frontends.stream()
        .filter(ScriptClassifier::wildcard)
        .findFirst()
        .orElse(frontends.get(0));
  }

  /**
   * Lines of the script that are not comments (a shebang is a comment too), with a line that ends
   * in an unescaped backslash joined to the next one as the shell joins them ({@code curl URL \}
   * then {@code --cacert FILE} is one command).
   */
  static List<String> codeLines(String text) {
    List<String> out = new ArrayList<>();
    StringBuilder command = null;
    for (String line : text.split("\r?\n")) {
      if (command == null) {
        String t = line.trim();
        if (t.isEmpty() || t.startsWith("#")) {
          continue;
        }
        command = new StringBuilder(line);
      } else {
        command.append(line);
      }
      if (endsInLineContinuation(command)) {
        command.setLength(command.length() - 1);
        continue;
      }
      out.add(command.toString());
      command = null;
    }
    if (command != null) {
      out.add(command.toString());
    }
    return out;
  }

  /**
   * True when {@code s} ends in an odd number of backslashes (the last one escapes the newline).
   */
  private static boolean endsInLineContinuation(CharSequence s) {
    int n = 0;
    for (int i = s.length() - 1; i >= 0 && s.charAt(i) == '\\'; i--) {
      n++;
    }
    return n % 2 == 1;
  }

  private static Map<String, String> assignments(List<String> lines) {
    Map<String, String> vars = new LinkedHashMap<>();
    for (String line : lines) {
      Matcher m = ASSIGNMENT.matcher(line);
      if (m.find()) {
        String value =
            m.group(2) != null ? m.group(2) : m.group(3) != null ? m.group(3) : m.group(4);
        vars.put(m.group(1), expand(value, vars));
      }
    }
    return vars;
  }

  /** Replaces {@code $NAME}, {@code ${NAME}} and {@code ${NAME:-default}} by known values. */
  static String expand(String text, Map<String, String> vars) {
    Matcher d = VAR_WITH_DEFAULT.matcher(text);
    StringBuilder withDefaults = new StringBuilder();
    while (d.find()) {
      String value = vars.getOrDefault(d.group(1), d.group(2));
      d.appendReplacement(withDefaults, Matcher.quoteReplacement(value));
    }
    d.appendTail(withDefaults);
    Matcher m = VAR.matcher(withDefaults);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String var = m.group(1) != null ? m.group(1) : m.group(2);
      String value = vars.get(var);
      m.appendReplacement(out, Matcher.quoteReplacement(value != null ? value : m.group()));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** The script file the command runs, if it runs one: {@code /path/x.sh} or {@code sh x.sh}. */
  private static Optional<String> scriptFile(List<String> argv) {
    String program = argv.get(0);
    String base = program.substring(program.lastIndexOf('/') + 1);
    if (SHELLS.contains(base)) {
      if (argv.size() >= 2 && !argv.get(1).startsWith("-")) {
        return Optional.of(argv.get(1));
      }
      return Optional.empty();
    }
    return program.contains("/") && !isTool(base) ? Optional.of(program) : Optional.empty();
  }

  private static boolean isShell(String program) {
    return SHELLS.contains(program.substring(program.lastIndexOf('/') + 1));
  }

  private static boolean isTool(String base) {
    return Set.of("curl", "wget", "killall", "pidof", "pgrep", "nc", "ncat", "systemctl", "test")
        .contains(base);
  }

  /** The script file beside keepalived.conf first (a copied /etc/keepalived), then its own path. */
  private Optional<Path> locate(String path) {
    Path given = Path.of(path);
    Path fileName = given.getFileName();
    List<Path> candidates = new ArrayList<>();
    if (fileName != null) {
      candidates.add(keepalivedDir.resolve(given.isAbsolute() ? fileName : given));
    }
    if (given.isAbsolute()) {
      candidates.add(given);
    }
    return candidates.stream().filter(Files::isRegularFile).findFirst();
  }
}
