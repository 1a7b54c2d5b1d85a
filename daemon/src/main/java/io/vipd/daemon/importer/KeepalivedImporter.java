package io.vipd.daemon.importer;

import io.vipd.daemon.importer.ScriptClassifier.Classification;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Turns a parsed keepalived.conf into vipd's {@code vrrp.instances} and {@code checks}. Not
 * thread-safe; one instance per import.
 */
final class KeepalivedImporter {

  /**
   * The translated parts.
   *
   * @param instances the {@code vrrp.instances} array (possibly only comments)
   * @param instanceCount how many instances were written
   * @param checks the {@code checks} object (possibly empty)
   * @param headerComments comments about global_defs and unsupported top-level blocks
   */
  record Result(
      HoconArray instances, int instanceCount, HoconObject checks, List<String> headerComments) {}

  private final KeepalivedConfig config;
  private final ImportNotes notes;
  private final ScriptClassifier classifier;
  private final List<FrontendBind> binds;

  /**
   * @param binds the imported proxy's frontends
   * @param serverPorts the ports of the imported proxy's servers (the API servers')
   */
  KeepalivedImporter(
      KeepalivedConfig config,
      Path keepalivedDir,
      List<FrontendBind> binds,
      Set<Integer> serverPorts,
      ImportNotes notes) {
    this.config = config;
    this.notes = notes;
    this.classifier = new ScriptClassifier(keepalivedDir, binds, serverPorts);
    this.binds = List.copyOf(binds);
  }

  Result translate() {
    List<String> header = new ArrayList<>();
    KeepalivedGlobals globals = new KeepalivedGlobals();
    Map<String, KeepalivedScript> scripts = new LinkedHashMap<>();
    List<KeepalivedStatement> instances = new ArrayList<>();
    for (KeepalivedStatement st : config.statements()) {
      switch (st.keyword()) {
        case "global_defs":
          globals(st, globals, header);
          break;
        case "vrrp_script":
          scripts.put(st.arg(0).orElse(""), KeepalivedScript.read(st, notes));
          break;
        case "vrrp_instance":
          instances.add(st);
          break;
        case "vrrp_sync_group":
          break; // read below, once every instance is known
        default:
          header.add(notes.dropped(st.where(), st.text(), KeepalivedReasons.of(st.keyword())));
      }
    }
    KeepalivedSyncGroups groups =
        KeepalivedSyncGroups.read(
            config.statements(),
            instances.stream().map(st -> st.arg(0).orElse("")).collect(Collectors.toSet()),
            notes,
            header);
    KeepalivedCheckWriter checkWriter = new KeepalivedCheckWriter(classifier, notes);
    Map<String, Classification> classified = new LinkedHashMap<>();
    scripts.values().forEach(s -> classified.put(s.name, checkWriter.classify(s)));
    FateSharing fate = fateSharing(instances, classified, groups, scripts);

    HoconArray instanceArray = new HoconArray();
    Set<String> tracked = new HashSet<>();
    int written = 0;
    for (KeepalivedStatement st : instances) {
      Optional<KeepalivedSyncGroups.Membership> group = groups.of(st.arg(0).orElse(""));
      Set<String> itTracks = groups.trackedScripts(st, scripts);
      if (new KeepalivedInstanceWriter(st, globals, scripts, fate, group, itTracks, notes)
          .write(instanceArray)) {
        written++;
        tracked.addAll(itTracks);
        fate.checks().forEach(c -> tracked.add(c.name()));
      }
    }
    HoconObject checks = HoconObject.block();
    for (KeepalivedScript script : scripts.values()) {
      checkWriter.write(script, classified.get(script.name), checks, tracked.contains(script.name));
    }
    if (written > 0) {
      fate.writeChecks(checks);
    }
    return new Result(instanceArray, written, checks, header);
  }

  /**
   * The proxy checks every instance will track: a tracked script that checked haproxy stands for
   * its backend; other backends get a new check.
   */
  private FateSharing fateSharing(
      List<KeepalivedStatement> instances,
      Map<String, Classification> classified,
      KeepalivedSyncGroups groups,
      Map<String, KeepalivedScript> scripts) {
    Set<String> trackedByAny = new HashSet<>();
    instances.forEach(st -> trackedByAny.addAll(groups.trackedScripts(st, scripts)));
    Map<String, String> scriptByBackend = new LinkedHashMap<>();
    classified.forEach(
        (name, c) -> {
          if (c != null
              && trackedByAny.contains(name)
              && c.check() instanceof ScriptCheck.ProxyAlive p) {
            scriptByBackend.putIfAbsent(p.frontend().backend(), name);
          }
        });
    return new FateSharing(binds, scriptByBackend, classified.keySet());
  }

  private void globals(KeepalivedStatement block, KeepalivedGlobals g, List<String> header) {
    for (KeepalivedStatement st : block.block()) {
      switch (st.keyword()) {
        case "vrrp_version":
          g.vrrpVersion = st.arg(0).orElse("").equals("3") ? 3 : 2;
          g.vrrpVersionLine = st;
          break;
        case "vrrp_strict":
          g.strict = KeepalivedGlobals.flag(st);
          header.add(
              notes.changed(
                  st.where(),
                  st.text(),
                  "only its rule 'no advert in reply to a lower priority' is carried over"));
          break;
        case "vrrp_lower_prio_no_advert":
          g.lowerPrioNoAdvert = KeepalivedGlobals.flag(st);
          break;
        case "v3_checksum_as_v2":
        case "vrrp_v3_checksum_as_v2":
          g.v3ChecksumAsV2 = KeepalivedGlobals.flag(st);
          break;
        default:
          if (!g.garp.read(st, true, notes, header)) {
            header.add(notes.dropped(st.where(), st.text(), KeepalivedReasons.of(st.keyword())));
          }
      }
    }
  }
}
