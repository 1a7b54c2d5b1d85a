package io.vipd.daemon.importer;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Proxy settings a haproxy section inherits from the {@code defaults} section before it and may
 * override. Mutable; each section works on its own {@link #copy()}. Not thread-safe.
 */
final class HaproxySettings {

  /** How servers are checked: the last {@code option *chk} line wins, as in haproxy. */
  enum CheckOption {
    NONE,
    HTTPCHK,
    SSL_HELLO,
    TCP_CHECK
  }

  /** A value with the line that set it. */
  record Setting<T>(T value, HaproxyLine line) {}

  Setting<String> mode;
  Setting<String> balance;
  Setting<Long> retries;

  /** {@code option redispatch} (true) or {@code no option redispatch} (false); null: not said. */
  Setting<Boolean> redispatch;

  /** {@code option allbackups}; null: not said. */
  Setting<Boolean> allBackups;

  Setting<Long> maxconn;

  /** {@code default_backend} of a defaults section, which a frontend without its own takes. */
  String defaultBackend;

  /**
   * {@code disabled} (true) or {@code enabled} (false), the last of the defaults and then of the
   * section itself; null: not said (enabled).
   */
  Setting<Boolean> disabled;

  final Map<String, Setting<Long>> timeouts = new LinkedHashMap<>();
  HaproxyServerOptions defaultServer = new HaproxyServerOptions();
  HaproxyLine defaultServerLine;
  CheckOption checkOption = CheckOption.NONE;
  HaproxyLine checkOptionLine;

  /** The check option line that a later one replaced, if any. */
  HaproxyLine overriddenCheckLine;

  String httpMethod = "OPTIONS";
  String httpPath = "/";
  boolean httpCheckSsl;
  Setting<String> expectStatus;

  HaproxySettings copy() {
    HaproxySettings c = new HaproxySettings();
    c.mode = mode;
    c.balance = balance;
    c.retries = retries;
    c.redispatch = redispatch;
    c.allBackups = allBackups;
    c.maxconn = maxconn;
    c.defaultBackend = defaultBackend;
    c.disabled = disabled;
    c.timeouts.putAll(timeouts);
    c.defaultServer = defaultServer.copy();
    c.defaultServerLine = defaultServerLine;
    c.checkOption = checkOption;
    c.checkOptionLine = checkOptionLine;
    c.overriddenCheckLine = overriddenCheckLine;
    c.httpMethod = httpMethod;
    c.httpPath = httpPath;
    c.httpCheckSsl = httpCheckSsl;
    c.expectStatus = expectStatus;
    return c;
  }

  boolean httpMode() {
    return mode != null && mode.value().equals("http");
  }

  OptionalLong timeout(String name) {
    Setting<Long> t = timeouts.get(name);
    return t == null ? OptionalLong.empty() : OptionalLong.of(t.value());
  }
}
