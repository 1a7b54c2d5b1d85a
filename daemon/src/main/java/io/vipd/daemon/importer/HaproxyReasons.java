package io.vipd.daemon.importer;

import java.util.Map;

/** Why a haproxy directive is not carried over, in words for the comment. Pure. */
final class HaproxyReasons {

  static final String HTTP_ONLY = "HTTP processing: vipd's proxy forwards TCP streams unchanged";
  static final String ROUTING =
      "vipd frontends send every connection to one backend (default_backend)";
  static final String NO_EQUIVALENT = "vipd has no equivalent";

  private static final Map<String, String> BY_KEYWORD =
      Map.ofEntries(
          Map.entry("log", "vipd logs to stdout; use journald (or the container log) instead"),
          Map.entry("log-send-hostname", "vipd logs to stdout; use journald instead"),
          Map.entry("log-tag", "vipd logs to stdout; use journald instead"),
          Map.entry(
              "stats",
              "vipd serves its stats on admin.bind instead (/stats, /stats;csv, /metrics, /status)"),
          Map.entry("user", "vipd runs as the user of its systemd unit or static pod"),
          Map.entry("group", "vipd runs as the user of its systemd unit or static pod"),
          Map.entry("uid", "vipd runs as the user of its systemd unit or static pod"),
          Map.entry("gid", "vipd runs as the user of its systemd unit or static pod"),
          Map.entry("daemon", "vipd runs in the foreground under systemd or as a static pod"),
          Map.entry("master-worker", "vipd runs in the foreground under systemd or as a pod"),
          Map.entry("pidfile", "vipd runs in the foreground under systemd or as a static pod"),
          Map.entry("nbproc", "vipd sizes its event loops itself"),
          Map.entry("nbthread", "vipd sizes its event loops itself"),
          Map.entry("cpu-map", "vipd sizes its event loops itself"),
          Map.entry("chroot", "vipd does not chroot; its systemd unit restricts the filesystem"),
          Map.entry("crt-base", "vipd's proxy does not terminate or originate TLS"),
          Map.entry("ssl-default-bind-ciphers", "vipd's proxy does not terminate TLS"),
          Map.entry("ssl-default-bind-ciphersuites", "vipd's proxy does not terminate TLS"),
          Map.entry("ssl-default-bind-options", "vipd's proxy does not terminate TLS"),
          Map.entry("ssl-default-server-ciphers", "vipd's proxy does not originate TLS"),
          Map.entry("ssl-default-server-options", "vipd's proxy does not originate TLS"),
          Map.entry("ssl-server-verify", "vipd's proxy does not originate TLS"),
          Map.entry("acl", ROUTING),
          Map.entry("use_backend", ROUTING),
          Map.entry("use-server", ROUTING),
          Map.entry("tcp-request", ROUTING),
          Map.entry("tcp-response", NO_EQUIVALENT),
          Map.entry("http-request", HTTP_ONLY),
          Map.entry("http-response", HTTP_ONLY),
          Map.entry("http-after-response", HTTP_ONLY),
          Map.entry("capture", HTTP_ONLY),
          Map.entry("errorfile", HTTP_ONLY),
          Map.entry("compression", HTTP_ONLY),
          Map.entry("cookie", "vipd has no cookie persistence (balance source keeps clients)"),
          Map.entry("stick-table", "vipd has no stick tables (balance source keeps clients)"),
          Map.entry("stick", "vipd has no stick tables (balance source keeps clients)"),
          Map.entry("fullconn", "vipd has no dynamic server maxconn"),
          Map.entry("hash-type", "vipd's source balancing uses its own hash"),
          Map.entry("description", "descriptions are not kept"),
          Map.entry("id", NO_EQUIVALENT),
          Map.entry("tcp-check", "vipd's tcp check only connects; tcp-check rules are dropped"),
          Map.entry("email-alert", "use vipd's notify scripts or metrics for alerts"),
          Map.entry("monitor-uri", "vipd serves /healthz on admin.bind instead"),
          Map.entry("hard-stop-after", "vipd drains on stop by itself"),
          Map.entry("grace", "vipd drains on stop by itself"));

  private static final Map<String, String> BY_OPTION =
      Map.ofEntries(
          Map.entry(
              "tcplog",
              "set logging.connections = true for one line per connection with haproxy's"
                  + " tcplog fields"),
          Map.entry("httplog", "vipd logs connections to stdout in its own format"),
          Map.entry("dontlognull", "vipd logs connections to stdout in its own format"),
          Map.entry("dontlog-normal", "vipd logs connections to stdout in its own format"),
          Map.entry("log-health-checks", "vipd logs every check state change by itself"),
          Map.entry(
              "abortonclose",
              "vipd keeps a queued connection whose client closed, as haproxy does without it"),
          Map.entry("forwardfor", HTTP_ONLY),
          Map.entry("http-server-close", HTTP_ONLY),
          Map.entry("http-keep-alive", HTTP_ONLY),
          Map.entry("httpclose", HTTP_ONLY),
          Map.entry("http-buffer-request", HTTP_ONLY),
          Map.entry("tcpka", "vipd's proxy manages TCP keepalive itself"),
          Map.entry("clitcpka", "vipd's proxy manages TCP keepalive itself"),
          Map.entry("srvtcpka", "vipd's proxy manages TCP keepalive itself"),
          Map.entry("splice-auto", "vipd's proxy chooses its own data path"));

  /** Server options with a reason of their own ("maxqueue 256" is looked up as "maxqueue"). */
  private static final Map<String, String> BY_SERVER_OPTION =
      Map.of(
          "maxqueue",
          "vipd queues per backend (timeouts.queue), as haproxy does for every connection not"
              + " bound to one server; a server's own queue, which maxqueue bounds, has no use"
              + " without persistence");

  private static final Map<String, String> BY_TIMEOUT =
      Map.of(
          "http-request", HTTP_ONLY,
          "http-keep-alive", HTTP_ONLY,
          "tarpit", HTTP_ONLY);

  private HaproxyReasons() {}

  /**
   * Why the server options {@code unsupported} (as written, "maxqueue 256") of a kept server line
   * are not: their own reason if they share one, else the general one.
   *
   * @param ssl whether the server line re-encrypts traffic ({@code ssl})
   */
  static String ofServerOptions(java.util.List<String> unsupported, boolean ssl) {
    if (ssl) {
      return "vipd forwards TCP and does not re-encrypt";
    }
    java.util.Set<String> reasons = new java.util.HashSet<>();
    for (String option : unsupported) {
      reasons.add(BY_SERVER_OPTION.getOrDefault(option.split(" ", 2)[0], NO_EQUIVALENT));
    }
    return reasons.size() == 1 ? reasons.iterator().next() : NO_EQUIVALENT;
  }

  /** Why {@code line} is not carried over. */
  static String of(HaproxyLine line) {
    String keyword = line.keyword();
    if (keyword.equals("option") || keyword.equals("no")) {
      String option = keyword.equals("no") ? line.word(2) : line.word(1);
      return BY_OPTION.getOrDefault(option, NO_EQUIVALENT);
    }
    if (keyword.equals("timeout")) {
      return BY_TIMEOUT.getOrDefault(line.word(1), NO_EQUIVALENT);
    }
    if (keyword.startsWith("tune.") || keyword.startsWith("ssl-")) {
      return "vipd tunes its proxy itself and does not terminate TLS";
    }
    return BY_KEYWORD.getOrDefault(keyword, NO_EQUIVALENT);
  }
}
