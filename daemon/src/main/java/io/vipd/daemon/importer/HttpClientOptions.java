package io.vipd.daemon.importer;

import io.vipd.daemon.text.ShellWords;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the options of one curl or wget request in a check script mean for a health check: the TLS
 * files, certificate checking, whether an HTTP error status fails it, its time limit, and the
 * options a vipd check cannot reproduce. Read from the words of the command that requests the URL.
 * Pure.
 *
 * @param tool {@code curl} or {@code wget} (empty when no such command was found)
 * @param insecure certificate verification skipped (curl -k, wget --no-check-certificate)
 * @param caFile CA bundle (curl --cacert, wget --ca-certificate)
 * @param clientCert client certificate (curl --cert/-E, wget --certificate)
 * @param clientKey client key (curl --key, wget --private-key)
 * @param certPassword true when the certificate option carried a password (curl --cert FILE:PASS)
 * @param failsOnHttpError true when an HTTP status of 400 or more fails the request (curl -f, wget
 *     always) or the script greps the written-out status for 200; false: any HTTP answer succeeds
 * @param statusWrittenOut true when the request prints its status for the script to test (curl -w
 *     '%{http_code}')
 * @param maxTimeMillis the request's time limit (curl --max-time, wget --timeout)
 * @param notCarried options with an effect a vipd check does not reproduce, as written
 */
record HttpClientOptions(
    String tool,
    boolean insecure,
    Optional<String> caFile,
    Optional<String> clientCert,
    Optional<String> clientKey,
    boolean certPassword,
    boolean failsOnHttpError,
    boolean statusWrittenOut,
    OptionalLong maxTimeMillis,
    List<String> notCarried) {

  /** What an option does for a check. */
  private enum Kind {
    /** No effect on what the check sees (output, verbosity, protocol details). */
    IGNORED,
    /** As IGNORED, and takes a value. */
    IGNORED_VALUE,
    FAIL,
    INSECURE,
    MAX_TIME,
    CA_FILE,
    CLIENT_CERT,
    CLIENT_KEY,
    /** curl --write-out: the status may be tested by the script. */
    WRITE_OUT,
    /** --request/--method: carried when it is GET. */
    METHOD,
    /** --cert-type/--key-type and wget's: carried when PEM, vipd's only format. */
    FILE_TYPE,
    /** Changes the request or its outcome in a way a vipd check cannot. */
    NOT_CARRIED,
    /** As NOT_CARRIED, and takes a value. */
    NOT_CARRIED_VALUE,
    /** The URL itself (curl --url). */
    URL
  }

  private static final Map<String, Kind> CURL_LONG =
      Map.ofEntries(
          Map.entry("silent", Kind.IGNORED),
          Map.entry("show-error", Kind.IGNORED),
          Map.entry("verbose", Kind.IGNORED),
          Map.entry("disable", Kind.IGNORED),
          Map.entry("compressed", Kind.IGNORED),
          Map.entry("http1.0", Kind.IGNORED),
          Map.entry("http1.1", Kind.IGNORED),
          Map.entry("http2", Kind.IGNORED),
          Map.entry("ipv4", Kind.IGNORED),
          Map.entry("ipv6", Kind.IGNORED),
          Map.entry("globoff", Kind.IGNORED),
          Map.entry("no-buffer", Kind.IGNORED),
          Map.entry("no-keepalive", Kind.IGNORED),
          Map.entry("no-progress-meter", Kind.IGNORED),
          Map.entry("progress-bar", Kind.IGNORED),
          Map.entry("include", Kind.IGNORED),
          Map.entry("remote-name", Kind.IGNORED),
          Map.entry("fail-early", Kind.IGNORED),
          Map.entry("tcp-nodelay", Kind.IGNORED),
          Map.entry("tlsv1.2", Kind.IGNORED),
          Map.entry("tlsv1.3", Kind.IGNORED),
          Map.entry("noproxy", Kind.IGNORED_VALUE), // vipd never uses a proxy
          Map.entry("output", Kind.IGNORED_VALUE),
          Map.entry("user-agent", Kind.IGNORED_VALUE),
          Map.entry("dump-header", Kind.IGNORED_VALUE),
          Map.entry("referer", Kind.IGNORED_VALUE),
          Map.entry("stderr", Kind.IGNORED_VALUE),
          Map.entry("connect-timeout", Kind.IGNORED_VALUE), // within the check's timeout
          Map.entry("fail", Kind.FAIL),
          Map.entry("fail-with-body", Kind.FAIL),
          Map.entry("insecure", Kind.INSECURE),
          Map.entry("max-time", Kind.MAX_TIME),
          Map.entry("cacert", Kind.CA_FILE),
          Map.entry("cert", Kind.CLIENT_CERT),
          Map.entry("key", Kind.CLIENT_KEY),
          Map.entry("cert-type", Kind.FILE_TYPE),
          Map.entry("key-type", Kind.FILE_TYPE),
          Map.entry("write-out", Kind.WRITE_OUT),
          Map.entry("request", Kind.METHOD),
          Map.entry("url", Kind.URL),
          Map.entry("location", Kind.NOT_CARRIED),
          Map.entry("head", Kind.NOT_CARRIED),
          Map.entry("get", Kind.NOT_CARRIED),
          Map.entry("netrc", Kind.NOT_CARRIED),
          Map.entry("negotiate", Kind.NOT_CARRIED),
          Map.entry("ntlm", Kind.NOT_CARRIED),
          Map.entry("digest", Kind.NOT_CARRIED),
          Map.entry("basic", Kind.NOT_CARRIED),
          Map.entry("anyauth", Kind.NOT_CARRIED),
          Map.entry("header", Kind.NOT_CARRIED_VALUE),
          Map.entry("proxy-header", Kind.NOT_CARRIED_VALUE),
          Map.entry("resolve", Kind.NOT_CARRIED_VALUE),
          Map.entry("connect-to", Kind.NOT_CARRIED_VALUE),
          Map.entry("data", Kind.NOT_CARRIED_VALUE),
          Map.entry("data-raw", Kind.NOT_CARRIED_VALUE),
          Map.entry("data-binary", Kind.NOT_CARRIED_VALUE),
          Map.entry("data-urlencode", Kind.NOT_CARRIED_VALUE),
          Map.entry("form", Kind.NOT_CARRIED_VALUE),
          Map.entry("user", Kind.NOT_CARRIED_VALUE),
          Map.entry("oauth2-bearer", Kind.NOT_CARRIED_VALUE),
          Map.entry("proxy", Kind.NOT_CARRIED_VALUE),
          Map.entry("proxy-user", Kind.NOT_CARRIED_VALUE),
          Map.entry("cookie", Kind.NOT_CARRIED_VALUE),
          Map.entry("cookie-jar", Kind.NOT_CARRIED_VALUE),
          Map.entry("interface", Kind.NOT_CARRIED_VALUE),
          Map.entry("local-port", Kind.NOT_CARRIED_VALUE),
          Map.entry("unix-socket", Kind.NOT_CARRIED_VALUE),
          Map.entry("abstract-unix-socket", Kind.NOT_CARRIED_VALUE),
          Map.entry("capath", Kind.NOT_CARRIED_VALUE),
          Map.entry("crlfile", Kind.NOT_CARRIED_VALUE),
          Map.entry("pinnedpubkey", Kind.NOT_CARRIED_VALUE),
          Map.entry("pass", Kind.NOT_CARRIED_VALUE),
          Map.entry("retry", Kind.NOT_CARRIED_VALUE),
          Map.entry("retry-max-time", Kind.NOT_CARRIED_VALUE),
          Map.entry("retry-delay", Kind.NOT_CARRIED_VALUE),
          Map.entry("max-redirs", Kind.NOT_CARRIED_VALUE),
          Map.entry("range", Kind.NOT_CARRIED_VALUE),
          Map.entry("upload-file", Kind.NOT_CARRIED_VALUE),
          Map.entry("config", Kind.NOT_CARRIED_VALUE),
          Map.entry("dns-servers", Kind.NOT_CARRIED_VALUE),
          Map.entry("doh-url", Kind.NOT_CARRIED_VALUE));

  private static final Map<Character, String> CURL_SHORT =
      Map.ofEntries(
          Map.entry('s', "silent"),
          Map.entry('S', "show-error"),
          Map.entry('v', "verbose"),
          Map.entry('q', "disable"),
          Map.entry('4', "ipv4"),
          Map.entry('6', "ipv6"),
          Map.entry('g', "globoff"),
          Map.entry('N', "no-buffer"),
          Map.entry('#', "progress-bar"),
          Map.entry('0', "http1.0"),
          Map.entry('i', "include"),
          Map.entry('O', "remote-name"),
          Map.entry('f', "fail"),
          Map.entry('k', "insecure"),
          Map.entry('L', "location"),
          Map.entry('I', "head"),
          Map.entry('G', "get"),
          Map.entry('n', "netrc"),
          Map.entry('o', "output"),
          Map.entry('w', "write-out"),
          Map.entry('A', "user-agent"),
          Map.entry('D', "dump-header"),
          Map.entry('e', "referer"),
          Map.entry('m', "max-time"),
          Map.entry('E', "cert"),
          Map.entry('H', "header"),
          Map.entry('X', "request"),
          Map.entry('d', "data"),
          Map.entry('F', "form"),
          Map.entry('u', "user"),
          Map.entry('x', "proxy"),
          Map.entry('U', "proxy-user"),
          Map.entry('b', "cookie"),
          Map.entry('c', "cookie-jar"),
          Map.entry('r', "range"),
          Map.entry('T', "upload-file"),
          Map.entry('K', "config"));

  private static final Map<String, Kind> WGET_LONG =
      Map.ofEntries(
          Map.entry("quiet", Kind.IGNORED),
          Map.entry("no-verbose", Kind.IGNORED),
          Map.entry("verbose", Kind.IGNORED),
          Map.entry("server-response", Kind.IGNORED),
          Map.entry("spider", Kind.IGNORED),
          Map.entry("inet4-only", Kind.IGNORED),
          Map.entry("inet6-only", Kind.IGNORED),
          Map.entry("no-proxy", Kind.IGNORED), // vipd never uses a proxy
          Map.entry("output-document", Kind.IGNORED_VALUE),
          Map.entry("output-file", Kind.IGNORED_VALUE),
          Map.entry("append-output", Kind.IGNORED_VALUE),
          Map.entry("user-agent", Kind.IGNORED_VALUE),
          Map.entry("connect-timeout", Kind.IGNORED_VALUE),
          Map.entry("dns-timeout", Kind.IGNORED_VALUE),
          Map.entry("read-timeout", Kind.IGNORED_VALUE),
          Map.entry("no-check-certificate", Kind.INSECURE),
          Map.entry("timeout", Kind.MAX_TIME),
          Map.entry("ca-certificate", Kind.CA_FILE),
          Map.entry("certificate", Kind.CLIENT_CERT),
          Map.entry("private-key", Kind.CLIENT_KEY),
          Map.entry("certificate-type", Kind.FILE_TYPE),
          Map.entry("private-key-type", Kind.FILE_TYPE),
          Map.entry("method", Kind.METHOD),
          Map.entry("tries", Kind.NOT_CARRIED_VALUE),
          Map.entry("header", Kind.NOT_CARRIED_VALUE),
          Map.entry("user", Kind.NOT_CARRIED_VALUE),
          Map.entry("password", Kind.NOT_CARRIED_VALUE),
          Map.entry("http-user", Kind.NOT_CARRIED_VALUE),
          Map.entry("http-password", Kind.NOT_CARRIED_VALUE),
          Map.entry("proxy-user", Kind.NOT_CARRIED_VALUE),
          Map.entry("proxy-password", Kind.NOT_CARRIED_VALUE),
          Map.entry("post-data", Kind.NOT_CARRIED_VALUE),
          Map.entry("body-data", Kind.NOT_CARRIED_VALUE),
          Map.entry("ca-directory", Kind.NOT_CARRIED_VALUE),
          Map.entry("bind-address", Kind.NOT_CARRIED_VALUE),
          Map.entry("max-redirect", Kind.NOT_CARRIED_VALUE));

  private static final Map<Character, String> WGET_SHORT =
      Map.of(
          'q', "quiet",
          'v', "verbose",
          'S', "server-response",
          '4', "inet4-only",
          '6', "inet6-only",
          'O', "output-document",
          'o', "output-file",
          'a', "append-output",
          'U', "user-agent",
          'T', "timeout");

  private static final Set<Kind> TAKES_VALUE =
      Set.of(
          Kind.IGNORED_VALUE,
          Kind.MAX_TIME,
          Kind.CA_FILE,
          Kind.CLIENT_CERT,
          Kind.CLIENT_KEY,
          Kind.FILE_TYPE,
          Kind.WRITE_OUT,
          Kind.METHOD,
          Kind.NOT_CARRIED_VALUE,
          Kind.URL);

  /**
   * Long names (curl's and wget's) of options whose value may be a secret: credentials, tokens,
   * cookies, headers (Authorization), request bodies, a proxy URL with a password. Their values are
   * never written into a note, which goes to the output and to the terminal (CI logs).
   */
  private static final Set<String> SECRET_VALUES =
      Set.of(
          "user",
          "proxy-user",
          "oauth2-bearer",
          "pass",
          "header",
          "proxy-header",
          "cookie",
          "data",
          "data-raw",
          "data-binary",
          "data-urlencode",
          "form",
          "proxy",
          "password",
          "http-user",
          "http-password",
          "proxy-password",
          "post-data",
          "body-data");

  static final String HIDDEN = "<value hidden>";

  private static final Pattern URL_CREDENTIALS = Pattern.compile("(//)[^/@\\s]*@");

  private static final Pattern STATUS_200_GREP = Pattern.compile("\\|\\s*grep\\b[^|;&]*\\b200\\b");

  /** Characters that end a simple command in a shell line: its options end there too. */
  private static final String COMMAND_END = "|&;()\n";

  /**
   * True when the command holds a value that may be a secret: an option value the notes hide, or
   * the password of curl's --cert FILE:PASSWORD.
   */
  boolean holdsSecrets() {
    return certPassword || notCarried.stream().anyMatch(n -> n.contains(HIDDEN));
  }

  /** No options known: a plain GET that fails on an HTTP error (what wget does by default). */
  static HttpClientOptions none() {
    return new HttpClientOptions(
        "",
        false,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        false,
        true,
        false,
        OptionalLong.empty(),
        List.of());
  }

  /**
   * Reads the options of the curl or wget command that requests {@code url} in {@code line} (a
   * script line with its variables expanded). That command may sit inside {@code $(...)}, backticks
   * or the script of {@code sh -c '...'}: those are unwrapped and read as commands of their own.
   * The tool is the curl or wget word nearest before the URL in its own simple command, so an
   * earlier {@code echo URL} or a URL in a variable assignment does not count.
   */
  static HttpClientOptions read(String line, String url) {
    for (String command : simpleCommands(line)) {
      List<String> words = ShellWords.split(command);
      int tool = -1;
      for (int i = 0; i < words.size(); i++) {
        String w = words.get(i);
        if (isTool(w)) {
          tool = i;
        } else if (tool >= 0 && w.contains(url)) {
          return withStatusGrep(line, readFrom(words, tool, url));
        }
      }
    }
    return none();
  }

  private static HttpClientOptions readFrom(List<String> words, int at, String url) {
    String tool = words.get(at).substring(words.get(at).lastIndexOf('/') + 1);
    return new Reader(tool, words.subList(at + 1, words.size()), url).read();
  }

  private static HttpClientOptions withStatusGrep(String line, HttpClientOptions o) {
    if (o.statusWrittenOut() && STATUS_200_GREP.matcher(line).find()) {
      // curl -w '%{http_code}' ... | grep -q 200: only 200 passes, as in vipd's check.
      return new HttpClientOptions(
          o.tool,
          o.insecure,
          o.caFile,
          o.clientCert,
          o.clientKey,
          o.certPassword,
          true,
          true,
          o.maxTimeMillis,
          o.notCarried);
    }
    return o;
  }

  private static boolean isTool(String word) {
    String base = word.substring(word.lastIndexOf('/') + 1);
    return base.equals("curl") || base.equals("wget");
  }

  /**
   * The simple commands of a shell line, each as its text: split at unquoted separators, with the
   * commands inside {@code $(...)}, backticks and {@code sh|bash -c SCRIPT} added as commands of
   * their own (a substitution leaves a placeholder word in the command around it). Nesting is
   * followed {@value #MAX_NESTING} levels deep.
   */
  static List<String> simpleCommands(String line) {
    List<String> out = new ArrayList<>();
    collect(line, 0, out);
    return out;
  }

  private static final int MAX_NESTING = 8;
  private static final Pattern SHELL = Pattern.compile("(?:.*/)?(?:sh|bash|dash|ash|ksh|zsh)");
  private static final Pattern DASH_C = Pattern.compile("-[A-Za-z]*c");

  private static void collect(String text, int depth, List<String> out) {
    StringBuilder command = new StringBuilder();
    char quote = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quote == '\'') {
        command.append(c);
        if (c == '\'') {
          quote = 0;
        }
      } else if (c == '\\' && i + 1 < text.length()) {
        command.append(c).append(text.charAt(++i));
      } else if (c == '`') {
        int end = closingBacktick(text, i + 1);
        nested(text.substring(i + 1, end), depth, out);
        command.append('_');
        i = end;
      } else if (c == '$' && i + 1 < text.length() && text.charAt(i + 1) == '(') {
        int end = closingParen(text, i + 2);
        if (i + 2 < text.length() && text.charAt(i + 2) != '(') {
          // $(( ... )) is arithmetic, not a command
          nested(text.substring(i + 2, end), depth, out);
        }
        command.append('_');
        i = end;
      } else if (quote == '"') {
        command.append(c);
        if (c == '"') {
          quote = 0;
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
        command.append(c);
      } else if (COMMAND_END.indexOf(c) >= 0) {
        flush(command, depth, out);
      } else {
        command.append(c);
      }
    }
    flush(command, depth, out);
  }

  /** Ends the command in {@code command}; the script of an {@code sh -c SCRIPT} in it is read. */
  private static void flush(StringBuilder command, int depth, List<String> out) {
    String text = command.toString().trim();
    command.setLength(0);
    if (text.isEmpty()) {
      return;
    }
    out.add(text);
    List<String> words = ShellWords.split(text);
    for (int i = 0; i + 2 < words.size(); i++) {
      if (SHELL.matcher(words.get(i)).matches() && DASH_C.matcher(words.get(i + 1)).matches()) {
        nested(words.get(i + 2), depth, out);
        return;
      }
    }
  }

  private static void nested(String text, int depth, List<String> out) {
    if (depth < MAX_NESTING) {
      collect(text, depth + 1, out);
    }
  }

  /** The index of the backtick that closes one opened before {@code from}, else the length. */
  private static int closingBacktick(String text, int from) {
    for (int i = from; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '`') {
        return i;
      }
    }
    return text.length();
  }

  /** The index of the parenthesis that closes one opened before {@code from}, else the length. */
  private static int closingParen(String text, int from) {
    int open = 1;
    char quote = 0;
    for (int i = from; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else if (c == '\\' && quote == '"') {
          i++;
        }
      } else if (c == '\\') {
        i++;
      } else if (c == '\'' || c == '"') {
        quote = c;
      } else if (c == '(') {
        open++;
      } else if (c == ')' && --open == 0) {
        return i;
      }
    }
    return text.length();
  }

  /** Walks the words after the tool's name. */
  private static final class Reader {
    private final String tool;
    private final List<String> words;
    private final String url;
    private final Map<String, Kind> longs;
    private final Map<Character, String> shorts;

    private boolean insecure;
    private Optional<String> caFile = Optional.empty();
    private Optional<String> clientCert = Optional.empty();
    private Optional<String> clientKey = Optional.empty();
    private boolean certPassword;
    private boolean fail;
    private boolean statusWrittenOut;
    private OptionalLong maxTime = OptionalLong.empty();
    private final List<String> notCarried = new ArrayList<>();

    Reader(String tool, List<String> words, String url) {
      this.tool = tool;
      this.words = words;
      this.url = url;
      boolean wget = tool.equals("wget");
      this.longs = wget ? WGET_LONG : CURL_LONG;
      this.shorts = wget ? WGET_SHORT : CURL_SHORT;
      this.fail = wget; // wget exits non-zero on an HTTP error status
    }

    HttpClientOptions read() {
      for (int i = 0; i < words.size(); i++) {
        String w = words.get(i);
        if (w.matches("[0-9]*[<>].*")) {
          // A redirection: ">/dev/null", "2>&1", or "> FILE" with its target next.
          if (w.matches("[0-9]*[<>]+")) {
            i++;
          }
          continue;
        }
        if (w.equals("--")) {
          break;
        }
        if (w.startsWith("--") && w.length() > 2) {
          i = longOption(i);
        } else if (w.startsWith("-") && w.length() > 1) {
          i = shortOptions(i);
        }
        // Anything else is a URL (this one or another): not an option.
      }
      return new HttpClientOptions(
          tool,
          insecure,
          caFile,
          clientCert,
          clientKey,
          certPassword,
          fail,
          statusWrittenOut,
          maxTime,
          List.copyOf(notCarried));
    }

    /** Reads the long option at {@code i}; returns the index of its last word. */
    private int longOption(int i) {
      String w = words.get(i);
      String name = w.substring(2);
      String inlineValue = null;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        inlineValue = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      String lower = name.toLowerCase(Locale.ROOT);
      Kind kind = longs.get(lower);
      if (kind == null && lower.startsWith("no-") && longs.containsKey(lower.substring(3))) {
        // curl's --no-OPTION switches a boolean option off again.
        unset(longs.get(lower.substring(3)));
        return i;
      }
      if (kind == null) {
        // Unknown: whether it takes a value is unknown too; the next word stays a URL candidate.
        // An inline value of an unknown option may be a secret (--proxy-pass=...): not shown.
        notCarried.add(inlineValue == null ? w : "--" + name + "=" + HIDDEN);
        return i;
      }
      if (!TAKES_VALUE.contains(kind)) {
        apply(kind, w, null);
        return i;
      }
      // The option without its inline value: "--header=X-A:1" is noted as "--header X-A:1".
      String option = "--" + name;
      if (inlineValue != null) {
        apply(kind, option, inlineValue);
        return i;
      }
      if (i + 1 < words.size()) {
        apply(kind, option, words.get(i + 1));
        return i + 1;
      }
      notCarried.add(w);
      return i;
    }

    /** Reads a cluster of short options such as {@code -sfk} or {@code -sm2}. */
    private int shortOptions(int i) {
      String w = words.get(i);
      if (tool.equals("wget") && w.equals("-nv")) {
        return i;
      }
      for (int k = 1; k < w.length(); k++) {
        char c = w.charAt(k);
        String name = shorts.get(c);
        Kind kind = name == null ? null : longs.get(name);
        if (kind == null) {
          notCarried.add("-" + c);
          continue;
        }
        if (!TAKES_VALUE.contains(kind)) {
          apply(kind, "-" + c, null);
          continue;
        }
        if (k + 1 < w.length()) {
          apply(kind, "-" + c, w.substring(k + 1));
          return i;
        }
        if (i + 1 < words.size()) {
          apply(kind, "-" + c, words.get(i + 1));
          return i + 1;
        }
        notCarried.add("-" + c);
        return i;
      }
      return i;
    }

    /**
     * {@code value} as a note may show it: {@link #HIDDEN} for an option that can carry a secret (a
     * header keeps its name: "Authorization: <value hidden>").
     */
    private String shown(String option, String value) {
      String name = option.startsWith("--") ? option.substring(2) : shorts.get(option.charAt(1));
      if (!SECRET_VALUES.contains(name)) {
        return value;
      }
      int colon = value.indexOf(':');
      if (name.endsWith("header") && colon > 0 && value.substring(0, colon).matches("[!-9;-~]+")) {
        return value.substring(0, colon) + ": " + HIDDEN;
      }
      return HIDDEN;
    }

    private void unset(Kind kind) {
      if (kind == Kind.FAIL) {
        fail = false;
      } else if (kind == Kind.INSECURE) {
        insecure = false;
      }
    }

    private void apply(Kind kind, String option, String value) {
      switch (kind) {
        case IGNORED, IGNORED_VALUE -> {}
        case FAIL -> fail = true;
        case INSECURE -> insecure = true;
        case MAX_TIME -> {
          OptionalLong ms = Durations.keepalivedSeconds(value);
          if (ms.isPresent() && ms.getAsLong() > 0) {
            maxTime = ms;
          }
        }
        case CA_FILE -> caFile = Optional.of(value);
        case CLIENT_CERT -> {
          // curl: "--cert FILE:PASSWORD"; the password is for an encrypted key.
          int colon = tool.equals("curl") ? value.indexOf(':') : -1;
          if (colon >= 0) {
            certPassword = true;
            clientCert = Optional.of(value.substring(0, colon));
          } else {
            clientCert = Optional.of(value);
          }
        }
        case CLIENT_KEY -> clientKey = Optional.of(value);
        case FILE_TYPE -> {
          if (!value.equalsIgnoreCase("PEM")) {
            notCarried.add(option + " " + value);
          }
        }
        case WRITE_OUT -> {
          if (value.contains("http_code") || value.contains("response_code")) {
            statusWrittenOut = true;
          }
        }
        case METHOD -> {
          if (!value.equalsIgnoreCase("GET")) {
            notCarried.add(option + " " + value);
          }
        }
        case URL -> {
          if (!value.equals(url)) {
            notCarried.add(
                option + " " + URL_CREDENTIALS.matcher(value).replaceAll("$1" + HIDDEN + "@"));
          }
        }
        case NOT_CARRIED -> notCarried.add(option);
        case NOT_CARRIED_VALUE -> notCarried.add(option + " " + shown(option, value));
        default -> throw new IllegalStateException(kind.name());
      }
    }
  }
}
