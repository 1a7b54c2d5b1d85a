package io.vipd.daemon.importer;

import io.vipd.daemon.importer.ScriptClassifier.Classification;
import java.util.List;

/** Writes one {@code checks.<name>} object for a keepalived {@code vrrp_script}. */
final class KeepalivedCheckWriter {

  private final ScriptClassifier classifier;
  private final ImportNotes notes;

  KeepalivedCheckWriter(ScriptClassifier classifier, ImportNotes notes) {
    this.classifier = classifier;
    this.notes = notes;
  }

  /**
   * Adds the check for {@code script} to {@code checks}, with comments saying where it came from
   * and what changed.
   */
  void write(KeepalivedScript script, HoconObject checks, boolean tracked) {
    write(script, classify(script), checks, tracked);
  }

  /** What {@code script} checks; null when it has no script line. */
  Classification classify(KeepalivedScript script) {
    if (script.script == null || script.script.isBlank()) {
      return null;
    }
    return classifier.classify(script.name, script.script);
  }

  /** As {@link #write(KeepalivedScript, HoconObject, boolean)}, with {@code c} already known. */
  void write(KeepalivedScript script, Classification c, HoconObject checks, boolean tracked) {
    String origin = "vrrp_script " + script.name + " (" + script.block.where() + ")";
    if (script.script == null || script.script.isBlank()) {
      checks.comment(
          notes.dropped(script.block.where(), script.block.text(), "it has no script line"));
      return;
    }
    checks.comment(origin + ": script \"" + script.script + "\"");
    script.comments.forEach(checks::comment);
    if (!tracked) {
      checks.comment("no vrrp_instance tracks this script (keepalived would not run it)");
    }
    HoconObject check = HoconObject.block();
    long timeout = script.effectiveTimeoutMillis();
    if (c.check() instanceof ScriptCheck.ApiServer api) {
      apiServer(script, api, c.source(), checks, check);
      if (api.maxTimeMillis().isPresent() && api.maxTimeMillis().getAsLong() < timeout) {
        // The request could not take longer than curl's limit, whatever keepalived allowed.
        timeout = api.maxTimeMillis().getAsLong();
        checks.comment(
            "timeout = "
                + Durations.hocon(timeout)
                + ": the time limit the script gives its request (curl --max-time, wget --timeout),"
                + " shorter than keepalived's timeout");
      }
    } else if (c.check() instanceof ScriptCheck.ProxyAlive proxy) {
      checks.comment(
          "it checks haproxy ("
              + proxy.evidence()
              + "); vipd's proxy is in-process, so this tracks the proxy itself (fate"
              + " sharing): up while frontend "
              + proxy.frontend().frontend()
              + " listens and a server of backend "
              + proxy.frontend().backend()
              + " is up");
      check
          .putWord("type", "proxy")
          .put("backend", proxy.frontend().backend())
          .put("min-servers-up", 1);
    } else if (c.check() instanceof ScriptCheck.Exec exec) {
      c.warning()
          .ifPresent(
              w -> checks.comment(notes.review(script.block.where(), script.block.text(), w)));
      check.putWord("type", "exec");
      HoconArray command = new HoconArray();
      exec.command().forEach(command::add);
      check.put("command", command);
      if (exec.shell()) {
        check.put("shell", true);
      }
    }
    if (timeout > script.intervalMillis) {
      checks.comment(
          "timeout "
              + Durations.hocon(timeout)
              + " is longer than interval "
              + Durations.hocon(script.intervalMillis)
              + ": kept as keepalived ran it (a slow run delays the next); vipd check warns");
    }
    check.putDuration("interval", script.intervalMillis);
    check.putDuration("timeout", Math.max(timeout, 1));
    check.put("fall", script.fall);
    check.put("rise", script.rise);
    checks.put(script.name, check);
  }

  private void apiServer(
      KeepalivedScript script,
      ScriptCheck.ApiServer api,
      String source,
      HoconObject checks,
      HoconObject check) {
    checks.comment(
        "it requests the Kubernetes API server ("
            + api.originalUrl()
            + ", read from "
            + source
            + "); vipd checks it in-process");
    if (!api.originalUrl().endsWith("/readyz")) {
      checks.comment(
          notes.changed(
              script.block.where(),
              api.originalUrl(),
              "checks "
                  + api.readyzUrl()
                  + " instead: /readyz fails as soon as an apiserver"
                  + " begins to shut down, so the VIP moves before the apiserver stops"));
    }
    for (String other : List.copyOf(api.otherUrls())) {
      checks.comment(
          notes.dropped(
              script.block.where(),
              "request to " + other,
              "vipd checks the local apiserver; the proxy's backend checks cover the others"));
    }
    check.putWord("type", api.scheme()).put("url", api.readyzUrl());
    if (api.insecure()) {
      check.put("insecure", true);
    }
    check.put("expect-status", 200);
  }
}
