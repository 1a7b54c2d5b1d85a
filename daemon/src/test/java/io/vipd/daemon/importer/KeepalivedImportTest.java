package io.vipd.daemon.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.vipd.daemon.config.ConfigLoader;
import io.vipd.daemon.config.ConfigProblem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * keepalived.conf details the importer must read as keepalived does (found by an audit): each test
 * imports a small keepalived.conf written here and reads the result back.
 */
class KeepalivedImportTest {

  @TempDir Path dir;

  private ImportResult result;

  private static final String INSTANCE_HEAD =
      "vrrp_instance VI_1 {\n"
          + "    state BACKUP\n"
          + "    interface eth0\n"
          + "    virtual_router_id 51\n"
          + "    priority 100\n";

  /** An instance with {@code body} (VIP 10.0.0.10/24 unless body has virtual_ipaddress). */
  private static String instance(String body) {
    String vips =
        body.contains("virtual_ipaddress") ? "" : "    virtual_ipaddress {\n 10.0.0.10/24\n }\n";
    return INSTANCE_HEAD + body + vips + "}\n";
  }

  private Config importOf(String keepalived) throws IOException {
    return importOf(keepalived, null);
  }

  private Config importOf(String keepalived, String haproxy) throws IOException {
    Path k = dir.resolve("keepalived.conf");
    Files.writeString(k, keepalived);
    Path h = null;
    if (haproxy != null) {
      h = dir.resolve("haproxy.cfg");
      Files.writeString(h, haproxy);
    }
    result = ConfigImporter.importConfigs(k, h);
    assertTrue(result.usable(), () -> "usable: " + result.warnings());
    return ConfigFactory.parseString(result.hocon());
  }

  private List<String> warnings(String containing) {
    return result.warnings().stream().filter(w -> w.contains(containing)).toList();
  }

  /** vipd check's errors for the last import. */
  private List<String> checkErrors() throws IOException {
    Path file = dir.resolve("vipd.conf");
    Files.writeString(file, result.hocon());
    return ConfigLoader.load(file).errors().stream().map(ConfigProblem::format).toList();
  }

  private static Config vi(Config c) {
    return c.getConfigList("vrrp.instances").get(0);
  }

  private static String script(String name, String command) {
    return "vrrp_script " + name + " {\n    script \"" + command + "\"\n    interval 2\n}\n";
  }

  private static String tracking(String... names) {
    return instance(
        "    track_script {\n        " + String.join("\n        ", names) + "\n    }\n");
  }

  @Test
  void aDualStackSyncGroupKeepsItsMembersTogetherAndEachTracksTheGroupsScripts()
      throws IOException {
    Config c =
        importOf(
            "vrrp_sync_group DS {\n"
                + "    group {\n        VI_1\n        VI_6\n        VI_9\n    }\n"
                + "    track_script {\n        chk_api weight -20\n    }\n"
                + "    notify_master /etc/keepalived/group-master.sh\n"
                + "}\n"
                + script("chk_api", "/usr/bin/curl -sfk https://127.0.0.1:6443/healthz")
                + script("chk_own", "/usr/local/bin/own.sh")
                + instance("")
                + v6Member("    track_script {\n chk_own\n }\n"));
    List<? extends Config> instances = c.getConfigList("vrrp.instances");
    assertEquals("DS", instances.get(0).getString("sync-group"));
    assertEquals("DS", instances.get(1).getString("sync-group"));
    // the group's track_script is every member's, with its weight: keepalived 2.2.7 took both
    // members from 100 to 70 when a group script weighted -30 failed; the member's own stays
    assertEquals(List.of("chk_api:-20"), tracks(instances.get(0), "checks"));
    assertEquals(List.of("chk_own:0", "chk_api:-20"), tracks(instances.get(1), "checks"));
    assertTrue(result.hocon().contains("member VI_9"), "an unknown member is named");
    assertTrue(
        result.hocon().contains("notify_master /etc/keepalived/group-master.sh"), result.hocon());
    assertEquals(List.of(), checkErrors());
  }

  @Test
  void aMembersWeightedTrackingIsWhatKeepalivedMakesOfItInASyncGroup() throws IOException {
    String group = "vrrp_sync_group DS {\n    group {\n VI_1 VI_6\n    }\n}\n";
    String rest =
        script("chk_w", "/usr/local/bin/w.sh")
            + instance(
                "    track_script {\n chk_w weight -20\n }\n"
                    + "    track_interface {\n eth1 weight -10\n }\n")
            + v6Member("");
    // keepalived: "ignoring tracked script chk_w with weights due to SYNC group" (not tracked),
    // "ignoring eth1 tracked interface weight due to SYNC group" (down means FAULT)
    Config c = importOf(group + rest);
    assertFalse(vi(c).hasPath("track.checks"), result.hocon());
    assertEquals(List.of("eth1:0"), tracks(vi(c), "interfaces"));
    assertTrue(
        result.hocon().contains("keepalived ignores a script tracked with a weight in sync"));
    assertTrue(result.hocon().contains("weight -10 becomes 0: in sync group DS"));

    Config kept = importOf(group.replace("}\n}", "}\n    sync_group_tracking_weight\n}") + rest);
    assertEquals(List.of("chk_w:-20"), tracks(vi(kept), "checks"));
    assertEquals(List.of("eth1:-10"), tracks(vi(kept), "interfaces"));
  }

  @Test
  void aWeightedHaproxyScriptThatKeepalivedIgnoresInAGroupLeavesFateSharingToTheProxyCheck()
      throws IOException {
    Config c =
        importOf(
            "vrrp_sync_group DS {\n    group {\n VI_1 VI_6\n    }\n}\n"
                + script("chk_haproxy", "killall -0 haproxy")
                + instance("    track_script {\n chk_haproxy weight 2\n }\n")
                + v6Member(""),
            "defaults\n  mode tcp\n"
                + "frontend api\n  bind :8443\n  default_backend apis\n"
                + "backend apis\n  server cp1 10.0.0.11:6443 check\n");
    // keepalived tracked no haproxy check here ("ignoring tracked script ... due to SYNC group");
    // vipd's fate sharing still ties each member to its proxy, by FAULT
    assertEquals(List.of("proxy-ready:0"), tracks(vi(c), "checks"), result.hocon());
    assertEquals(
        List.of("proxy-ready:0"),
        tracks(c.getConfigList("vrrp.instances").get(1), "checks"),
        result.hocon());
    assertTrue(c.hasPath("checks.proxy-ready"));
    assertEquals(List.of(), checkErrors());
  }

  @Test
  void aScriptTrackedTwiceCountsOnceWithItsFirstWeightAsInKeepalived() throws IOException {
    // keepalived 2.2.7: "(VI_1) duplicate track_script chk - ignoring"
    Config c =
        importOf(
            script("chk", "/usr/local/bin/chk.sh")
                + instance("    track_script {\n chk weight 0\n chk weight -20\n }\n"));
    assertEquals(List.of("chk:0"), tracks(vi(c), "checks"), result.hocon());
    assertTrue(result.hocon().contains("keepalived ignores the duplicate"), result.hocon());
  }

  @Test
  void inAGroupTheFirstOfTwoEntriesDecidesEvenWhenItIsTheWeightedOneKeepalivedIgnores()
      throws IOException {
    // keepalived drops the duplicate as it parses, then ignores the weighted first entry in the
    // group: chk is not tracked at all
    Config c =
        importOf(
            "vrrp_sync_group DS {\n    group {\n VI_1 VI_6\n    }\n}\n"
                + script("chk", "/usr/local/bin/chk.sh")
                + instance("    track_script {\n chk weight -10\n chk weight 0\n }\n")
                + v6Member(""));
    assertFalse(vi(c).hasPath("track.checks"), result.hocon());
  }

  /** VI_6: an IPv6 instance on VRID 52 with {@code body}. */
  private static String v6Member(String body) {
    return instance("    virtual_ipaddress {\n fd00::10/64\n }\n" + body)
        .replace("VI_1", "VI_6")
        .replace("virtual_router_id 51", "virtual_router_id 52");
  }

  /** The instance's tracked checks or interfaces as name:weight. */
  private static List<String> tracks(Config instance, String kind) {
    return instance.getConfigList("track." + kind).stream()
        .map(t -> t.getString("name") + ":" + t.getInt("weight"))
        .toList();
  }

  @Test
  void aNotifyScriptsUserIsNotPassedToItAsAnArgument() throws IOException {
    Config c =
        importOf(
            instance(
                "    notify_master \"/etc/keepalived/notify.sh master\" root wheel\n"
                    + "    notify_backup /etc/keepalived/backup.sh\n"));
    assertEquals("/etc/keepalived/notify.sh master", vi(c).getString("notify.master"));
    assertEquals("/etc/keepalived/backup.sh", vi(c).getString("notify.backup"));
    assertTrue(result.hocon().contains("keepalived ran it as user root:wheel"), result.hocon());
  }

  @Test
  void stateMasterBelowTheOwnerWaitsLikeABackupAndOnlyTheOwnerTakesOverAtOnce() throws IOException {
    String master = instance("").replace("state BACKUP", "state MASTER");
    assertEquals("backup", vi(importOf(master)).getString("initial-state"));
    assertTrue(result.hocon().contains("state MASTER: keepalived takes over at once only"));
    Config owner = importOf(master.replace("priority 100", "priority 255"));
    assertEquals("master", vi(owner).getString("initial-state"));
  }

  // 1. Only the API server's health URL becomes /readyz.

  @Test
  void kubeletAndKubeProxyHealthzAreCheckedAsWrittenNotAsAnApiserver() throws IOException {
    Config c =
        importOf(
            script("chk_kubelet", "/usr/bin/curl -sf http://127.0.0.1:10248/healthz")
                + script(
                    "chk_proxy",
                    "curl -s -o /dev/null -w '%{http_code}' http://localhost:10256/healthz"
                        + " | grep -q 200")
                + script("chk_kube_ctrl", "curl -sfk https://127.0.0.1:10257/healthz")
                + tracking("chk_kubelet", "chk_proxy", "chk_kube_ctrl"));
    Config kubelet = c.getConfig("checks.chk_kubelet");
    assertEquals("http", kubelet.getString("type"));
    assertEquals("http://127.0.0.1:10248/healthz", kubelet.getString("url"));
    Config proxy = c.getConfig("checks.chk_proxy");
    assertEquals("http", proxy.getString("type"));
    assertEquals("http://localhost:10256/healthz", proxy.getString("url"));
    Config ctrl = c.getConfig("checks.chk_kube_ctrl");
    assertEquals("https", ctrl.getString("type"), "a kube-named https script is not the apiserver");
    assertEquals("https://127.0.0.1:10257/healthz", ctrl.getString("url"));
    assertTrue(ctrl.getBoolean("insecure"));
    assertEquals(List.of(), warnings("readyz"), "nothing rewritten to /readyz");
    assertFalse(result.hocon().contains("API server (http://"), result.hocon());
    assertEquals(List.of(), checkErrors());
  }

  @Test
  void apiserverHealthzBecomesReadyzOnPort6443AndOnTheProxysServerPort() throws IOException {
    Config c =
        importOf(
            script("a", "curl -sfk https://127.0.0.1:6443/healthz")
                + script("b", "curl -sfk https://127.0.0.1:7443/livez")
                + tracking("a", "b"),
            "frontend api\n    mode tcp\n    bind *:8443\n    default_backend cp\n"
                + "backend cp\n    mode tcp\n    server m1 10.0.0.11:7443 check\n");
    assertEquals("https://127.0.0.1:6443/readyz", c.getString("checks.a.url"));
    assertEquals(
        "https://127.0.0.1:7443/readyz",
        c.getString("checks.b.url"),
        "7443 is where the proxy's servers, the apiservers, listen");
  }

  @Test
  void onlyTheApiBackendsServerPortsMeanTheApiserver() throws IOException {
    String haproxy =
        "frontend api\n    mode tcp\n    bind *:8443\n    default_backend cp\n"
            + "backend cp\n    mode tcp\n    server m1 10.0.0.11:7443 check\n"
            + "frontend etcd\n    mode tcp\n    bind *:12380\n    default_backend etcd\n"
            + "backend etcd\n    mode tcp\n    server e1 10.0.0.11:2379 check\n"
            + "    server e2 10.0.0.12:12379 check\n";
    Config c =
        importOf(
            script("chk_etcd", "curl -sfk https://127.0.0.1:2379/health")
                + script("chk_etcd2", "curl -sfk https://127.0.0.1:12379/healthz")
                + script("chk_api", "curl -sfk https://127.0.0.1:7443/healthz")
                + tracking("chk_etcd", "chk_etcd2", "chk_api"),
            haproxy);
    assertEquals("exec", c.getString("checks.chk_etcd.type"), "etcd's /health stays as written");
    assertEquals("https://127.0.0.1:12379/healthz", c.getString("checks.chk_etcd2.url"));
    assertEquals("https://127.0.0.1:7443/readyz", c.getString("checks.chk_api.url"));
    assertEquals(1, warnings("readyz instead").size(), result.warnings().toString());

    // No backend looks like the API's: every server port counts, but never etcd's 2379.
    c =
        importOf(
            script("chk_etcd", "curl -sfk https://127.0.0.1:2379/healthz")
                + script("chk_api", "curl -sfk https://127.0.0.1:7443/healthz")
                + tracking("chk_etcd", "chk_api"),
            "frontend fe\n    mode tcp\n    bind *:8443\n    default_backend masters\n"
                + "backend masters\n    mode tcp\n    server m1 10.0.0.11:7443 check\n"
                + "    server m2 10.0.0.12:2379 check\n");
    assertEquals("https://127.0.0.1:2379/healthz", c.getString("checks.chk_etcd.url"));
    assertEquals("https://127.0.0.1:7443/readyz", c.getString("checks.chk_api.url"));
  }

  // 2. curl's TLS files are carried over; options that cannot be are named.

  @Test
  void curlCaCertClientCertAndKeyAreCarriedOver() throws IOException {
    Config c =
        importOf(
            script(
                    "chk_api",
                    "/usr/bin/curl -sf --cacert /etc/kubernetes/pki/ca.crt"
                        + " --cert /etc/vipd/client.crt --key /etc/vipd/client.key"
                        + " --max-time 2 https://127.0.0.1:6443/healthz")
                + script(
                    "chk_eq",
                    "curl -sf --cacert=/etc/kubernetes/pki/ca.crt https://10.0.0.11:6443/readyz")
                + tracking("chk_api", "chk_eq"));
    Config api = c.getConfig("checks.chk_api");
    assertEquals("https://127.0.0.1:6443/readyz", api.getString("url"));
    assertEquals("/etc/kubernetes/pki/ca.crt", api.getString("ca-file"));
    assertEquals("/etc/vipd/client.crt", api.getString("client-cert"));
    assertEquals("/etc/vipd/client.key", api.getString("client-key"));
    assertFalse(api.hasPath("insecure"));
    assertEquals(Duration.ofSeconds(2), api.getDuration("timeout"));
    assertEquals("/etc/kubernetes/pki/ca.crt", c.getString("checks.chk_eq.ca-file"));
  }

  @Test
  void curlOptionsAVipdCheckCannotReproduceAreNamedNotDroppedSilently() throws IOException {
    Config c =
        importOf(
            script(
                    "chk",
                    "curl -sfk -H 'Host: api.example' --resolve api.example:6443:127.0.0.1 -L"
                        + " https://127.0.0.1:6443/readyz")
                + tracking("chk"));
    assertEquals("https", c.getString("checks.chk.type"));
    assertEquals(
        1,
        warnings("not carried over: curl -H Host: <value hidden>").size(),
        result.warnings().toString());
    assertEquals(1, warnings("not carried over: curl --resolve api.example:6443:127.0.0.1").size());
    assertEquals(1, warnings("not carried over: curl -L").size());
    assertEquals(List.of(), warnings("curl -s:"), "-s, -f and -k mean nothing to note");
  }

  @Test
  void curlInsideShDashCKeepsInsecure() throws IOException {
    Config c =
        importOf(
            script("chk_apiserver", "/bin/sh -c 'curl -sfk https://127.0.0.1:6443/healthz'")
                + tracking("chk_apiserver"));
    assertEquals("https://127.0.0.1:6443/readyz", c.getString("checks.chk_apiserver.url"));
    assertTrue(c.getBoolean("checks.chk_apiserver.insecure"), result.hocon());
    assertEquals(List.of(), checkErrors());
  }

  @Test
  void aContinuedLineKeepsTheCaFileOfTheNextLine() throws IOException {
    Files.writeString(
        dir.resolve("chk.sh"),
        "#!/bin/sh\ncurl -sf https://127.0.0.1:6443/healthz \\\n"
            + "    --cacert /etc/kubernetes/pki/ca.crt \\\n    --max-time 2\nexit $?\n");
    Config c = importOf(script("chk", "/etc/keepalived/chk.sh") + tracking("chk"));
    assertEquals("/etc/kubernetes/pki/ca.crt", c.getString("checks.chk.ca-file"), result.hocon());
    assertEquals(Duration.ofSeconds(2), c.getDuration("checks.chk.timeout"));
    assertEquals(List.of(), warnings("without a CA file"));
  }

  @Test
  void anHttpsCheckWithNeitherCaFileNorInsecureIsNotedForReview() throws IOException {
    Files.writeString(
        dir.resolve("env.sh"),
        "#!/bin/sh\nexport CURL_CA_BUNDLE=/etc/kubernetes/pki/ca.crt\n"
            + "curl -sf https://127.0.0.1:6443/healthz\n");
    Config c =
        importOf(
            script("chk", "curl -sf https://127.0.0.1:6443/healthz")
                + script("chk_env", "/etc/keepalived/env.sh")
                + tracking("chk", "chk_env"));
    assertFalse(c.hasPath("checks.chk.ca-file"));
    assertFalse(c.hasPath("checks.chk.insecure"));
    List<String> noCa = warnings("review: https request without a CA file or -k");
    assertEquals(2, noCa.size(), result.warnings().toString());
    assertTrue(noCa.get(0).contains("set ca-file"), noCa.get(0));
    List<String> env = warnings("CURL_CA_BUNDLE, which chooses");
    assertEquals(1, env.size(), result.warnings().toString());
    assertTrue(env.get(0).contains("review: vrrp_script chk_env"), env.get(0));
    assertEquals(List.of(), checkErrors());
  }

  @Test
  void valuesThatMayBeSecretsAreNotPrintedInNotes() throws IOException {
    importOf(
        script(
                "chk_kubelet",
                "/usr/bin/curl -sf -u admin:hunter2 -H 'Authorization: Bearer s3cr3tT0ken'"
                    + " --oauth2-bearer=tok3n -b sid=c00kie --data-raw pw=d4ta"
                    + " -x http://u:proxypw@proxy:3128 --proxy-pass=ppw"
                    + " http://127.0.0.1:10248/healthz")
            + script(
                "chk_wget",
                "wget -q -O - --user=bob --password=w9et --header='X-Token: t0k'"
                    + " --post-data=a=b http://127.0.0.1:10256/healthz")
            + tracking("chk_kubelet", "chk_wget"));
    List<String> notes = warnings("not carried over: ");
    for (String secret :
        List.of(
            "hunter2",
            "s3cr3tT0ken",
            "tok3n",
            "c00kie",
            "d4ta",
            "proxypw",
            "ppw",
            "w9et",
            "t0k",
            "a=b")) {
      assertEquals(
          List.of(),
          result.warnings().stream().filter(w -> w.contains(secret)).toList(),
          secret + " printed");
      assertFalse(result.hocon().contains(secret), secret + " in the output");
    }
    assertTrue(result.hocon().contains("script not quoted here"), result.hocon());
    assertEquals(1, warnings("curl -u <value hidden>").size(), notes.toString());
    assertEquals(1, warnings("curl -H Authorization: <value hidden>").size(), notes.toString());
    assertEquals(1, warnings("wget --header X-Token: <value hidden>").size(), notes.toString());
    assertEquals(1, warnings("wget --password <value hidden>").size(), notes.toString());
  }

  // 3. keepalived starts a comment at any unquoted # or !, even inside a word.

  @Test
  void aHashInsideAnUnquotedPasswordEndsItAsInKeepalived() throws IOException {
    Config c =
        importOf(
            INSTANCE_HEAD.replace("priority 100", "priority 100#x")
                + "    authentication {\n        auth_type PASS\n        auth_pass k8s#2024\n"
                + "    }\n    virtual_ipaddress {\n        10.0.0.10/24\n    }\n}\n");
    assertEquals("k8s", vi(c).getString("authentication.password"));
    assertEquals(100, vi(c).getInt("priority"));
    List<String> pass = warnings("changed: auth_pass");
    assertEquals(1, pass.size(), result.warnings().toString());
    assertTrue(pass.get(0).contains("3 characters before it"), pass.get(0));
    assertFalse(pass.get(0).contains("2024"), "the note does not print the password");
  }

  @Test
  void aQuotedOrEscapedHashStaysInThePassword() throws IOException {
    Config c =
        importOf(
            instance(
                "    authentication {\n        auth_type PASS\n        auth_pass \"a#b!c\"\n    }\n"));
    assertEquals("a#b!c", vi(c).getString("authentication.password"));
    c =
        importOf(
            instance(
                "    authentication {\n        auth_type PASS\n        auth_pass a\\#b\n    }\n"));
    assertEquals("a#b", vi(c).getString("authentication.password"));
    assertEquals(List.of(), warnings("auth_pass"));
  }

  // 4, 9. IPv6 instances are VRRPv3, without checksum-mode.

  @Test
  void anIpv6InstanceIsVersion3WithCentisecondAdvertsAndNoChecksumMode() throws IOException {
    Config c =
        importOf(
            "global_defs {\n    vrrp_version 2\n}\n"
                + instance(
                    "    advert_int 0.5\n"
                        + "    virtual_ipaddress {\n        2001:db8::10/64 dev eth0\n    }\n"));
    Config vi = vi(c);
    assertEquals(3, vi.getInt("version"));
    assertEquals(Duration.ofMillis(500), vi.getDuration("advert-interval"), "no v2 rounding");
    assertFalse(vi.hasPath("checksum-mode"), "IPv4 only");
    assertTrue(result.hocon().contains("keepalived ignores vrrp_version 2"), result.hocon());
    assertEquals(List.of(), checkErrors());
  }

  @Test
  void anIpv6InstanceThatSaysVersion2IsWrittenVersion3WithANote() throws IOException {
    Config c =
        importOf(
            instance("    version 2\n    virtual_ipaddress {\n        2001:db8::10/64\n    }\n"));
    assertEquals(3, vi(c).getInt("version"));
    assertEquals(1, warnings("changed: version 2").size(), result.warnings().toString());
    assertEquals(List.of(), checkErrors());
  }

  @Test
  void authenticationOfAnIpv6InstanceIsNotedAsKeepalivedUsedIt() throws IOException {
    String auth = "    authentication {\n        auth_type PASS\n        auth_pass secret\n    }\n";
    String v6 = "    virtual_ipaddress {\n        2001:db8::10/64\n    }\n";
    // version 2 without strict mode: keepalived ran VRRPv2 over IPv6 with PASS.
    Config c = importOf(instance("    version 2\n" + auth + v6));
    assertFalse(vi(c).hasPath("authentication"));
    List<String> a = warnings("not carried over: authentication");
    assertEquals(1, a.size(), result.warnings().toString());
    assertTrue(a.get(0).contains("keepalived used it"), a.get(0));
    assertFalse(a.get(0).contains("ignores it too"), a.get(0));
    assertEquals(List.of(), checkErrors());

    // No version line: keepalived ran VRRPv3 and ignored the authentication.
    importOf(instance(auth + v6));
    assertTrue(warnings("not carried over: authentication").get(0).contains("ignores it too"));

    // Strict mode: keepalived ignores authentication, IPv4 too.
    c = importOf("global_defs {\n    vrrp_strict\n}\n" + instance(auth));
    assertFalse(vi(c).hasPath("authentication"), result.hocon());
    assertTrue(warnings("not carried over: authentication").get(0).contains("strict mode"));
  }

  // 5. The node's own address among its unicast peers.

  @Test
  void theNodesOwnUnicastSourceIsLeftOutOfItsPeers() throws IOException {
    Config c =
        importOf(
            instance(
                "    unicast_src_ip 10.0.0.11\n"
                    + "    unicast_peer {\n        10.0.0.11\n        10.0.0.12\n"
                    + "        10.0.0.13\n    }\n"));
    assertEquals(List.of("10.0.0.12", "10.0.0.13"), vi(c).getStringList("unicast.peers"));
    assertEquals("10.0.0.11", vi(c).getString("unicast.source"));
    assertEquals(1, warnings("not carried over: unicast_peer 10.0.0.11").size());
    assertEquals(List.of(), checkErrors());
  }

  @Test
  void aNodeListedOnlyAsItsOwnPeerAdvertisesByMulticastAndPassesCheck() throws IOException {
    Config c =
        importOf(
            instance(
                "    unicast_src_ip 10.0.0.11\n    unicast_peer {\n        10.0.0.11\n    }\n"));
    assertFalse(vi(c).hasPath("unicast"), result.hocon());
    List<String> review = warnings("review: unicast_peer");
    assertEquals(1, review.size(), result.warnings().toString());
    assertTrue(review.get(0).contains("advertises by multicast"), review.get(0));
    assertEquals(List.of(), checkErrors());
  }

  // 6. An address of the other family than the instance's first one.

  @Test
  void aVirtualAddressOfTheOtherFamilyIsLeftOutAsKeepalivedDoes() throws IOException {
    Config c =
        importOf(
            instance(
                "    virtual_ipaddress {\n        10.0.0.10/24\n        fe80::1\n"
                    + "        10.0.0.11/24\n    }\n"));
    assertEquals(List.of("10.0.0.10/24", "10.0.0.11/24"), vi(c).getStringList("virtual-ips"));
    assertEquals(1, warnings("not carried over: fe80::1").size(), result.warnings().toString());
    assertEquals(List.of(), checkErrors());
  }

  @Test
  void theFamilyIsTheFirstAddressOfTheBlockAsKeepalivedDecidesIt() throws IOException {
    // unicast_src_ip comes first: keepalived runs IPv4 and ignores fd00::10.
    Config c =
        importOf(
            instance(
                "    unicast_src_ip 10.0.0.11\n    unicast_peer {\n        10.0.0.12\n    }\n"
                    + "    virtual_ipaddress {\n        fd00::10/64\n        10.0.0.10/24\n"
                    + "    }\n"));
    assertEquals(List.of("10.0.0.10/24"), vi(c).getStringList("virtual-ips"));
    assertEquals(2, vi(c).getInt("version"));
    assertEquals("10.0.0.11", vi(c).getString("unicast.source"));
    List<String> v6 = warnings("not carried over: fd00::10/64");
    assertEquals(1, v6.size(), result.warnings().toString());
    assertTrue(v6.get(0).contains("unicast_src_ip 10.0.0.11"), v6.get(0));
    assertEquals(List.of(), checkErrors());

    // mcast_src_ip decides too; native_ipv6 after it changes nothing.
    c =
        importOf(
            instance(
                "    mcast_src_ip 10.0.0.11\n    native_ipv6\n"
                    + "    virtual_ipaddress {\n        fd00::10/64\n        10.0.0.10/24\n"
                    + "    }\n"));
    assertEquals(List.of("10.0.0.10/24"), vi(c).getStringList("virtual-ips"));
    assertEquals(List.of(), checkErrors());

    // A VIP first: IPv6; the IPv4 source and peer written after it are ignored by keepalived.
    c =
        importOf(
            instance(
                "    virtual_ipaddress {\n        fd00::10/64\n        10.0.0.10/24\n    }\n"
                    + "    unicast_src_ip 10.0.0.11\n    unicast_peer {\n        10.0.0.12\n"
                    + "        fd00::12\n    }\n"));
    assertEquals(List.of("fd00::10/64"), vi(c).getStringList("virtual-ips"));
    assertEquals(3, vi(c).getInt("version"));
    assertFalse(vi(c).hasPath("unicast.source"), result.hocon());
    assertEquals(List.of("fd00::12"), vi(c).getStringList("unicast.peers"));
    assertEquals(1, warnings("not carried over: unicast_src_ip 10.0.0.11").size());
    assertEquals(1, warnings("not carried over: unicast_peer 10.0.0.12").size());
    assertEquals(List.of(), checkErrors());
  }

  // 7. Weights +-254.

  @Test
  void trackWeightsOf254AreClampedTo253AsKeepalivedDoes() throws IOException {
    Config c =
        importOf(
            "vrrp_script chk {\n    script \"/usr/bin/test -f /tmp/ok\"\n    weight -60\n}\n"
                + instance(
                    "    track_script {\n        chk weight -254\n    }\n"
                        + "    track_interface {\n        eth1 weight 254\n    }\n"));
    assertEquals(-253, vi(c).getConfigList("track.checks").get(0).getInt("weight"));
    assertEquals(253, vi(c).getConfigList("track.interfaces").get(0).getInt("weight"));
    assertEquals(2, warnings("it uses").size(), result.warnings().toString());
    assertEquals(List.of(), checkErrors());
  }

  /** keepalived applies a vrrp_script's own weight 254 despite the range error it reports. */
  @Test
  void aScriptsOwnWeightOf254BecomesTheLargestVipdTakes() throws IOException {
    Config c =
        importOf(
            "vrrp_script chk {\n    script \"/usr/bin/test -f /tmp/ok\"\n    weight -254\n}\n"
                + instance("    track_script {\n        chk\n    }\n"));
    assertEquals(-253, vi(c).getConfigList("track.checks").get(0).getInt("weight"));
    assertEquals(1, warnings("despite its range error").size(), result.warnings().toString());
    assertEquals(List.of(), checkErrors());
  }

  // 8. curl without -f succeeded on any HTTP status.

  @Test
  void curlWithoutFailIsNotedAsAcceptingAnyStatus() throws IOException {
    Config c =
        importOf(
            script(
                    "chk_apiserver",
                    "curl --silent --max-time 2 --insecure https://localhost:6443/ -o /dev/null")
                + script("chk_f", "curl --silent --fail --insecure https://localhost:6443/")
                + tracking("chk_apiserver", "chk_f"));
    assertEquals(200, c.getInt("checks.chk_apiserver.expect-status"));
    List<String> any = warnings("changed: curl without -f/--fail");
    assertEquals(1, any.size(), result.warnings().toString());
    assertTrue(any.get(0).contains("any HTTP answer"), any.get(0));
    assertTrue(any.get(0).contains("401"), any.get(0));
    assertEquals(List.of(), checkErrors());
  }

  @Test
  void strictModeMakesANonOwnerMasterABackupThatKeepsNopreempt() throws IOException {
    String master = instance("    nopreempt\n").replace("state BACKUP", "state MASTER");
    Config c = importOf("global_defs {\n    vrrp_strict\n}\n" + master);
    assertEquals("backup", vi(c).getString("initial-state"));
    assertFalse(vi(c).getBoolean("preempt"), "nopreempt kept, as keepalived keeps it");
    Config lax = importOf(master);
    assertTrue(vi(lax).getBoolean("preempt"), "without strict mode keepalived clears nopreempt");
  }

  // 9. vrrp_strict discards preempt_delay.

  @Test
  void strictModeDropsPreemptDelay() throws IOException {
    Config c = importOf("global_defs {\n    vrrp_strict\n}\n" + instance("    preempt_delay 20\n"));
    assertEquals(Duration.ZERO, vi(c).getDuration("preempt-delay"));
    assertEquals(
        1, warnings("not carried over: preempt_delay 20").size(), result.warnings().toString());
    assertTrue(warnings("preempt_delay 20").get(0).contains("strict mode"));
  }

  // 10. Numbers that made the import hang or throw (an exception is a crash of vipd import).

  @Test
  void aCurlMaxTimeWithAHugeExponentDoesNotHang() throws IOException {
    Config c =
        assertTimeoutPreemptively(
            Duration.ofSeconds(20),
            () ->
                importOf(
                    script("chk", "curl -sfk -m 1e300000000 https://127.0.0.1:6443/healthz")
                        + tracking("chk")));
    assertEquals("https://127.0.0.1:6443/readyz", c.getString("checks.chk.url"));
    assertEquals(Duration.ofSeconds(2), c.getDuration("checks.chk.timeout"), "no -m carried");
  }

  @Test
  void anAdvertIntWithAHugeExponentDoesNotHang() throws IOException {
    Config c =
        assertTimeoutPreemptively(
            Duration.ofSeconds(20), () -> importOf(instance("    advert_int 1e300000000\n")));
    assertEquals(Duration.ofSeconds(1), vi(c).getDuration("advert-interval"));
    assertEquals(1, warnings("not carried over: advert_int 1e300000000").size());
    assertEquals(List.of(), checkErrors());
  }

  @Test
  void aUrlPortAbove65535IsNoCheckAndNoCrash() throws IOException {
    String haproxy =
        "frontend api\n    mode tcp\n    bind *:8443\n    default_backend cp\n"
            + "backend cp\n    mode tcp\n    server m1 10.0.0.11:6443 check\n";
    for (String h : java.util.Arrays.asList(null, haproxy)) {
      Config c =
          importOf(
              script("chk_port", "curl -sf http://127.0.0.1:99999999999/healthz")
                  + tracking("chk_port"),
              h);
      assertEquals("exec", c.getString("checks.chk_port.type"));
      List<String> port = warnings("review: vrrp_script chk_port");
      assertEquals(1, port.size(), result.warnings().toString());
      assertTrue(port.get(0).contains("port 99999999999, outside 1..65535"), port.get(0));
      assertEquals(List.of(), checkErrors());
    }
  }

  @Test
  void aGlobalMaxconnBeyondALongIsDroppedNotACrash() throws IOException {
    Config c =
        importOf(
            instance(""),
            "global\n    maxconn 99999999999999999999\n"
                + "frontend api\n    mode tcp\n    bind *:8443\n    default_backend cp\n"
                + "backend cp\n    mode tcp\n    server m1 10.0.0.11:6443 check\n");
    assertFalse(c.hasPath("proxy.maxconn"));
    assertEquals(1, warnings("not carried over: maxconn 99999999999999999999").size());
  }

  @Test
  void addressesAreComparedAsLiteralsOnly() {
    assertTrue(KeepalivedAddressLists.sameAddress("::1", "0::1"));
    assertTrue(KeepalivedAddressLists.sameAddress("10.0.0.1", "10.0.0.1"));
    // InetAddress.getByName reads 10.1 as 10.0.0.1 and sends 10.0.0.256 or beef to DNS;
    // inet_pton, as keepalived uses it, takes neither as an address.
    assertFalse(KeepalivedAddressLists.sameAddress("10.1", "10.0.0.1"));
    assertFalse(KeepalivedAddressLists.sameAddress("10.0.0.256", "10.0.0.256"));
    assertFalse(KeepalivedAddressLists.sameAddress("beef", "beef"));
  }
}
