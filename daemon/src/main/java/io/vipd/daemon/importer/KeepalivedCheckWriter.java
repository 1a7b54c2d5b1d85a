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
    if (c.check() instanceof ScriptCheck.Http http && http.client().holdsSecrets()) {
      // The check does not need the line, and the output may be kept where keepalived.conf was
      // not (a repository, a ConfigMap): the secret stays out of it.
      checks.comment(
          origin
              + ": script not quoted here: it holds option values that may be secrets (the notes"
              + " below name the options)");
    } else {
      checks.comment(origin + ": script \"" + script.script + "\"");
    }
    script.comments.forEach(checks::comment);
    if (!tracked) {
      checks.comment("no vrrp_instance tracks this script (keepalived would not run it)");
    }
    c.warning()
        .ifPresent(w -> checks.comment(notes.review(script.block.where(), script.block.text(), w)));
    HoconObject check = HoconObject.block();
    long timeout = script.effectiveTimeoutMillis();
    if (c.check() instanceof ScriptCheck.Http api) {
      http(script, api, c.source(), checks, check);
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
      checks.comment(
          "keepalived ran it as root (or keepalived_script); vipd runs it as its own user (vipd"
              + " under the systemd unit, root in the static pod): a script that needs root"
              + " (signalling or seeing root's processes, systemctl, ip) fails there; try it with"
              + " 'sudo -u vipd'");
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

  private void http(
      KeepalivedScript script,
      ScriptCheck.Http http,
      String source,
      HoconObject checks,
      HoconObject check) {
    SourceLocation where = script.block.where();
    HttpClientOptions client = http.client();
    if (http.apiServer()) {
      checks.comment(
          "it requests the Kubernetes API server ("
              + http.originalUrl()
              + ", read from "
              + source
              + "); vipd checks it in-process");
      if (!http.originalUrl().endsWith("/readyz")) {
        checks.comment(
            notes.changed(
                where,
                http.originalUrl(),
                "checks "
                    + http.checkedUrl()
                    + " instead: /readyz fails as soon as an apiserver"
                    + " begins to shut down, so the VIP moves before the apiserver stops"));
      }
    } else {
      checks.comment(
          "it requests "
              + http.originalUrl()
              + " (read from "
              + source
              + "), a health endpoint that is not the Kubernetes API server's; vipd requests the"
              + " same URL in-process");
    }
    for (String other : List.copyOf(http.otherUrls())) {
      checks.comment(
          notes.dropped(
              where,
              "request to " + other,
              http.apiServer()
                  ? "vipd checks the local apiserver; the proxy's backend checks cover the others"
                  : "a vipd check requests one URL: add a check of its own for this one if it"
                      + " matters"));
    }
    for (String option : client.notCarried()) {
      checks.comment(
          notes.dropped(
              where,
              client.tool() + " " + option,
              "vipd's "
                  + http.scheme()
                  + " check has no such option (it sends a plain GET of"
                  + " the URL, follows no redirect and uses no proxy): review what the request"
                  + " needed it for"));
    }
    check.putWord("type", http.scheme()).put("url", http.checkedUrl());
    if (http.scheme().equals("https")) {
      tls(where, client, checks, check);
    } else if (client.caFile().isPresent() || client.clientCert().isPresent()) {
      checks.comment(
          notes.dropped(
              where,
              client.tool() + " TLS files",
              "the request is plain HTTP: " + client.tool() + " did not use them either"));
    }
    if (!client.failsOnHttpError()) {
      checks.comment(anyStatus(where, http, client));
    }
    check.put("expect-status", 200);
  }

  /** insecure, ca-file, client-cert and client-key from the request's options. */
  private void tls(
      SourceLocation where, HttpClientOptions client, HoconObject checks, HoconObject check) {
    if (client.insecure()) {
      check.put("insecure", true);
      if (client.caFile().isPresent()) {
        checks.comment(
            notes.dropped(
                where,
                "CA file " + client.caFile().get(),
                "the request skipped certificate verification as well (-k), so the CA was unused;"
                    + " vipd's check is insecure too"));
      }
    } else if (client.caFile().isPresent()) {
      check.put("ca-file", client.caFile().get());
    } else {
      checks.comment(
          notes.review(
              where,
              "https request without a CA file or -k",
              (client.tool().isEmpty() ? "the request" : client.tool())
                  + " verified the server's certificate against the system's CA store (or"
                  + " CURL_CA_BUNDLE / SSL_CERT_FILE); vipd's check trusts the JDK's default"
                  + " store, which holds no cluster CA such as kubeadm's"
                  + " /etc/kubernetes/pki/ca.crt: set ca-file (or insecure = true) or this"
                  + " check fails on such a certificate"));
    }
    if (client.clientCert().isEmpty()) {
      if (client.clientKey().isPresent()) {
        checks.comment(
            notes.dropped(
                where,
                "client key " + client.clientKey().get(),
                "a key without a certificate: " + client.tool() + " sent no certificate either"));
      }
      return;
    }
    String cert = client.clientCert().get();
    check.put("client-cert", cert);
    String key = client.clientKey().orElse(cert);
    check.put("client-key", key);
    if (client.clientKey().isEmpty()) {
      checks.comment(
          notes.review(
              where,
              "client certificate " + cert,
              "no separate key: "
                  + client.tool()
                  + " read the key from the certificate file, so client-key names it too; vipd"
                  + " needs an unencrypted PKCS#8 key ('BEGIN PRIVATE KEY') in it"));
    } else {
      checks.comment(
          "client-key must be an unencrypted PKCS#8 PEM key ('BEGIN PRIVATE KEY'); kubeadm writes"
              + " PKCS#1 RSA keys ('BEGIN RSA PRIVATE KEY'): if vipd check refuses "
              + key
              + ", convert it with openssl pkcs8 -topk8 -nocrypt");
    }
    if (client.certPassword()) {
      checks.comment(
          notes.dropped(
              where,
              "the password of client certificate " + cert,
              "vipd reads unencrypted keys only: decrypt the key into a file of its own"));
    }
  }

  /** The note for a request that succeeded on any HTTP status (curl without -f). */
  private String anyStatus(SourceLocation where, ScriptCheck.Http http, HttpClientOptions client) {
    String directive = client.tool() + " without -f/--fail";
    if (client.statusWrittenOut()) {
      return notes.review(
          where,
          directive,
          "the script tests the status code itself (-w '%{http_code}'); vipd's check passes on"
              + " status 200 only: make sure 200 is what the script accepted");
    }
    String why =
        "the request succeeded on any HTTP answer, even 401, 403 or 500; vipd's check passes on"
            + " status 200 only (expect-status is one status)";
    if (http.apiServer()) {
      why +=
          ". /readyz answers 200 to an anonymous request while the apiserver allows anonymous"
              + " access (kubeadm's default); with --anonymous-auth=false it answers 401 and"
              + " this check always fails: then give it client-cert and client-key, or use"
              + " type = tls (a handshake only, closest to the old 'any answer')";
    }
    return notes.changed(where, directive, why);
  }
}
