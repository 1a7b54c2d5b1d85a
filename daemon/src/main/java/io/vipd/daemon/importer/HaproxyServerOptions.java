package io.vipd.daemon.importer;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The options of a haproxy {@code server} or {@code default-server} line that vipd understands,
 * plus the ones it does not (to comment them). A server line overrides its default-server. Not
 * thread-safe.
 */
final class HaproxyServerOptions {

  /** Server options that take one value; any other word is a flag. */
  private static final Set<String> WITH_VALUE =
      Set.of(
          "inter",
          "fastinter",
          "downinter",
          "fall",
          "rise",
          "weight",
          "port",
          "addr",
          "verify",
          "ca-file",
          "crl-file",
          "crt",
          "sni",
          "alpn",
          "check-alpn",
          "check-sni",
          "maxconn",
          "minconn",
          "maxqueue",
          "slowstart",
          "on-marked-down",
          "on-marked-up",
          "on-error",
          "error-limit",
          "observe",
          "cookie",
          "id",
          "init-addr",
          "resolvers",
          "resolve-prefer",
          "resolve-net",
          "resolve-opts",
          "agent-port",
          "agent-inter",
          "agent-addr",
          "agent-send",
          "source",
          "usesrc",
          "namespace",
          "proto",
          "pool-max-conn",
          "pool-purge-delay",
          "pool-low-conn",
          "tcp-ut",
          "track",
          "verifyhost",
          "ciphers",
          "ciphersuites",
          "ssl-min-ver",
          "ssl-max-ver",
          "max-reuse",
          "proxy-v2-options",
          "redir",
          "socks4",
          "shard",
          "check-proto",
          "hash-key",
          "curves",
          "sigalgs",
          "client-sigalgs",
          "guid",
          "log-proto",
          "ws",
          "set-proxy-v2-tlv-fmt",
          "pool-conn-name",
          "check-reuse-pool");

  boolean check;
  Boolean checkSsl;
  boolean ssl;
  boolean backup;
  boolean disabled;
  Boolean verifyNone;
  String caFile;
  OptionalLong interMillis = OptionalLong.empty();
  OptionalLong fastInterMillis = OptionalLong.empty();
  OptionalLong downInterMillis = OptionalLong.empty();
  OptionalLong checkPort = OptionalLong.empty();
  OptionalLong fall = OptionalLong.empty();
  OptionalLong rise = OptionalLong.empty();
  OptionalLong weight = OptionalLong.empty();
  OptionalLong maxconn = OptionalLong.empty();
  String onMarkedDown;
  String onMarkedUp;
  String observe;
  String onError;
  OptionalLong errorLimit = OptionalLong.empty();
  OptionalLong slowstartMillis = OptionalLong.empty();

  /** Options vipd does not carry over, as written ("slowstart 60s"). */
  final List<String> unsupported = new ArrayList<>();

  /** Values that could not be read ("inter abc"). */
  final List<String> malformed = new ArrayList<>();

  HaproxyServerOptions copy() {
    HaproxyServerOptions c = new HaproxyServerOptions();
    c.check = check;
    c.checkSsl = checkSsl;
    c.ssl = ssl;
    c.backup = backup;
    c.disabled = disabled;
    c.verifyNone = verifyNone;
    c.caFile = caFile;
    c.interMillis = interMillis;
    c.fastInterMillis = fastInterMillis;
    c.downInterMillis = downInterMillis;
    c.checkPort = checkPort;
    c.fall = fall;
    c.rise = rise;
    c.weight = weight;
    c.maxconn = maxconn;
    c.onMarkedDown = onMarkedDown;
    c.onMarkedUp = onMarkedUp;
    c.observe = observe;
    c.onError = onError;
    c.errorLimit = errorLimit;
    c.slowstartMillis = slowstartMillis;
    // Unsupported options of default-server are reported once, where default-server is.
    return c;
  }

  /** Applies the option words {@code words[from..]} on top of the current values. */
  void apply(List<String> words, int from) {
    for (int i = from; i < words.size(); i++) {
      String opt = words.get(i);
      String value = WITH_VALUE.contains(opt) && i + 1 < words.size() ? words.get(++i) : null;
      if (!applyOne(opt, value)) {
        unsupported.add(value == null ? opt : opt + " " + value);
      }
    }
  }

  private boolean applyOne(String opt, String value) {
    switch (opt) {
      case "check":
        check = true;
        return true;
      case "no-check":
        check = false;
        return true;
      case "check-ssl":
        checkSsl = true;
        return true;
      case "no-check-ssl":
        checkSsl = false;
        return true;
      case "ssl":
        ssl = true;
        // Traffic encryption to the server is not carried over, see unsupported.
        return false;
      case "backup":
        backup = true;
        return true;
      case "disabled":
        disabled = true;
        return true;
      case "enabled":
        disabled = false;
        return true;
      case "verify":
        verifyNone = "none".equals(value);
        return true;
      case "ca-file":
        caFile = value;
        return value != null;
      case "on-marked-down":
        onMarkedDown = value;
        return value != null;
      case "on-marked-up":
        onMarkedUp = value;
        return value != null;
      case "observe":
        observe = value;
        return value != null;
      case "on-error":
        onError = value;
        return value != null;
      case "error-limit":
        errorLimit = count(opt, value);
        return true;
      case "slowstart":
        slowstartMillis = time(opt, value);
        return true;
      case "inter":
        interMillis = time(opt, value);
        return true;
      case "fastinter":
        fastInterMillis = time(opt, value);
        return true;
      case "downinter":
        downInterMillis = time(opt, value);
        return true;
      case "port":
        checkPort = count(opt, value);
        if (checkPort.isPresent() && (checkPort.getAsLong() < 1 || checkPort.getAsLong() > 65535)) {
          malformed.add(opt + " " + value);
          checkPort = OptionalLong.empty();
        }
        return true;
      case "fall":
        fall = count(opt, value);
        return true;
      case "rise":
        rise = count(opt, value);
        return true;
      case "weight":
        weight = count(opt, value);
        return true;
      case "maxconn":
        maxconn = count(opt, value);
        return true;
      default:
        return false;
    }
  }

  private OptionalLong time(String opt, String value) {
    OptionalLong t = value == null ? OptionalLong.empty() : Durations.haproxyTime(value);
    if (t.isEmpty()) {
      malformed.add(opt + " " + value);
    }
    return t;
  }

  private OptionalLong count(String opt, String value) {
    try {
      return OptionalLong.of(Long.parseLong(value));
    } catch (NumberFormatException e) {
      malformed.add(opt + " " + value);
      return OptionalLong.empty();
    }
  }

  /** True when checks to this server use TLS: {@code check-ssl}, or {@code ssl} on the server. */
  boolean checksUseTls() {
    return checkSsl != null ? checkSsl : ssl;
  }
}
