package io.vipd.daemon.importer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a parsed haproxy.cfg into vipd's {@code proxy} section. Defaults sections are read for the
 * values they set and apply to the sections after them; global is read for {@code maxconn}, {@code
 * busy-polling} and the stats socket. Not thread-safe; one instance per import.
 */
final class HaproxyImporter {

  /**
   * The translated proxy.
   *
   * @param proxy the {@code proxy} object, or null when nothing could be carried over
   * @param headerComments comments about global/defaults/other sections, placed before {@code
   *     proxy}
   * @param binds the frontends written, for keepalived scripts that check haproxy
   * @param statsSocket the {@code admin.stats-socket} object, or null when haproxy has none
   */
  record Result(
      HoconObject proxy,
      List<String> headerComments,
      List<FrontendBind> binds,
      HoconObject statsSocket) {}

  private final HaproxyConfig config;
  private final ImportNotes notes;
  private final HaproxyDirectiveReader reader;
  private final List<String> header = new ArrayList<>();
  private final List<HaproxySectionDraft> frontends = new ArrayList<>();
  private final Map<String, HaproxySectionDraft> backends = new LinkedHashMap<>();

  /** Ports some frontend binds on 0.0.0.0, with the first such frontend. */
  private final Map<Integer, String> v4Wildcards = new HashMap<>();

  /** The global {@code ca-base}, or null. */
  private String caBase;

  /** Named defaults sections ({@code defaults NAME}), which {@code from NAME} refers to. */
  private final Map<String, HaproxySettings> namedDefaults = new HashMap<>();

  /** Backends (and listen sections) that haproxy has disabled, by name. */
  private final Set<String> disabledBackends = new HashSet<>();

  private HaproxySettings.Setting<Long> globalMaxconn;
  private boolean sslServerVerifyNone;
  private boolean busyPolling;
  private final HaproxyStatsSocket statsSocket;

  HaproxyImporter(HaproxyConfig config, ImportNotes notes) {
    this.config = config;
    this.notes = notes;
    this.reader = new HaproxyDirectiveReader(notes);
    this.statsSocket = new HaproxyStatsSocket(notes);
  }

  Result translate() {
    HaproxySettings defaults = new HaproxySettings();
    for (HaproxySection section : config.sections()) {
      switch (section.type()) {
        case "global":
          global(section);
          break;
        case "defaults":
          // Each defaults section starts again from haproxy's built-in values, or from the named
          // defaults section it names with "from" (haproxy 2.6)
          defaults = base(section, new HaproxySettings()).copy();
          for (HaproxyLine line : section.lines()) {
            reader.apply(line, defaults, null, header);
          }
          List<String> words = section.header().words();
          if (words.size() >= 2 && !words.get(1).equals("from")) {
            namedDefaults.put(words.get(1), defaults);
          }
          break;
        case "frontend":
        case "backend":
        case "listen":
          proxySection(section, base(section, defaults).copy());
          break;
        default:
          header.add(
              notes.dropped(
                  section.where(),
                  section.header().text(),
                  "haproxy " + section.type() + " sections have no equivalent in vipd"));
      }
    }
    return build();
  }

  private void global(HaproxySection section) {
    for (HaproxyLine line : section.lines()) {
      if (line.keyword().equals("maxconn") && line.word(1).matches("[0-9]{1,18}")) {
        globalMaxconn = new HaproxySettings.Setting<>(Long.parseLong(line.word(1)), line);
      } else if (line.keyword().equals("ssl-server-verify") && line.word(1).equals("none")) {
        // the default "verify" of every server: carried into the checks as insecure = true
        sslServerVerifyNone = true;
      } else if (line.keyword().equals("ca-base") && !line.word(1).isEmpty()) {
        caBase = line.word(1); // put before relative ca-file paths of server checks
      } else if (line.keyword().equals("busy-polling")) {
        busyPolling = true;
      } else if (line.keyword().equals("stats")) {
        header.addAll(statsSocket.read(line));
      } else {
        header.add(reader.drop(line, HaproxyReasons.of(line)));
      }
    }
    header.addAll(statsSocket.leftovers());
  }

  /**
   * The defaults a section starts from (the caller works on a copy): those named by its {@code from
   * NAME}, else {@code otherwise} (the last defaults section before it, for a proxy; built-in
   * values, for defaults).
   */
  private HaproxySettings base(HaproxySection section, HaproxySettings otherwise) {
    List<String> words = section.header().words();
    int from = words.indexOf("from");
    if (from < 1 || from + 1 >= words.size()) {
      return otherwise;
    }
    HaproxySettings named = namedDefaults.get(words.get(from + 1));
    if (named == null) {
      header.add(
          notes.changed(
              section.where(),
              section.header().text(),
              "no defaults section named "
                  + words.get(from + 1)
                  + " before it (haproxy refuses this); "
                  + (section.type().equals("defaults")
                      ? "haproxy's built-in values are used"
                      : "the last defaults section's values are used")));
      return otherwise;
    }
    return named;
  }

  private void proxySection(HaproxySection section, HaproxySettings settings) {
    HaproxySettings.Setting<Boolean> disabled = settings.disabled;
    for (HaproxyLine line : section.lines()) {
      if (line.keyword().equals("disabled") || line.keyword().equals("enabled")) {
        disabled = new HaproxySettings.Setting<>(line.keyword().equals("disabled"), line);
      }
    }
    if (disabled != null && disabled.value()) {
      // haproxy neither binds nor serves it; kept, vipd would bind a port haproxy left alone
      header.add(
          notes.dropped(
              section.where(),
              section.header().text(),
              "it is disabled in haproxy ("
                  + disabled.line().text()
                  + (section.lines().contains(disabled.line())
                      ? ""
                      : " in defaults, " + disabled.line().where())
                  + "), which neither binds nor serves it"));
      if (!section.type().equals("frontend")) {
        disabledBackends.add(section.name());
      }
      return;
    }
    HaproxySectionDraft draft = new HaproxySectionDraft(section, settings);
    if (section.type().equals("listen")
        && section.header().words().size() > 2
        && !section.header().word(2).equals("from")) {
      // Old style: "listen NAME ADDR:PORT" binds in the header line.
      reader.apply(
          new HaproxyLine(List.of("bind", section.header().word(2)), section.header().where()),
          settings,
          draft,
          draft.comments);
    }
    for (HaproxyLine line : section.lines()) {
      reader.apply(line, settings, draft, draft.comments);
    }
    if (settings.httpMode()) {
      HaproxyLine modeLine = settings.mode.line();
      draft.comments.add(
          notes.changed(
              modeLine.where(),
              modeLine.text(),
              section.type()
                  + " "
                  + section.name()
                  + " is in http mode: vipd forwards TCP, so connections pass through unchanged"
                  + " and HTTP features are dropped"));
    }
    if (draft.isFrontend()) {
      frontends.add(draft);
    }
    if (draft.isBackend()) {
      backends.put(section.name(), draft);
    }
  }

  private Result build() {
    HoconArray frontendArray = new HoconArray();
    List<FrontendBind> binds = new ArrayList<>();
    for (HaproxySectionDraft f : frontends) {
      for (HaproxyAddress b : f.binds) {
        if (b.host().equals("0.0.0.0")) {
          v4Wildcards.putIfAbsent(b.port(), f.name());
        }
      }
    }
    for (HaproxySectionDraft f : frontends) {
      frontend(f, frontendArray, binds);
    }
    HoconObject backendObject = HoconObject.block();
    for (HaproxySectionDraft b : backends.values()) {
      if (b.servers.isEmpty()) {
        for (String c : b.comments) {
          backendObject.comment(c);
        }
        backendObject.comment(
            notes.dropped(b.section.where(), b.section.header().text(), "it has no usable server"));
        continue;
      }
      backendObject.put(
          b.name(), new HaproxyBackendWriter(b, notes, sslServerVerifyNone, caBase).write());
    }
    if (binds.isEmpty() && !backendObject.hasMembers()) {
      return new Result(null, header, binds, statsSocket.toHocon());
    }
    HoconObject proxy = HoconObject.block();
    if (globalMaxconn != null) {
      proxy.put(
          "maxconn",
          VipdRange.count("maxconn", 1, HaproxyBackendWriter.MAX_MAXCONN)
              .fit(globalMaxconn.value(), globalMaxconn.line(), notes, header::add));
    }
    if (busyPolling) {
      proxy.put("busy-polling", true);
    }
    proxy.put("frontends", frontendArray);
    proxy.put("backends", backendObject);
    return new Result(proxy, header, binds, statsSocket.toHocon());
  }

  private void frontend(HaproxySectionDraft f, HoconArray out, List<FrontendBind> binds) {
    // a default_backend, the section's or inherited, wins over a listen's own servers in haproxy
    String defaultBackend = f.defaultBackend != null ? f.defaultBackend : f.settings.defaultBackend;
    String backendName =
        f.section.type().equals("listen") && defaultBackend == null ? f.name() : defaultBackend;
    if (f.section.type().equals("listen") && defaultBackend != null && !f.servers.isEmpty()) {
      out.comment(
          notes.changed(
              f.section.where(),
              f.section.header().text(),
              "haproxy sends its connections to default_backend "
                  + defaultBackend
                  + ", never to its own servers (haproxy warns so), and so does vipd"));
    }
    HaproxySectionDraft backend = backendName == null ? null : backends.get(backendName);
    String problem =
        f.binds.isEmpty()
            ? "it has no usable bind address"
            : backendName == null
                ? "it has no default_backend"
                : backend == null
                    ? "its backend "
                        + backendName
                        + (disabledBackends.contains(backendName)
                            ? " is disabled in haproxy"
                            : " is not defined")
                    : backend.servers.isEmpty()
                        ? "its backend " + backendName + " has no usable server"
                        : null;
    boolean listen = f.section.type().equals("listen");
    if (!listen) {
      f.comments.forEach(out::comment);
    } else if (backend == f && f.servers.isEmpty()) {
      return; // reported once, with the backend
    }
    if (problem != null) {
      out.comment(notes.dropped(f.section.where(), f.section.header().text(), problem));
      return;
    }
    passClientTimeouts(f, backend);
    List<HaproxyAddress> addresses = new ArrayList<>(f.binds);
    addresses.removeIf(
        b -> {
          String v4 = b.host().equals("[::]") ? v4Wildcards.get(b.port()) : null;
          if (v4 != null) {
            out.comment(
                notes.changed(
                    f.section.where(),
                    "bind " + b.text(),
                    "vipd listens on 0.0.0.0:"
                        + b.port()
                        + " dual-stack (on [::]), so it takes IPv6 clients too: one frontend"
                        + " for both (haproxy's *:P with :::P v6only)"
                        + (v4.equals(f.name())
                            ? ""
                            : "; IPv6 clients go to frontend " + v4 + "'s backend")));
          }
          return v4 != null;
        });
    if (addresses.size() > 1) {
      out.comment(
          notes.changed(
              f.section.where(),
              f.section.header().text(),
              "vipd has one bind per frontend: one frontend per bind address"));
    }
    for (int i = 0; i < addresses.size(); i++) {
      String name = i == 0 ? f.name() : f.name() + "-" + (i + 1);
      HaproxyAddress bind = addresses.get(i);
      HoconObject entry = HoconObject.inline().put("name", name).put("bind", bind.text());
      entry.put("backend", backendName);
      if (f.settings.maxconn != null) {
        entry.put(
            "maxconn",
            VipdRange.count("maxconn", 0, HaproxyBackendWriter.MAX_MAXCONN)
                .fit(f.settings.maxconn.value(), f.settings.maxconn.line(), notes, out::comment));
      }
      out.add(entry);
      binds.add(new FrontendBind(name, bind.host(), bind.port(), backendName));
    }
  }

  /** haproxy keeps client-side timeouts on the frontend; vipd keeps them on the backend. */
  private void passClientTimeouts(HaproxySectionDraft f, HaproxySectionDraft backend) {
    if (backend == f) {
      return;
    }
    HaproxySettings.Setting<Long> client = f.settings.timeouts.get("client");
    HaproxySettings.Setting<Long> fin = f.settings.timeouts.get("client-fin");
    if (backend.clientTimeout == null) {
      backend.clientTimeout = client;
      backend.clientFinTimeout = fin;
    } else if (client != null && !client.value().equals(backend.clientTimeout.value())) {
      backend.comments.add(
          notes.changed(
              client.line().where(),
              client.line().text(),
              "frontends using backend "
                  + backend.name()
                  + " set different client timeouts; the first frontend's is used"));
    }
  }
}
