package io.vipd.daemon.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScriptClassifierTest {

  @TempDir Path dir;

  private static final List<FrontendBind> FRONTEND =
      List.of(new FrontendBind("apiserver", "0.0.0.0", 8443, "apiservers"));

  private ScriptClassifier.Classification classify(String name, String script) {
    return new ScriptClassifier(dir, FRONTEND).classify(name, script);
  }

  @Test
  void inlineCurlOfHealthzBecomesReadyzCheck() {
    var c = classify("chk", "curl -s --max-time 1.5 https://10.0.0.1:6443/healthz");
    ScriptCheck.Http api = assertInstanceOf(ScriptCheck.Http.class, c.check());
    assertEquals("https://10.0.0.1:6443/readyz", api.checkedUrl());
    assertFalse(api.insecure(), "no -k");
    assertEquals(OptionalLong.of(1500), api.maxTimeMillis());
  }

  @Test
  void wgetWithoutCertificateCheckIsInsecure() {
    var c = classify("x", "wget -q -T 2 --no-check-certificate -O - https://127.0.0.1:6443/livez");
    ScriptCheck.Http api = assertInstanceOf(ScriptCheck.Http.class, c.check());
    assertTrue(api.insecure());
    assertEquals(OptionalLong.of(2000), api.maxTimeMillis());
  }

  @Test
  void scriptFileBesideKeepalivedConfIsReadWithVariablesAndDefaults() throws IOException {
    Files.writeString(
        dir.resolve("check_apiserver.sh"),
        "#!/bin/bash\n"
            + "# curl https://ignored.example:1/healthz in a comment\n"
            + "PORT=${APISERVER_PORT:-6443}\n"
            + "curl -sfk https://localhost:${PORT}/ -o /dev/null || exit 1\n");
    var c = classify("check", "/etc/keepalived/check_apiserver.sh");
    ScriptCheck.Http api = assertInstanceOf(ScriptCheck.Http.class, c.check());
    assertEquals("https://localhost:6443/readyz", api.checkedUrl());
    assertTrue(api.insecure(), "-sfk holds -k");
    assertEquals("script file check_apiserver.sh", c.source());
  }

  @Test
  void shellRunningAScriptFileIsFollowed() throws IOException {
    Files.writeString(dir.resolve("chk.sh"), "pidof haproxy >/dev/null\n");
    var c = classify("chk", "/bin/bash /etc/keepalived/chk.sh");
    ScriptCheck.ProxyAlive p = assertInstanceOf(ScriptCheck.ProxyAlive.class, c.check());
    assertEquals("127.0.0.1:8443", p.frontend().localAddress());
  }

  @Test
  void haproxyProcessChecksTrackTheProxyFrontend() {
    for (String s :
        List.of(
            "killall -0 haproxy",
            "/usr/bin/pgrep -x haproxy",
            "systemctl is-active --quiet haproxy",
            "/usr/bin/nc -z 127.0.0.1 8443")) {
      var c = classify("chk", s);
      assertInstanceOf(ScriptCheck.ProxyAlive.class, c.check(), s);
    }
  }

  @Test
  void haproxyCheckWithoutHaproxyConfigStaysExecWithWarning() {
    var c = new ScriptClassifier(dir, List.of()).classify("chk_haproxy", "killall -0 haproxy");
    ScriptCheck.Exec exec = assertInstanceOf(ScriptCheck.Exec.class, c.check());
    assertEquals(List.of("killall", "-0", "haproxy"), exec.command());
    assertTrue(c.warning().orElseThrow().contains("--haproxy"));
  }

  @Test
  void otherCommandsBecomeExecSplitIntoArgvOrShell() {
    var plain = classify("x", "/usr/local/bin/ok --name 'a b'");
    ScriptCheck.Exec e = assertInstanceOf(ScriptCheck.Exec.class, plain.check());
    assertEquals(List.of("/usr/local/bin/ok", "--name", "a b"), e.command());
    assertFalse(e.shell());
    assertTrue(plain.warning().isPresent(), "the file /usr/local/bin/ok is not here to read");

    var piped = classify("x", "ip addr | grep -q 10.0.0.1");
    ScriptCheck.Exec p = assertInstanceOf(ScriptCheck.Exec.class, piped.check());
    assertTrue(p.shell());
    assertEquals(List.of("ip addr | grep -q 10.0.0.1"), p.command());
    assertTrue(piped.warning().isEmpty());
  }

  @Test
  void missingScriptFileIsExecWithWarning() {
    var c = classify("chk", "/etc/keepalived/nope.sh");
    ScriptCheck.Exec e = assertInstanceOf(ScriptCheck.Exec.class, c.check());
    assertEquals(List.of("/etc/keepalived/nope.sh"), e.command());
    assertTrue(c.warning().orElseThrow().contains("not found"));
  }

  @Test
  void plainHttpRequestToAnUnrelatedServiceIsNotAnApiserver() {
    assertInstanceOf(
        ScriptCheck.Exec.class, classify("web", "curl -sf http://127.0.0.1:8080/status").check());
    assertInstanceOf(
        ScriptCheck.ProxyAlive.class,
        classify("kube_web", "curl -sf http://127.0.0.1:8443/index.html").check(),
        "plain HTTP on the proxy port is not taken for the apiserver, but goes through haproxy");
  }

  @Test
  void requestToHaproxysOwnPortTracksTheProxyEvenWhenNamedForTheApiserver() throws IOException {
    // The kubeadm guide's script: its name and https say apiserver, its port is haproxy's.
    Files.writeString(
        dir.resolve("check_apiserver.sh"),
        "#!/bin/sh\nAPISERVER_DEST_PORT=8443\n"
            + "curl -sfk --max-time 2 https://localhost:${APISERVER_DEST_PORT}/ -o /dev/null\n");
    var c = classify("check_apiserver", "/etc/keepalived/check_apiserver.sh");
    ScriptCheck.ProxyAlive p = assertInstanceOf(ScriptCheck.ProxyAlive.class, c.check());
    assertEquals("apiservers", p.frontend().backend());
    assertTrue(p.evidence().contains("https://localhost:8443/"), p.evidence());

    // Without a haproxy config the port means nothing: the apiserver guess stands.
    var alone =
        new ScriptClassifier(dir, List.of())
            .classify("check_apiserver", "/etc/keepalived/check_apiserver.sh");
    assertTrue(assertInstanceOf(ScriptCheck.Http.class, alone.check()).apiServer());
  }

  @Test
  void requestToTheVipOnHaproxysPortReachesTheWildcardFrontend() {
    var c =
        new ScriptClassifier(
                dir,
                List.of(
                    new FrontendBind("local", "127.0.0.1", 9000, "stats"),
                    new FrontendBind("api", "0.0.0.0", 8443, "apiservers")))
            .classify("chk", "curl -sk https://192.168.1.100:8443/healthz");
    ScriptCheck.ProxyAlive p = assertInstanceOf(ScriptCheck.ProxyAlive.class, c.check());
    assertEquals("api", p.frontend().frontend());
  }

  @Test
  void aScriptThatRequestsTheApiserverDirectlyStaysAnApiserverCheck() {
    var c =
        classify(
            "chk",
            "sh -c 'curl -sfk https://127.0.0.1:6443/readyz && curl -sfk https://127.0.0.1:8443/'");
    ScriptCheck.Http api = assertInstanceOf(ScriptCheck.Http.class, c.check());
    assertEquals("https://127.0.0.1:6443/readyz", api.checkedUrl());
    assertEquals(List.of("https://127.0.0.1:8443/"), api.otherUrls());
    assertTrue(api.insecure(), "-sfk inside sh -c '...' holds -k");
    assertEquals("curl", api.client().tool());
  }

  @Test
  void curlInsideQuotesSubstitutionsOrAfterAnEchoKeepsItsOptions() {
    for (String script :
        List.of(
            "/bin/sh -c 'curl -sfk https://127.0.0.1:6443/healthz'",
            "if [ \"$(curl -sk https://localhost:6443/healthz)\" != \"ok\" ]; then exit 1; fi",
            "[ \"$(curl -s -k -o /dev/null -w '%{http_code}' https://localhost:6443/healthz)\""
                + " = 200 ]",
            "echo checking https://localhost:6443/healthz; curl -sfk https://localhost:6443/healthz",
            "test \"`wget -q -O - --no-check-certificate https://localhost:6443/healthz`\" = ok",
            "bash -lc \"timeout 3 curl -sfk https://127.0.0.1:6443/healthz\"")) {
      var c = classify("chk", script);
      ScriptCheck.Http api = assertInstanceOf(ScriptCheck.Http.class, c.check(), script);
      assertTrue(api.insecure(), script);
      assertFalse(api.client().tool().isEmpty(), script);
    }
    var ca =
        classify(
            "chk",
            "sh -c \"curl -sf --cacert /etc/kubernetes/pki/ca.crt https://127.0.0.1:6443/healthz\"");
    HttpClientOptions o = assertInstanceOf(ScriptCheck.Http.class, ca.check()).client();
    assertEquals(java.util.Optional.of("/etc/kubernetes/pki/ca.crt"), o.caFile());
    assertTrue(o.failsOnHttpError());
  }

  @Test
  void theToolIsTheOneNearestBeforeTheUrlInItsOwnCommand() {
    HttpClientOptions o =
        HttpClientOptions.read(
            "wget -q https://example.test/; curl -sfk https://127.0.0.1:6443/healthz",
            "https://127.0.0.1:6443/healthz");
    assertEquals("curl", o.tool());
    assertTrue(o.insecure());
    assertEquals(
        List.of("echo a", "curl -sk b", "x=_ y", "sh -c 'curl -k c'", "curl -k c"),
        HttpClientOptions.simpleCommands("echo a; x=$(curl -sk b) y | sh -c 'curl -k c'"));
  }

  @Test
  void healthzOfAnotherComponentIsKeptAsWrittenAndNotTakenForTheApiserver() {
    for (String url :
        List.of(
            "http://127.0.0.1:10248/healthz",
            "http://localhost:10256/healthz",
            "https://127.0.0.1:10259/livez")) {
      var c = classify("chk_kube_component", "curl -sfk " + url);
      ScriptCheck.Http h = assertInstanceOf(ScriptCheck.Http.class, c.check(), url);
      assertFalse(h.apiServer(), url);
      assertEquals(url, h.checkedUrl(), "path and scheme as written");
    }
  }

  @Test
  void aPortOfTheProxysServersIsTheApiserver() {
    var c =
        new ScriptClassifier(dir, FRONTEND, java.util.Set.of(7443))
            .classify("chk", "curl -sfk https://127.0.0.1:7443/healthz");
    ScriptCheck.Http h = assertInstanceOf(ScriptCheck.Http.class, c.check());
    assertTrue(h.apiServer());
    assertEquals("https://127.0.0.1:7443/readyz", h.checkedUrl());
  }

  @Test
  void curlTlsFilesFailAndUnsupportedOptionsAreRead() {
    var c =
        classify(
            "chk",
            "curl -s --cacert=/pki/ca.crt -E /pki/c.crt:secret --key /pki/c.key"
                + " -H 'Host: x' -XPOST --frobnicate https://127.0.0.1:6443/readyz >/dev/null 2>&1");
    HttpClientOptions o = assertInstanceOf(ScriptCheck.Http.class, c.check()).client();
    assertEquals(java.util.Optional.of("/pki/ca.crt"), o.caFile());
    assertEquals(java.util.Optional.of("/pki/c.crt"), o.clientCert());
    assertTrue(o.certPassword());
    assertEquals(java.util.Optional.of("/pki/c.key"), o.clientKey());
    assertFalse(o.failsOnHttpError(), "no -f");
    assertFalse(o.insecure());
    assertEquals(List.of("-H Host: <value hidden>", "-X POST", "--frobnicate"), o.notCarried());
  }

  @Test
  void wgetFailsOnAnHttpErrorAndReadsItsCertificateOptions() {
    var c =
        classify(
            "chk",
            "wget -q -O - --ca-certificate=/pki/ca.crt --certificate /pki/c.crt"
                + " --private-key=/pki/c.key https://127.0.0.1:6443/readyz");
    HttpClientOptions o = assertInstanceOf(ScriptCheck.Http.class, c.check()).client();
    assertTrue(o.failsOnHttpError());
    assertEquals(java.util.Optional.of("/pki/ca.crt"), o.caFile());
    assertEquals(java.util.Optional.of("/pki/c.crt"), o.clientCert());
    assertEquals(java.util.Optional.of("/pki/c.key"), o.clientKey());
    assertEquals(List.of(), o.notCarried());
  }

  @Test
  void livenessCheckPrefersAWildcardFrontendOverTheVip() {
    var c =
        new ScriptClassifier(
                dir,
                List.of(
                    new FrontendBind("vip", "10.0.0.100", 8443, "apiservers"),
                    new FrontendBind("any", "0.0.0.0", 7443, "apiservers")))
            .classify("chk", "pidof haproxy");
    ScriptCheck.ProxyAlive p = assertInstanceOf(ScriptCheck.ProxyAlive.class, c.check());
    assertEquals("127.0.0.1:7443", p.frontend().localAddress());
  }

  @Test
  void anInlineOptionValueIsNotedOnce() {
    var c =
        classify(
            "chk",
            "curl -sf --resolve=api:6443:127.0.0.1 --request=POST --cert-type=DER"
                + " https://127.0.0.1:6443/readyz");
    HttpClientOptions o = assertInstanceOf(ScriptCheck.Http.class, c.check()).client();
    assertEquals(
        List.of("--resolve api:6443:127.0.0.1", "--request POST", "--cert-type DER"),
        o.notCarried());
  }
}
