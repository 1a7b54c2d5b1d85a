package io.vipd.daemon.importer;

import io.vipd.daemon.importer.HaproxySettings.CheckOption;
import io.vipd.daemon.importer.HaproxySettings.Setting;
import java.util.List;
import java.util.Set;

/**
 * Applies haproxy directives of a defaults, frontend, backend or listen section to a {@link
 * HaproxySettings} or {@link HaproxySectionDraft}, and notes every directive it does not carry
 * over. Not thread-safe.
 */
final class HaproxyDirectiveReader {

  private static final Set<String> TIMEOUTS =
      Set.of("connect", "client", "server", "tunnel", "client-fin", "server-fin", "queue", "check");

  /**
   * Timeouts that haproxy reads as "none" when 0 and vipd requires above 0 (tunnel, client-fin,
   * server-fin and queue take 0 as not set in both).
   */
  private static final Set<String> NO_TIMEOUT_WHEN_ZERO =
      Set.of("connect", "client", "server", "check");

  private final ImportNotes notes;

  HaproxyDirectiveReader(ImportNotes notes) {
    this.notes = notes;
  }

  /**
   * Applies one directive.
   *
   * @param draft the section being read, or null for a defaults section
   * @param comments where comments for dropped directives go
   */
  void apply(
      HaproxyLine line, HaproxySettings s, HaproxySectionDraft draft, List<String> comments) {
    switch (line.keyword()) {
      case "mode":
        s.mode = new Setting<>(line.word(1), line);
        break;
      case "disabled":
      case "enabled":
        s.disabled = new Setting<>(line.keyword().equals("disabled"), line);
        break;
      case "balance":
        s.balance = new Setting<>(line.word(1), line);
        break;
      case "retries":
        number(line, comments).ifPresent(n -> s.retries = new Setting<>(n, line));
        break;
      case "maxconn":
        if (draft != null && !draft.isFrontend()) {
          comments.add(drop(line, "maxconn applies to frontends; set it there"));
        } else {
          number(line, comments).ifPresent(n -> s.maxconn = new Setting<>(n, line));
        }
        break;
      case "timeout":
      case "contimeout":
      case "clitimeout":
      case "srvtimeout":
        timeout(line, s, comments);
        break;
      case "default-server":
        s.defaultServer.apply(line.words(), 1);
        s.defaultServerLine = line;
        reportServerOptions(line, s.defaultServer, comments);
        s.defaultServer.unsupported.clear();
        s.defaultServer.malformed.clear();
        break;
      case "option":
        option(line, s, comments);
        break;
      case "no":
        if (line.word(1).equals("option") && line.word(2).equals("redispatch")) {
          // vipd redispatches by default: an explicit opt-out must be carried over
          s.redispatch = new Setting<>(false, line);
        } else {
          comments.add(drop(line, HaproxyReasons.of(line)));
        }
        break;
      case "http-check":
        httpCheck(line, s, comments);
        break;
      case "default_backend":
        if (draft == null) {
          s.defaultBackend = line.word(1); // the frontends that follow take it, as in haproxy
        } else {
          sectionOnly(line, draft, comments);
        }
        break;
      case "server":
      case "bind":
        if (draft == null) {
          comments.add(drop(line, "not allowed in a defaults section"));
        } else {
          sectionOnly(line, draft, comments);
        }
        break;
      default:
        comments.add(drop(line, HaproxyReasons.of(line)));
    }
  }

  private void sectionOnly(HaproxyLine line, HaproxySectionDraft draft, List<String> comments) {
    switch (line.keyword()) {
      case "server":
        if (draft.isBackend()) {
          server(line, draft, comments);
        } else {
          comments.add(drop(line, "servers belong in a backend"));
        }
        break;
      case "bind":
        if (draft.isFrontend()) {
          bind(line, draft, comments);
        } else {
          comments.add(drop(line, "bind belongs in a frontend"));
        }
        break;
      default:
        draft.defaultBackend = line.word(1);
    }
  }

  private void timeout(HaproxyLine line, HaproxySettings s, List<String> comments) {
    String name;
    String value;
    switch (line.keyword()) {
      case "contimeout":
        name = "connect";
        value = line.word(1);
        break;
      case "clitimeout":
        name = "client";
        value = line.word(1);
        break;
      case "srvtimeout":
        name = "server";
        value = line.word(1);
        break;
      default:
        name = line.word(1);
        value = line.word(2);
    }
    if (!TIMEOUTS.contains(name)) {
      comments.add(drop(line, HaproxyReasons.of(line)));
      return;
    }
    var millis = Durations.haproxyTime(value);
    if (millis.isEmpty()) {
      comments.add(
          drop(
              line,
              "cannot read the time '"
                  + value
                  + "': haproxy takes a whole number with us, ms (the default), s, m, h or d, up"
                  + " to 2147483647 ms (~24.8 days)"));
      return;
    }
    if (millis.getAsLong() == 0 && NO_TIMEOUT_WHEN_ZERO.contains(name)) {
      if (name.equals("check")) {
        comments.add(drop(line, "haproxy's 0 leaves the check bounded by inter, as vipd does"));
        return;
      }
      // vipd refuses 0 there: the longest it takes stands for haproxy's none
      comments.add(
          notes.changed(
              line.where(),
              line.text(),
              "haproxy's 0 is no timeout; vipd has none there and takes its longest, 7d"));
      s.timeouts.put(name, new Setting<>(HaproxyBackendWriter.MAX_TIMEOUT_MILLIS, line));
      return;
    }
    s.timeouts.put(name, new Setting<>(millis.getAsLong(), line));
  }

  private void option(HaproxyLine line, HaproxySettings s, List<String> comments) {
    String option = line.word(1);
    switch (option) {
      case "httpchk":
        setCheck(s, CheckOption.HTTPCHK, line);
        List<String> w = line.words();
        if (w.size() == 3) {
          s.httpPath = w.get(2);
        } else if (w.size() >= 4) {
          s.httpMethod = w.get(2);
          s.httpPath = w.get(3);
        }
        break;
      case "redispatch":
        s.redispatch = new Setting<>(true, line);
        break;
      case "allbackups":
        s.allBackups = new Setting<>(true, line);
        break;
      case "ssl-hello-chk":
        setCheck(s, CheckOption.SSL_HELLO, line);
        break;
      case "tcp-check":
        setCheck(s, CheckOption.TCP_CHECK, line);
        break;
      case "mysql-check":
      case "pgsql-check":
      case "redis-check":
      case "smtpchk":
      case "ldap-check":
      case "spop-check":
        setCheck(s, CheckOption.TCP_CHECK, line);
        comments.add(
            notes.changed(
                line.where(),
                line.text(),
                "vipd checks TCP, TLS and HTTP(S) only; servers get a TCP connect check"));
        break;
      default:
        comments.add(drop(line, HaproxyReasons.of(line)));
    }
  }

  private static void setCheck(HaproxySettings s, CheckOption option, HaproxyLine line) {
    if (s.checkOption != CheckOption.NONE && s.checkOption != option) {
      s.overriddenCheckLine = s.checkOptionLine;
    }
    s.checkOption = option;
    s.checkOptionLine = line;
  }

  private void httpCheck(HaproxyLine line, HaproxySettings s, List<String> comments) {
    List<String> w = line.words();
    switch (line.word(1)) {
      case "connect":
        s.httpCheckSsl = w.contains("ssl");
        if (w.size() > 2 + (s.httpCheckSsl ? 1 : 0)) {
          comments.add(drop(line, "only 'ssl' of http-check connect is carried over"));
        }
        break;
      case "send":
        for (int i = 2; i + 1 < w.size(); i += 2) {
          if (w.get(i).equals("meth")) {
            s.httpMethod = w.get(i + 1);
          } else if (w.get(i).equals("uri")) {
            s.httpPath = w.get(i + 1);
          } else if (!w.get(i).equals("ver")) {
            comments.add(drop(line, "vipd's HTTP check sends no custom headers or body"));
            break;
          }
        }
        break;
      case "expect":
        int at = line.word(2).equals("!") ? 3 : 2;
        if (at == 2 && line.word(2).equals("status") && line.word(3).matches("[0-9]{3}")) {
          s.expectStatus = new Setting<>(line.word(3), line);
        } else {
          comments.add(drop(line, "vipd's HTTP check matches one exact status code only"));
        }
        break;
      default:
        comments.add(drop(line, "vipd's HTTP check has no such rule"));
    }
  }

  private void bind(HaproxyLine line, HaproxySectionDraft draft, List<String> comments) {
    for (String one : line.word(1).split(",")) {
      HaproxyAddress.Parsed parsed = HaproxyAddress.parse(one, true);
      if (parsed.address().isPresent()) {
        draft.binds.add(parsed.address().get());
      } else {
        comments.add(drop(line, "cannot use bind address '" + one + "': " + parsed.problem()));
      }
    }
    if (line.words().size() > 2) {
      List<String> opts = line.words().subList(2, line.words().size());
      String why =
          opts.contains("ssl")
              ? "vipd's proxy does not terminate TLS"
              : "vipd binds with its own socket options";
      comments.add(drop(line, "bind options " + String.join(" ", opts) + ": " + why));
    }
  }

  private void server(HaproxyLine line, HaproxySectionDraft draft, List<String> comments) {
    HaproxyAddress.Parsed parsed = HaproxyAddress.parse(line.word(2), false);
    if (parsed.address().isEmpty()) {
      comments.add(drop(line, "cannot use server address: " + parsed.problem()));
      return;
    }
    HaproxyServerOptions opts = draft.settings.defaultServer.copy();
    opts.apply(line.words(), 3);
    if (opts.disabled) {
      comments.add(drop(line, "the server is disabled in haproxy"));
      return;
    }
    reportServerOptions(line, opts, comments);
    draft.servers.add(
        new HaproxySectionDraft.Server(line.word(1), parsed.address().get().text(), opts, line));
  }

  private void reportServerOptions(
      HaproxyLine line, HaproxyServerOptions opts, List<String> comments) {
    // The line itself is carried over (a server, or the defaults for servers): only these options
    // are not, and the note must not read as if the server were dropped.
    String kept = line.keyword().equals("server") ? "server kept" : "defaults kept";
    for (String bad : opts.malformed) {
      comments.add(
          notes.changed(line.where(), line.text(), kept + " without '" + bad + "' (unreadable)"));
    }
    if (!opts.unsupported.isEmpty()) {
      String why = HaproxyReasons.ofServerOptions(opts.unsupported, opts.ssl);
      comments.add(
          notes.changed(
              line.where(),
              line.text(),
              kept + " without the options " + String.join(" ", opts.unsupported) + ": " + why));
    }
  }

  private java.util.Optional<Long> number(HaproxyLine line, List<String> comments) {
    try {
      return java.util.Optional.of(Long.parseLong(line.word(1)));
    } catch (NumberFormatException e) {
      comments.add(drop(line, "cannot read the number '" + line.word(1) + "'"));
      return java.util.Optional.empty();
    }
  }

  String drop(HaproxyLine line, String why) {
    return notes.dropped(line.where(), line.text(), why);
  }
}
