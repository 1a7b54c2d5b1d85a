package io.vipd.daemon.importer;

import io.vipd.daemon.importer.HaproxySectionDraft.Server;
import io.vipd.daemon.importer.HaproxySettings.CheckOption;
import io.vipd.daemon.importer.HaproxySettings.Setting;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** Writes one {@code proxy.backends.<name>} object from a haproxy backend or listen section. */
final class HaproxyBackendWriter {

  /** haproxy's check defaults (configuration manual, "inter", "fall", "rise"). */
  static final long DEFAULT_INTER_MILLIS = 2000;

  static final long DEFAULT_FALL = 3;

  /** The longest slowstart vipd takes. */
  private static final long MAX_SLOWSTART_MILLIS = 3_600_000;

  /** The largest error-limit vipd takes. */
  private static final long MAX_ERROR_LIMIT = 1000;

  /** haproxy's error-limit when observe is set. */
  static final long DEFAULT_ERROR_LIMIT = 10;

  /** haproxy's on-error words, as vipd writes them. */
  private static final java.util.Map<String, String> ON_ERROR =
      java.util.Map.of(
          "fastinter", "fast-interval",
          "fail-check", "fail-check",
          "sudden-death", "sudden-death",
          "mark-down", "mark-down");

  static final long DEFAULT_RISE = 2;

  private static final Set<String> BALANCE =
      Set.of("roundrobin", "leastconn", "source", "random", "first");

  /** vipd's default tunnel timeout (reference.conf). */
  private static final long DEFAULT_TUNNEL_MILLIS = 3_600_000;

  private static final long DEFAULT_CLIENT_FIN_MILLIS = 60_000;

  private static final List<String> TIMEOUT_ORDER =
      List.of("connect", "client", "server", "tunnel", "client-fin", "server-fin", "queue");

  private final HaproxySectionDraft draft;
  private final HaproxySettings s;
  private final ImportNotes notes;

  /** The global section's "ssl-server-verify none": no server certificate is verified. */
  private final boolean globalVerifyNone;

  /** The global {@code ca-base}, or null. */
  private final String caBase;

  private final HoconObject out = HoconObject.block();

  /**
   * @param caBase the global {@code ca-base}, which haproxy puts before a relative {@code ca-file};
   *     null if none
   */
  HaproxyBackendWriter(
      HaproxySectionDraft draft, ImportNotes notes, boolean globalVerifyNone, String caBase) {
    this.caBase = caBase;
    this.globalVerifyNone = globalVerifyNone;
    this.draft = draft;
    this.s = draft.settings;
    this.notes = notes;
  }

  /** vipd's ranges, which haproxy's values may pass. */
  private static final long MAX_RETRIES = 100;

  private static final long MAX_WEIGHT = 256;
  static final long MAX_MAXCONN = 1_000_000;
  private static final long MAX_FALL_RISE = 1000;

  private static final long MIN_CHECK_MILLIS = 10;
  private static final long MAX_INTERVAL_MILLIS = TimeUnit.HOURS.toMillis(24);
  private static final long MAX_CHECK_TIMEOUT_MILLIS = TimeUnit.HOURS.toMillis(1);
  static final long MAX_TIMEOUT_MILLIS = TimeUnit.DAYS.toMillis(7);

  /** {@code value} within vipd's {@code min..max}, or the nearest end with a note. */
  private long within(
      long value,
      long min,
      long max,
      HaproxyLine line,
      String what,
      java.util.function.LongFunction<String> format) {
    return new VipdRange(what, min, max, format).fit(value, line, notes, out::comment);
  }

  HoconObject write() {
    draft.comments.forEach(out::comment);
    balance();
    servers();
    check();
    timeouts();
    if (s.retries != null) {
      out.put(
          "retries",
          within(s.retries.value(), 0, MAX_RETRIES, s.retries.line(), "retries", String::valueOf));
    }
    if (s.redispatch != null) {
      out.put("redispatch", s.redispatch.value());
    }
    if (s.allBackups != null) {
      out.put("all-backups", s.allBackups.value());
    }
    serverAction("on-marked-down", o -> o.onMarkedDown, "shutdown-sessions");
    serverAction("on-marked-up", o -> o.onMarkedUp, "shutdown-backup-sessions");
    passiveHealth();
    slowstart();
    return out;
  }

  private void balance() {
    if (s.balance == null) {
      out.putWord("balance", "roundrobin");
      return;
    }
    String algo = s.balance.value();
    String base = algo.replaceAll("\\(.*", "");
    if (BALANCE.contains(algo)) {
      out.putWord("balance", algo);
      return;
    }
    String replacement = base.equals("random") ? "random" : "roundrobin";
    out.comment(
        notes.changed(
            s.balance.line().where(),
            s.balance.line().text(),
            base.equals("static-rr")
                ? "vipd's roundrobin is haproxy's, weights changeable at runtime; the same order"
                    + " while they are not changed"
                : "vipd balances roundrobin, leastconn, source, random or first; using "
                    + replacement));
    out.putWord("balance", replacement);
  }

  private void servers() {
    HoconArray servers = new HoconArray();
    for (Server server : draft.servers) {
      HoconObject entry =
          HoconObject.inline().put("name", server.name()).put("address", server.address());
      server
          .options()
          .weight
          .ifPresent(
              w ->
                  entry.put(
                      "weight",
                      within(w, 0, MAX_WEIGHT, server.line(), "weight", String::valueOf)));
      server
          .options()
          .maxconn
          .ifPresent(
              m ->
                  entry.put(
                      "maxconn",
                      within(m, 0, MAX_MAXCONN, server.line(), "maxconn", String::valueOf)));
      if (server.options().backup) {
        entry.put("backup", true);
      }
      servers.add(entry);
    }
    out.put("servers", servers);
  }

  private void check() {
    List<Server> checked = draft.servers.stream().filter(sv -> sv.options().check).toList();
    if (checked.isEmpty()) {
      out.comment(
          "no server has 'check' in haproxy, so none is checked: type = none keeps every server"
              + " up, as haproxy did (vipd's default would check them over TCP); consider a check");
      out.put("check", HoconObject.inline().putWord("type", "none"));
      return;
    }
    if (checked.size() < draft.servers.size()) {
      Server unchecked =
          draft.servers.stream().filter(sv -> !sv.options().check).findFirst().orElseThrow();
      out.comment(
          notes.changed(
              unchecked.line().where(),
              unchecked.line().text(),
              "vipd checks every server of a backend; haproxy did not check this one"));
    }
    Server first = checked.get(0);
    HaproxyServerOptions o = first.options();
    noteDifferentCheckSettings(checked);
    boolean tls = o.checksUseTls() || s.httpCheckSsl;
    HoconObject check = HoconObject.inline();
    if (s.overriddenCheckLine != null) {
      out.comment(
          notes.dropped(
              s.overriddenCheckLine.where(),
              s.overriddenCheckLine.text(),
              "a later '" + s.checkOptionLine.text() + "' replaces it, as in haproxy"));
    }
    if (s.checkOption != CheckOption.HTTPCHK && s.expectStatus != null) {
      out.comment(
          notes.dropped(
              s.expectStatus.line().where(),
              s.expectStatus.line().text(),
              "it applies to HTTP checks, and this backend's check is not one (as in haproxy)"));
    }
    if (s.checkOption == CheckOption.HTTPCHK) {
      httpCheck(check, tls);
    } else if (s.checkOption == CheckOption.SSL_HELLO || tls) {
      check.putWord("type", "tls");
      if (s.checkOption == CheckOption.SSL_HELLO) {
        out.comment(
            "option ssl-hello-chk: vipd's tls check completes a TLS handshake with each server");
      }
    } else {
      check.putWord("type", "tcp");
    }
    if (tls || s.checkOption == CheckOption.SSL_HELLO) {
      if (Boolean.TRUE.equals(o.verifyNone)
          || (o.verifyNone == null && o.caFile == null && globalVerifyNone)) {
        check.put("insecure", true);
      } else if (o.caFile != null && o.caFile.equals("@system-ca")) {
        // haproxy's name for the system's trust store: vipd's is the JVM's, used with no ca-file
        out.comment(
            "ca-file @system-ca: vipd verifies against the JVM's trust store when ca-file is"
                + " not set");
      } else if (o.caFile != null) {
        check.put(
            "ca-file",
            caBase != null && !o.caFile.startsWith("/") ? caBase + "/" + o.caFile : o.caFile);
      } else if (!tls) {
        // ssl-hello-chk sends a hello and reads the answer: it never verified a certificate
        check.put("insecure", true);
      }
    }
    checkTimes(check, o, first.line());
    out.put("check", check);
  }

  private void httpCheck(HoconObject check, boolean tls) {
    check.putWord("type", tls ? "https" : "http");
    check.put("path", s.httpPath);
    if (!s.httpMethod.equalsIgnoreCase("GET")) {
      out.comment(
          notes.changed(
              s.checkOptionLine.where(),
              s.checkOptionLine.text(),
              "vipd's HTTP check sends GET, haproxy sent " + s.httpMethod));
    }
    if (s.expectStatus != null) {
      check.put("expect-status", Long.parseLong(s.expectStatus.value()));
    } else {
      out.comment(
          "haproxy accepted any 2xx or 3xx check response; vipd's default expect-status applies");
    }
    if (tls && (s.httpPath.equals("/healthz") || s.httpPath.equals("/livez"))) {
      out.comment(
          "for kube-apiserver backends consider path = \"/readyz\": it fails as soon as an"
              + " apiserver begins to shut down, so connections move away before it stops");
    }
  }

  /**
   * @param serverLine the line of the server whose options the check takes
   */
  private void checkTimes(HoconObject check, HaproxyServerOptions o, HaproxyLine serverLine) {
    long inter =
        o.interMillis.isPresent()
            ? within(
                o.interMillis.getAsLong(),
                MIN_CHECK_MILLIS,
                MAX_INTERVAL_MILLIS,
                serverLine,
                "inter",
                Durations::hocon)
            : DEFAULT_INTER_MILLIS;
    check.putDuration("interval", inter);
    o.fastInterMillis.ifPresent(
        f ->
            check.putDuration(
                "fast-interval",
                within(
                    f,
                    MIN_CHECK_MILLIS,
                    MAX_INTERVAL_MILLIS,
                    serverLine,
                    "fastinter",
                    Durations::hocon)));
    o.downInterMillis.ifPresent(
        d ->
            check.putDuration(
                "down-interval",
                within(
                    d,
                    MIN_CHECK_MILLIS,
                    MAX_INTERVAL_MILLIS,
                    serverLine,
                    "downinter",
                    Durations::hocon)));
    o.checkPort.ifPresent(p -> check.put("port", p));
    Setting<Long> timeoutCheck = s.timeouts.get("check");
    // Without 'timeout check' haproxy bounds the whole check by inter, as vipd's timeout does.
    long timeout =
        timeoutCheck == null
            ? Math.min(inter, MAX_CHECK_TIMEOUT_MILLIS)
            : within(
                timeoutCheck.value(),
                MIN_CHECK_MILLIS,
                MAX_CHECK_TIMEOUT_MILLIS,
                timeoutCheck.line(),
                "timeout check",
                Durations::hocon);
    if (timeoutCheck != null) {
      out.comment(
          "timeout = "
              + Durations.hocon(timeout)
              + " from '"
              + timeoutCheck.line().text()
              + "': haproxy connected within min(timeout connect, inter) and then allowed that"
              + " long for the reply; vipd's timeout bounds the whole check"
              + (timeout > inter
                  ? " (longer than the interval: vipd check warns, a slow check delays the next)"
                  : ""));
    }
    check.putDuration("timeout", timeout);
    check.put(
        "fall",
        within(o.fall.orElse(DEFAULT_FALL), 1, MAX_FALL_RISE, serverLine, "fall", String::valueOf));
    check.put(
        "rise",
        within(o.rise.orElse(DEFAULT_RISE), 1, MAX_FALL_RISE, serverLine, "rise", String::valueOf));
  }

  private void noteDifferentCheckSettings(List<Server> checked) {
    HaproxyServerOptions a = checked.get(0).options();
    for (Server other : checked.subList(1, checked.size())) {
      HaproxyServerOptions b = other.options();
      if (!a.interMillis.equals(b.interMillis)
          || !a.fastInterMillis.equals(b.fastInterMillis)
          || !a.downInterMillis.equals(b.downInterMillis)
          || !a.checkPort.equals(b.checkPort)
          || !a.fall.equals(b.fall)
          || !a.rise.equals(b.rise)
          || a.checksUseTls() != b.checksUseTls()
          || !java.util.Objects.equals(a.verifyNone, b.verifyNone)) {
        out.comment(
            notes.changed(
                other.line().where(),
                other.line().text(),
                "vipd has one check per backend; the settings of server "
                    + checked.get(0).name()
                    + " are used"));
      }
    }
  }

  private void timeouts() {
    HoconObject t = HoconObject.inline();
    for (String name : TIMEOUT_ORDER) {
      Setting<Long> value = s.timeouts.get(name);
      if (name.equals("client") && draft.clientTimeout != null) {
        value = draft.clientTimeout;
      } else if (name.equals("client-fin") && draft.clientFinTimeout != null) {
        value = draft.clientFinTimeout;
      }
      if (value != null) {
        t.putDuration(
            name,
            within(
                value.value(),
                0,
                MAX_TIMEOUT_MILLIS,
                value.line(),
                "timeout " + name,
                Durations::hocon));
      } else if (name.equals("tunnel")) {
        tunnelFromIdleTimeouts(t);
      }
    }
    clientFinFromIdleTimeouts();
    if (t.hasMembers()) {
      out.put("timeouts", t);
    } else {
      out.comment(
          "no timeouts in haproxy: it never timed connections out (and warned about it); vipd's"
              + " defaults apply: connect 5s, client and server 1m, tunnel 1h");
    }
  }

  /**
   * No {@code timeout tunnel}: in mode tcp haproxy closed established connections idle for their
   * client or server timeout. vipd's tunnel timeout (default 1h) replaces those once connected. It
   * keeps watches and {@code kubectl logs -f} open where haproxy's short timeouts cut them; where
   * haproxy's were longer than 1h, the tunnel takes the longer one so that nothing closes sooner.
   */
  private void tunnelFromIdleTimeouts(HoconObject t) {
    long idle = Math.max(timeout("client"), timeout("server"));
    if (idle > DEFAULT_TUNNEL_MILLIS) {
      t.putDuration("tunnel", idle);
      out.comment(
          "no 'timeout tunnel': haproxy closed established connections idle for its client/server"
              + " timeout; tunnel is set to the longer of them, as vipd's tunnel timeout replaces"
              + " both once a connection is established");
    } else if (idle > 0) {
      out.comment(
          "no 'timeout tunnel': haproxy closed established connections idle for its client/server"
              + " timeout (watches and 'kubectl logs -f' too); vipd's tunnel timeout (1h) keeps"
              + " them; write tunnel = 0s for haproxy's behaviour");
    }
  }

  /**
   * No {@code timeout client-fin}: haproxy kept a client open after the server's FIN for its tunnel
   * timeout (else its client timeout); vipd's client-fin default (1m) closes it sooner. Said where
   * haproxy's wait was longer, with the line that keeps haproxy's behaviour; the default is kept,
   * as haproxy's documentation advises a short client-fin against FIN_WAIT pile-ups.
   */
  private void clientFinFromIdleTimeouts() {
    if (draft.clientFinTimeout != null || s.timeouts.get("client-fin") != null) {
      return;
    }
    long tunnel = timeout("tunnel");
    long halfClosed = tunnel > 0 ? tunnel : timeout("client");
    if (halfClosed > DEFAULT_CLIENT_FIN_MILLIS) {
      out.comment(
          "no 'timeout client-fin': haproxy kept a client open after the server closed for its "
              + (tunnel > 0 ? "tunnel" : "client")
              + " timeout ("
              + Durations.hocon(halfClosed)
              + "); vipd's client-fin (1m) closes it sooner; write client-fin = "
              + Durations.hocon(halfClosed)
              + " for haproxy's behaviour");
    }
  }

  /** A client or server timeout as written (or set by client-fin handling), 0 if none. */
  private long timeout(String name) {
    Setting<Long> value =
        name.equals("client") && draft.clientTimeout != null
            ? draft.clientTimeout
            : s.timeouts.get(name);
    return value == null ? 0 : value.value();
  }

  /**
   * haproxy's {@code observe}, {@code error-limit} and {@code on-error}, from the first checked
   * server (vipd sets them per backend). Without {@code observe}, haproxy ignored failed connects;
   * vipd's default counts each one as a failed check, which the comment says.
   */
  private void passiveHealth() {
    List<Server> checked = draft.servers.stream().filter(sv -> sv.options().check).toList();
    if (checked.isEmpty()) {
      return; // no check, no health for failed connects to count toward
    }
    Server server = checked.get(0);
    HaproxyServerOptions o = server.options();
    for (Server other : checked) {
      HaproxyServerOptions p = other.options();
      if (!java.util.Objects.equals(p.observe, o.observe)
          || !p.errorLimit.equals(o.errorLimit)
          || !java.util.Objects.equals(p.onError, o.onError)) {
        out.comment(
            notes.changed(
                other.line().where(),
                other.line().text(),
                "vipd's observe, error-limit and on-error are per backend: server "
                    + server.name()
                    + "'s apply"));
      }
    }
    if (o.observe == null) {
      out.comment(
          "no 'observe layer4' in haproxy: a failed connect did not count against a server; vipd"
              + " counts each one as a failed check (observe = none for haproxy's behaviour)");
      return;
    }
    if (!o.observe.equals("layer4")) {
      out.comment(
          notes.changed(
              server.line().where(),
              "observe " + o.observe,
              "vipd observes connects only (layer4), as haproxy does in mode tcp"));
    }
    out.putWord("observe", "layer4");
    long limit = Math.max(1, o.errorLimit.orElse(DEFAULT_ERROR_LIMIT));
    if (limit > MAX_ERROR_LIMIT) {
      out.comment(
          notes.changed(
              server.line().where(),
              "error-limit " + limit,
              "vipd's error-limit is at most " + MAX_ERROR_LIMIT));
      limit = MAX_ERROR_LIMIT;
    }
    out.put("error-limit", limit);
    if (o.onError != null) {
      String action = ON_ERROR.get(o.onError);
      if (action != null) {
        out.putWord("on-error", action);
      } else {
        out.comment(
            notes.dropped(
                server.line().where(),
                "on-error " + o.onError,
                "expected fastinter, fail-check, sudden-death or mark-down; fail-check applies"));
      }
    }
  }

  /**
   * haproxy's per-server {@code slowstart}, from the first server that has one: vipd sets it per
   * backend, which a comment says when the servers differed.
   */
  private void slowstart() {
    Server first =
        draft.servers.stream()
            .filter(sv -> sv.options().slowstartMillis.isPresent())
            .findFirst()
            .orElse(null);
    if (first == null) {
      return;
    }
    long millis = first.options().slowstartMillis.getAsLong();
    long capped = Math.min(millis, MAX_SLOWSTART_MILLIS);
    if (capped < millis) {
      out.comment(
          notes.changed(
              first.line().where(), first.line().text(), "vipd's slowstart is at most 1h"));
    }
    for (Server other : draft.servers) {
      if (!other.options().slowstartMillis.equals(first.options().slowstartMillis)) {
        out.comment(
            notes.changed(
                other.line().where(),
                other.line().text(),
                "vipd's slowstart is per backend: every server gets server "
                    + first.name()
                    + "'s "
                    + Durations.hocon(capped)));
      }
    }
    out.putDuration("slowstart", capped);
  }

  /**
   * A per-server haproxy action ({@code on-marked-down}, {@code on-marked-up}) from the first
   * server that has one, if it is the one vipd supports.
   */
  private void serverAction(
      String key, java.util.function.Function<HaproxyServerOptions, String> of, String supported) {
    for (Server server : draft.servers) {
      String action = of.apply(server.options());
      if (action == null) {
        continue;
      }
      if (action.equals(supported)) {
        out.putWord(key, supported);
      } else {
        out.comment(
            notes.dropped(
                server.line().where(),
                key + " " + action,
                "vipd supports " + key + " " + supported + " only"));
      }
      return;
    }
  }
}
