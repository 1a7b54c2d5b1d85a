package io.vipd.daemon.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vipd.health.testing.TestPki;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each validation rule yields its exact {@code file:line: key: found X, expected Y} line. */
class ValidationRulesTest {

  @TempDir Path dir;

  /** An instance whose line 3 is replaced by {@code line3}; lines 1-2 and 4-8 are fixed. */
  private static String instance(String line3) {
    return String.join(
        "\n",
        "vrrp.instances = [",
        "  {",
        "    " + line3,
        "    name = VI_1",
        "    interface = eth0",
        "    virtual-router-id = 51",
        "    virtual-ips = [\"192.168.1.100/24\"]",
        "  }",
        "]",
        "");
  }

  /** Asserts that loading {@code text} gives exactly these errors (file name prepended). */
  private void assertErrors(String text, String... expected) {
    LoadResult r = TestFiles.load(dir, text);
    String f = dir.resolve("vipd.conf").toString();
    assertEquals(
        List.of(expected).stream().map(e -> f + e).toList(), TestFiles.formatted(r.errors()));
    assertTrue(r.config().isEmpty());
  }

  @Test
  void baseInstanceIsValid() {
    LoadResult r = TestFiles.load(dir, instance("priority = 100"));
    assertEquals(List.of(), r.errors());
    assertEquals(List.of(), r.warnings());
  }

  @Test
  void vridOutOfRange() {
    String text =
        instance("priority = 100").replace("virtual-router-id = 51", "virtual-router-id = 300");
    assertErrors(
        text, ":6: vrrp.instances[0].virtual-router-id: found 300, expected an integer 1..255");
  }

  @Test
  void unknownKeyWithSuggestion() {
    assertErrors(
        instance("priorty = 100"),
        ":3: vrrp.instances[0].priorty: unknown key, did you mean priority?");
  }

  @Test
  void unknownTopLevelKeyListsKnownOnes() {
    assertErrors("vrrrp.instances = []\n", ":1: vrrrp: unknown key, did you mean vrrp?");
    assertErrors(
        "frobnicate = 1\n",
        ":1: frobnicate: unknown key, expected one of: admin, checks, defaults, logging, proxy, vrrp");
  }

  @Test
  void wrongTypes() {
    assertErrors(
        instance("priority = high"),
        ":3: vrrp.instances[0].priority: found high, expected an integer 1..255");
    assertErrors(
        instance("priority = 1.5"),
        ":3: vrrp.instances[0].priority: found 1.5, expected an integer 1..255");
    assertErrors(
        instance("preempt = 3"), ":3: vrrp.instances[0].preempt: found 3, expected true or false");
    assertErrors(
        instance("track = [1]"),
        ":3: vrrp.instances[0].track: found a list, expected an object { ... }");
    assertErrors(
        "vrrp.instances = [ 42 ]\n", ":1: vrrp.instances[0]: found 42, expected an object { ... }");
  }

  @Test
  void missingRequiredKeyPointsAtTheElement() {
    String text = instance("priority = 100").replace("    virtual-router-id = 51\n", "");
    assertErrors(
        text, ":2: vrrp.instances[0].virtual-router-id: missing, expected an integer 1..255");
  }

  @Test
  void bareNumberIsNotADuration() {
    assertErrors(
        instance("advert-interval = 1"),
        ":3: vrrp.instances[0].advert-interval: found 1 (a number without a unit), expected a"
            + " duration such as 1s (version 2: whole seconds) or 100ms (version 3); HOCON would"
            + " read it as milliseconds");
  }

  @Test
  void version2NeedsWholeSeconds() {
    String sub =
        instance("advert-interval = 100ms").replace("name = VI_1", "name = VI_1, version = 2");
    assertErrors(
        sub,
        ":3: vrrp.instances[0].advert-interval: found 100ms, expected whole seconds 1s..255s for"
            + " version 2 (VRRPv2 carries seconds; use version 3 for sub-second adverts)");
    String frac =
        instance("advert-interval = 1.5s").replace("name = VI_1", "name = VI_1, version = 2");
    assertErrors(
        frac,
        ":3: vrrp.instances[0].advert-interval: found 1.5s, expected whole seconds 1s..255s for"
            + " version 2 (VRRPv2 carries seconds; use version 3 for sub-second adverts)");
  }

  @Test
  void version3NeedsCentiseconds() {
    for (String bad : List.of("5ms", "15ms", "41s")) {
      assertErrors(
          instance("advert-interval = " + bad),
          ":3: vrrp.instances[0].advert-interval: found "
              + bad
              + ", expected 10ms..40.95s in steps of 10ms for version 3 (VRRPv3 carries"
              + " centiseconds)");
    }
    assertEquals(List.of(), TestFiles.load(dir, instance("advert-interval = 40.95s")).errors());
    assertEquals(List.of(), TestFiles.load(dir, instance("advert-interval = 10ms")).errors());
  }

  @Test
  void authenticationOnVersion3() {
    assertErrors(
        instance("authentication { type = pass, password = abc }"),
        ":3: vrrp.instances[0].authentication.type: found pass on a version 3 instance, expected"
            + " none (VRRPv3 has no authentication, RFC 5798 section 9)");
  }

  @Test
  void version2IsIpv4Only() {
    String text = instance("version = 2").replace("\"192.168.1.100/24\"", "\"fd00::100/64\"");
    assertErrors(
        text,
        ":3: vrrp.instances[0].version: found 2 with IPv6 virtual-ips, expected 3 (VRRPv2 is"
            + " IPv4 only, RFC 3768)");
  }

  @Test
  void virtualIpsOfOneFamily() {
    String text =
        instance("priority = 100")
            .replace("[\"192.168.1.100/24\"]", "[\"192.168.1.100/24\", \"fd00::1\"]");
    assertErrors(
        text,
        ":7: vrrp.instances[0].virtual-ips[1]: found an IPv6 address, expected IPv4 like the first"
            + " one (one instance carries one family; use a second instance for the other)");
  }

  @Test
  void badAddresses() {
    assertErrors(
        instance("priority = 100").replace("192.168.1.100/24", "192.168.1.300"),
        ":7: vrrp.instances[0].virtual-ips[0]: found 192.168.1.300, expected \"ADDRESS[/PREFIX]"
            + " [dev INTERFACE] [label LABEL]\" starting with an IPv4 or IPv6 address");
    assertErrors(
        instance("priority = 100").replace("192.168.1.100/24", "10.0.0.1/33"),
        ":7: vrrp.instances[0].virtual-ips[0]: found 10.0.0.1/33, expected a prefix length 0..32");
    assertErrors(
        instance("unicast { peers = [10.0.0.256] }"),
        ":3: vrrp.instances[0].unicast.peers[0]: found 10.0.0.256, expected an IPv4 or IPv6"
            + " address");
  }

  @Test
  void trackedCheckMustBeDefined() {
    String text =
        instance("track.checks = [ { name = apisrver, weight = -20 } ]")
            + "checks.apiserver { type = tcp, address = \"127.0.0.1:6443\" }\n";
    assertErrors(
        text,
        ":3: vrrp.instances[0].track.checks[0].name: found apisrver, expected the name of a check"
            + " defined under checks, did you mean apiserver?");
  }

  @Test
  void aCheckOrInterfaceTrackedTwiceCountsOnceWithItsFirstWeightAsInKeepalived() {
    LoadResult r =
        TestFiles.load(
            dir,
            "checks.api { type = file, path = /run/ok }\n"
                + instance(
                    "track { checks = [ { name = api, weight = 0 }, { name = api, weight = -20 } ],"
                        + " interfaces = [ { name = eth1, weight = -5 }, { name = eth1 } ] }"));
    assertEquals(List.of(), r.errors());
    String f = dir.resolve("vipd.conf").toString();
    assertEquals(
        List.of(
            f
                + ":4: warning: vrrp.instances[0].track.checks[1].name: api is tracked already:"
                + " this entry is ignored and the first one's weight (0) counts, as keepalived"
                + " does",
            f
                + ":4: warning: vrrp.instances[0].track.interfaces[1].name: eth1 is tracked"
                + " already: this entry is ignored and the first one's weight (-5) counts, as"
                + " keepalived does"),
        TestFiles.formatted(r.warnings()));
    TrackConfig track = r.config().orElseThrow().vrrp().instances().get(0).track();
    assertEquals(List.of(new TrackConfig.Tracked("api", 0)), track.checks());
    assertEquals(List.of(new TrackConfig.Tracked("eth1", -5)), track.interfaces());
  }

  @Test
  void sameVridVersionFamilyOnOneInterface() {
    String two =
        String.join(
            "\n",
            "vrrp.instances = [",
            "  { name = A, interface = eth0, virtual-router-id = 51, virtual-ips = [10.0.0.1] }",
            "  { name = B, interface = eth0, virtual-router-id = 51, virtual-ips = [10.0.0.2] }",
            "]",
            "");
    assertErrors(
        two,
        ":3: vrrp.instances[1].virtual-router-id: found 51, expected a VRID not already used on"
            + " eth0 by instance A (same VRID, version 3 and IPv4)");
    // Another interface, another family or another version is another router.
    for (String other : List.of("interface = eth1", "virtual-ips = [\"fd00::2\"]", "version = 2")) {
      String ok =
          two.replace(
              "{ name = B, interface = eth0, virtual-router-id = 51, virtual-ips = [10.0.0.2] }",
              "{ name = B, interface = eth0, virtual-router-id = 51, virtual-ips = [10.0.0.2], "
                  + other
                  + " }");
      assertEquals(List.of(), TestFiles.load(dir, ok).errors(), other);
    }
  }

  private static String proxy(String backendBody, String frontendBackend) {
    return String.join(
        "\n",
        "proxy {",
        "  frontends = [ { name = api, bind = \"0.0.0.0:8443\", backend = "
            + frontendBackend
            + " } ]",
        "  backends.apiservers {",
        "    " + backendBody,
        "    servers = [ { name = cp1, address = \"10.0.0.11:6443\" } ]",
        "  }",
        "}",
        "");
  }

  @Test
  void proxyBaseIsValid() {
    assertEquals(List.of(), TestFiles.load(dir, proxy("retries = 3", "apiservers")).errors());
  }

  @Test
  void thePollWindowIsADurationUpToOneMillisecondAndNoneByDefault() {
    LoadResult r = TestFiles.load(dir, proxy("retries = 3", "apiservers"));
    assertEquals(Duration.ZERO, r.config().orElseThrow().proxy().pollWindow());
    LoadResult on =
        TestFiles.load(dir, "proxy.poll-window = 20us\n" + proxy("retries = 3", "apiservers"));
    assertEquals(Duration.ofNanos(20_000), on.config().orElseThrow().proxy().pollWindow());
    assertErrors(
        "proxy.poll-window = 2ms\n" + proxy("retries = 3", "apiservers"),
        ":1: proxy.poll-window: found 2ms, expected a duration 0s..1ms (like 20us; 0s: the loops"
            + " sleep at once)");
  }

  @Test
  void theCoalesceWindowIsADurationUpToOneMillisecondAnd50usByDefault() {
    LoadResult r = TestFiles.load(dir, proxy("retries = 3", "apiservers"));
    assertEquals(Duration.ofNanos(50_000), r.config().orElseThrow().proxy().coalesceWindow());
    LoadResult off =
        TestFiles.load(dir, "proxy.coalesce-window = 0s\n" + proxy("retries = 3", "apiservers"));
    assertEquals(Duration.ZERO, off.config().orElseThrow().proxy().coalesceWindow());
    assertErrors(
        "proxy.coalesce-window = 5ms\n" + proxy("retries = 3", "apiservers"),
        ":1: proxy.coalesce-window: found 5ms, expected a duration 0s..1ms (like 50us; 0s: a busy"
            + " loop is woken by each event)");
    assertErrors(
        "proxy.coalesce-window = -1us\n" + proxy("retries = 3", "apiservers"),
        ":1: proxy.coalesce-window: found -1us, expected a duration 0s..1ms (like 50us; 0s: a busy"
            + " loop is woken by each event)");
  }

  @Test
  void frontendBackendMustBeDefined() {
    assertErrors(
        proxy("retries = 3", "apiserverz"),
        ":2: proxy.frontends[0].backend: found apiserverz, expected the name of a backend defined"
            + " under proxy.backends, did you mean apiservers?");
  }

  @Test
  void syncGroupNamesAndTheGroupsThatKeepNothingTogether() {
    assertErrors(
        instance("sync-group = \"G 1\""),
        ":3: vrrp.instances[0].sync-group: found \"G 1\", expected a group name of letters, digits"
            + " and . _ - such as G1");
    String f = dir.resolve("vipd.conf").toString();
    LoadResult alone = TestFiles.load(dir, instance("sync-group = G1"));
    assertEquals(List.of(), alone.errors());
    assertEquals(
        List.of(
            f
                + ":3: warning: vrrp.instances[0].sync-group: G1 has no other instance: there is"
                + " nothing to keep together"),
        TestFiles.formatted(alone.warnings()));

    String pair =
        String.join(
            "\n",
            "checks.c { type = file, path = /run/ok }",
            "vrrp.instances = [",
            "  { name = A, interface = eth0, virtual-router-id = 51, virtual-ips = [10.0.0.1],",
            "    sync-group = G1, track.checks = [ { name = c, weight = -20 } ] }",
            "  { name = B, interface = eth0, virtual-router-id = 51, virtual-ips = [\"fd00::1\"],",
            "    sync-group = G1 }",
            "]",
            "");
    LoadResult weighted = TestFiles.load(dir, pair);
    assertEquals(List.of(), weighted.errors());
    assertEquals(
        List.of(
            f
                + ":4: warning: vrrp.instances[0].sync-group: the members of sync group G1 track"
                + " different weights: a priority lowered in one member does not move the group,"
                + " whose members become MASTER only together; give every member the same"
                + " weights, or weight 0 (FAULT)"),
        TestFiles.formatted(weighted.warnings()));
    // the same weights on every member (keepalived's group-level tracking) move the group whole
    LoadResult same =
        TestFiles.load(
            dir,
            pair.replace(
                "    sync-group = G1 }\n]",
                "    sync-group = G1, track.checks = [ { name = c, weight = -20 } ] }\n]"));
    assertEquals(List.of(), same.errors());
    assertEquals(List.of(), same.warnings());
    LoadResult faultOnly = TestFiles.load(dir, pair.replace("weight = -20", "weight = 0"));
    assertEquals(List.of(), faultOnly.warnings());
    assertTrue(faultOnly.config().isPresent());
  }

  @Test
  void aNotifyCommandThatNeedsAShellIsWarnedAbout() {
    LoadResult r =
        TestFiles.load(
            dir, instance("notify.master = \"/etc/vipd/notify.sh master >> /var/log/vipd.log\""));
    assertEquals(List.of(), r.errors());
    assertEquals(
        List.of(
            dir.resolve("vipd.conf")
                + ":3: warning: vrrp.instances[0].notify.master: runs without a shell: its"
                + " redirections, pipes and variables reach the program as words; for a shell,"
                + " write \"/bin/sh -c '...'\""),
        TestFiles.formatted(r.warnings()));
  }

  @Test
  void shellSyntaxInQuotesOrUnderAShellIsNotWarnedAbout() {
    assertTrue(VrrpReader.wantsAShell("/etc/vipd/notify.sh $STATE"));
    assertTrue(VrrpReader.wantsAShell("/etc/vipd/notify.sh | logger"));
    assertFalse(VrrpReader.wantsAShell("/bin/sh -c 'echo $1 >> /var/log/x'"));
    assertFalse(VrrpReader.wantsAShell("bash -c \"logger up\""));
    assertFalse(VrrpReader.wantsAShell("/etc/vipd/notify.sh 'a;b' \"c > d\" e\\|f"));
    assertFalse(VrrpReader.wantsAShell("/etc/vipd/notify.sh master"));
  }

  @Test
  void aCheckUrlPortOutOfRangeIsRefused() {
    assertErrors(
        "checks.api { type = https, url = \"https://127.0.0.1:70000/readyz\", insecure = true }\n",
        ":1: checks.api.url: found https://127.0.0.1:70000/readyz, expected a"
            + " https://host[:port]/path URL for type https (port 1..65535)");
  }

  @Test
  void aProxyCheckCannotAskForMoreServersThanItsBackendHas() {
    assertErrors(
        proxy("retries = 3", "apiservers")
            + "checks.p { type = proxy, backend = apiservers, min-servers-up = 2 }\n",
        ":8: checks.p.min-servers-up: found 2, expected at most 1, the servers of backend"
            + " apiservers: more could never be up, and the check never pass");
  }

  @Test
  void aServerCheckKeyOfAnotherTypeIsWarnedAbout() {
    LoadResult r = TestFiles.load(dir, proxy("check { path = \"/healthz\" }", "apiservers"));
    assertEquals(List.of(), r.errors());
    assertEquals(
        List.of(
            dir.resolve("vipd.conf")
                + ":4: warning: proxy.backends.apiservers.check.path: ignored for type tcp (it applies to"
                + " http, https; set type)"),
        TestFiles.formatted(r.warnings()));
  }

  @Test
  void theTwoWildcardsOnOnePortAreOneSocket() {
    String text =
        proxy("retries = 3", "apiservers")
            .replace(
                "backend = apiservers } ]",
                "backend = apiservers },"
                    + " { name = api6, bind = \"[::]:8443\", backend = apiservers } ]");
    assertErrors(
        text,
        ":2: proxy.frontends[1].bind: found [::]:8443, expected an address not already bound by"
            + " frontend api (0.0.0.0:8443: vipd listens on 0.0.0.0 dual-stack, on [::], so it"
            + " takes IPv6 clients too; keep one of the two)");
  }

  @Test
  void everySpellingOfTheIpv6WildcardIsTheSameSocket() {
    String text =
        proxy("retries = 3", "apiservers")
            .replace(
                "backend = apiservers } ]",
                "backend = apiservers },"
                    + " { name = api6, bind = \"[0:0:0:0:0:0:0:0]:8443\", backend = apiservers } ]");
    LoadResult r = TestFiles.load(dir, text);
    assertEquals(1, r.errors().size(), r.errors().toString());
    assertTrue(r.errors().get(0).message().contains("keep one of the two"), r.errors().toString());
  }

  @Test
  void unknownBalancer() {
    assertErrors(
        proxy("balance = roundrobbin", "apiservers"),
        ":4: proxy.backends.apiservers.balance: found roundrobbin, expected one of"
            + " roundrobin|leastconn|source|random|first, did you mean roundrobin?");
  }

  @Test
  void aCheckCaFileThatIsNotThereIsNamedWithItsLine() throws Exception {
    Path ca = dir.resolve("pki/ca.crt");
    assertErrors(
        proxy("check { type = https, ca-file = \"" + ca + "\" }", "apiservers"),
        ":4: proxy.backends.apiservers.check.ca-file: found "
            + ca
            + ", expected a readable file (no such file)");
    assertEquals(
        List.of(),
        TestFiles.load(dir, proxy("check { type = tcp, ca-file = \"" + ca + "\" }", "apiservers"))
            .errors(),
        "a tcp check reads no CA: not an error");
    java.nio.file.Files.createDirectories(ca.getParent());
    java.nio.file.Files.writeString(ca, "a CA bundle\n");
    assertErrors(
        proxy("check { type = https, ca-file = \"" + ca + "\" }", "apiservers"),
        ":4: proxy.backends.apiservers.check.ca-file: found "
            + ca
            + ", expected a file of PEM CA certificates (found no certificates in input stream)");
    java.nio.file.Files.copy(
        TestPki.generate(dir.resolve("issued"), "test-ca").caCert(),
        ca,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    assertEquals(
        List.of(),
        TestFiles.load(dir, proxy("check { type = https, ca-file = \"" + ca + "\" }", "apiservers"))
            .errors(),
        "a CA there now");
  }

  @Test
  void aCheckTimeoutLongerThanItsIntervalIsWarnedAboutForTrackedAndProxyChecksAlike() {
    LoadResult proxyCheck =
        TestFiles.load(
            dir, proxy("check { type = tcp, interval = 2s, timeout = 10s }", "apiservers"));
    assertEquals(List.of(), proxyCheck.errors());
    String f = dir.resolve("vipd.conf").toString();
    assertEquals(
        List.of(
            f
                + ":4: warning: proxy.backends.apiservers.check.timeout: longer than interval (2s): a"
                + " slow check delays the next one"),
        TestFiles.formatted(proxyCheck.warnings()));
    LoadResult tracked =
        TestFiles.load(
            dir,
            "checks.api { type = tcp, address = \"10.0.0.1:6443\", interval = 2s, timeout = 10s"
                + " }\n");
    assertEquals(List.of(), tracked.errors());
    assertEquals(1, tracked.warnings().size(), tracked.warnings().toString());
  }

  @Test
  void checkClientCertificateAndKeyMustHoldWhatTheCheckReads() {
    TestPki pki = TestPki.generate(dir.resolve("pki"), "test-ca");
    String swapped =
        "client-cert = \"" + pki.clientKey() + "\", client-key = \"" + pki.clientCert() + "\"";
    assertErrors(
        proxy("check { type = https, insecure = true, " + swapped + " }", "apiservers"),
        ":4: proxy.backends.apiservers.check.client-cert: found "
            + pki.clientKey()
            + ", expected a file of a PEM certificate chain (found no certificates in input"
            + " stream)");
    String keyIsACert =
        "client-cert = \"" + pki.clientCert() + "\", client-key = \"" + pki.caCert() + "\"";
    LoadResult tracked =
        TestFiles.load(
            dir,
            "checks.api { type = https, url = \"https://10.0.0.1:6443/readyz\", insecure = true, "
                + keyIsACert
                + " }\n");
    assertEquals(1, tracked.errors().size(), tracked.errors().toString());
    assertTrue(
        TestFiles.formatted(tracked.errors())
            .get(0)
            .contains(
                ":1: checks.api.client-key: found "
                    + pki.caCert()
                    + ", expected a file of an unencrypted PKCS#8 PEM private key ("),
        TestFiles.formatted(tracked.errors()).toString());
    String renewedHalfway =
        "client-cert = \"" + pki.clientCert() + "\", client-key = \"" + pki.serverKey() + "\"";
    assertErrors(
        proxy("check { type = https, insecure = true, " + renewedHalfway + " }", "apiservers"),
        ":4: proxy.backends.apiservers.check.client-key: found "
            + pki.serverKey()
            + ", expected a file of an unencrypted PKCS#8 PEM private key (not the key of the"
            + " certificate in "
            + pki.clientCert()
            + ")");
    String right =
        "client-cert = \"" + pki.clientCert() + "\", client-key = \"" + pki.clientKey() + "\"";
    assertEquals(
        List.of(),
        TestFiles.load(
                dir,
                proxy(
                    "check { type = https, ca-file = \"" + pki.caCert() + "\", " + right + " }",
                    "apiservers"))
            .errors());
  }

  @Test
  void negativeTimeout() {
    assertErrors(
        proxy("timeouts { connect = -5s }", "apiservers"),
        ":4: proxy.backends.apiservers.timeouts.connect: found -5s, expected a duration 1ms..7d"
            + " (like 1s or 100ms)");
  }

  @Test
  void serverWithoutPortAndBadPort() {
    String text = proxy("retries = 3", "apiservers").replace("\"10.0.0.11:6443\"", "\"10.0.0.11\"");
    assertErrors(
        text,
        ":5: proxy.backends.apiservers.servers[0].address: found 10.0.0.11, expected host:port"
            + " with a port 1..65535 (the port is missing)");
    String port = proxy("retries = 3", "apiservers").replace("10.0.0.11:6443", "10.0.0.11:70000");
    assertErrors(
        port,
        ":5: proxy.backends.apiservers.servers[0].address: found 10.0.0.11:70000, expected"
            + " host:port with a port 1..65535");
    String bind = proxy("retries = 3", "apiservers").replace("0.0.0.0:8443", "api.example:8443");
    assertErrors(
        bind,
        ":2: proxy.frontends[0].bind: found api.example:8443, expected ip:port with a port"
            + " 1..65535");
  }

  @Test
  void checkOfTypeNeedsItsKey() {
    assertErrors(
        "checks.api { type = https }\n",
        ":1: checks.api.url: missing, expected a https:// URL for type https");
    assertErrors(
        "checks.api { type = htps }\n",
        ":1: checks.api.type: found htps, expected one of http|https|tcp|tls|exec|file|proxy, did you"
            + " mean https?");
  }

  @Test
  void syntaxErrorHasFileAndLine() {
    assertErrors(
        "a {\n b = 1\n c = [1,\n",
        ":4: syntax error: List should have had new element after a comma, instead had token: end"
            + " of file (if you want the comma or end of file to be part of a string value, then"
            + " double-quote it)");
  }

  @Test
  void unreadableFile() {
    LoadResult r = ConfigLoader.load(dir.resolve("absent.conf"));
    assertEquals(
        List.of(dir.resolve("absent.conf") + ": cannot read the file (it does not exist)"),
        TestFiles.formatted(r.errors()));
  }

  @Test
  void misspeltDefaultsKey() {
    assertErrors(
        "defaults.vrrp-instance.advert-intervall = 100ms\n",
        ":1: defaults.vrrp-instance.advert-intervall: unknown key, did you mean advert-interval?");
  }

  @Test
  void defaultsBlockFeedsEveryElement() {
    LoadResult r =
        TestFiles.load(
            dir, "defaults.vrrp-instance.advert-interval = 100ms\n" + instance("priority = 150"));
    assertEquals(List.of(), r.errors());
    VrrpInstanceConfig i = r.config().orElseThrow().vrrp().instances().get(0);
    assertEquals(java.time.Duration.ofMillis(100), i.advertInterval());
    assertEquals(150, i.priority());
  }
}
