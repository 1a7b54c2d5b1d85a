package io.vipd.daemon.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vipd.daemon.cli.Cli;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ClusterCheck}: several nodes' files judged together, through real files. */
class ClusterCheckTest {

  @TempDir Path dir;

  private static String node(int priority, String extra, String track) {
    return "checks.apiserver { type = tcp, address = \"127.0.0.1:6443\" }\n"
        + "vrrp.instances = [ { name = VI_1, interface = eth0, virtual-router-id = 51,"
        + " priority = "
        + priority
        + ", virtual-ips = [\"192.168.1.100/24\"]"
        + (track.isEmpty() ? "" : ", track.checks = [ " + track + " ]")
        + extra
        + " } ]\n";
  }

  private static String kubeadm(int priority) {
    return node(priority, "", "{ name = apiserver, weight = -2 }");
  }

  private ClusterCheck.NodeFile file(String name, String text) throws IOException {
    Path f = dir.resolve(name);
    Files.writeString(f, text);
    LoadResult r = ConfigLoader.load(f);
    assertTrue(r.isValid(), r.errors().toString());
    return new ClusterCheck.NodeFile(name, r.config().orElseThrow());
  }

  private List<String> check(String... nameAndText) throws IOException {
    List<ClusterCheck.NodeFile> nodes = new ArrayList<>();
    for (int i = 0; i < nameAndText.length; i += 2) {
      nodes.add(file(nameAndText[i], nameAndText[i + 1]));
    }
    return ClusterCheck.check(nodes).stream().map(ConfigProblem::format).toList();
  }

  @Test
  void kubeadmGuide101And100WithWeightMinus2Passes() throws IOException {
    assertEquals(List.of(), check("a.conf", kubeadm(101), "b.conf", kubeadm(100)));
  }

  @Test
  void kubeadmTrap110And100WithWeightMinus2IsReported() throws IOException {
    assertEquals(
        List.of(
            "b.conf: VI_1: check apiserver failing (weight -2) leaves priority 108, still above"
                + " a.conf's 100: the VIP would never move"),
        check("a.conf", kubeadm(100), "b.conf", kubeadm(110)));
  }

  @Test
  void equalAfterFailureIsAnErrorAndWeightZeroIsAlwaysFine() throws IOException {
    assertEquals(
        List.of(
            "a.conf: VI_1: check apiserver failing (weight -2) leaves priority 100, equal to"
                + " b.conf's 100: whether the VIP moves depends on the IP addresses (ties go to"
                + " the higher one)"),
        check("a.conf", kubeadm(102), "b.conf", kubeadm(100)));
    String fault = node(150, "", "{ name = apiserver, weight = 0 }");
    assertEquals(List.of(), check("a.conf", fault, "b.conf", node(100, "", "")));
  }

  @Test
  void positiveWeightsOfTheBackupCount() throws IOException {
    // b: 100 + 20 while its check passes = 120 > a's 110 - 5: b is the master; its check failing
    // leaves 100 < 110, so the VIP moves to a. a failing: 105 < 120.
    String a = node(110, "", "{ name = apiserver, weight = -5 }");
    String b = node(100, "", "{ name = apiserver, weight = 20 }");
    assertEquals(List.of(), check("a.conf", a, "b.conf", b));
    // With +5 only, b (105) stays below a (110) and a failing (-2 -> 108) still beats 105.
    assertEquals(
        List.of(
            "a.conf: VI_1: check apiserver failing (weight -2) leaves priority 108, still above"
                + " b.conf's 105: the VIP would never move"),
        check("a.conf", kubeadm(110), "b.conf", node(100, "", "{ name = apiserver, weight = 5 }")));
  }

  @Test
  void threeNodesAreJudgedAgainstTheNextBest() throws IOException {
    // a (120) failing -> 105 < b's 110 passes; b failing -> 95 < c's 100 passes.
    String a = node(120, "", "{ name = apiserver, weight = -15 }");
    String b = node(110, "", "{ name = apiserver, weight = -15 }");
    String c = node(100, "", "{ name = apiserver, weight = -15 }");
    assertEquals(List.of(), check("a.conf", a, "b.conf", b, "c.conf", c));
  }

  @Test
  void mismatchesAreEachReported() throws IOException {
    String base = node(100, "", "");
    assertEquals(
        List.of(
            "b.conf: VI_1: virtual-router-id 52 differs from a.conf's 51: the nodes would not form"
                + " one virtual router"),
        check("a.conf", base, "b.conf", node(90, "", "").replace("= 51", "= 52")));
    assertEquals(
        List.of(
            "b.conf: VI_1: advert-interval 2s differs from a.conf's 1s: the nodes would not form"
                + " one virtual router (adverts dropped)"),
        check("a.conf", base, "b.conf", node(90, ", advert-interval = 2s", "")));
    assertEquals(
        List.of(
            "b.conf: VI_1: virtual-ips [192.168.1.100/24, 192.168.1.101/24] differs from a.conf's"
                + " [192.168.1.100/24]: a failover would move other addresses"),
        check(
            "a.conf",
            base,
            "b.conf",
            node(90, "", "")
                .replace("\"192.168.1.100/24\"", "\"192.168.1.100/24\", \"192.168.1.101/24\"")));
    assertEquals(
        List.of(
            "b.conf: VI_1: version 2 differs from a.conf's 3: the nodes would not form one virtual"
                + " router"),
        check("a.conf", base, "b.conf", node(90, ", version = 2", "")));
  }

  @Test
  void passwordsAreComparedButNeverPrinted() throws IOException {
    String a =
        node(100, ", version = 2, authentication { type = pass, password = \"secretA1\" }", "");
    String b =
        node(90, ", version = 2, authentication { type = pass, password = \"secretB2\" }", "");
    List<String> found = check("a.conf", a, "b.conf", b);
    assertEquals(
        List.of(
            "b.conf: VI_1: authentication password differs from a.conf's (first 8 bytes compared,"
                + " not shown): adverts would be dropped"),
        found);
    assertTrue(found.stream().noneMatch(l -> l.contains("secret")), found.toString());
    // Only the first 8 bytes travel: passwords equal there are equal on the wire.
    String c =
        node(90, ", version = 2, authentication { type = pass, password = \"secretA1xyz\" }", "");
    assertEquals(List.of(), check("a.conf", a, "c.conf", c));
    assertEquals(
        List.of(
            "b.conf: VI_1: authentication not set but set in a.conf: adverts would be dropped (auth"
                + " mismatch)"),
        check("a.conf", a, "b.conf", node(90, ", version = 2", "")));
  }

  @Test
  void equalPrioritiesWarnAndRenamedInstancesMatchByVrid() throws IOException {
    assertEquals(
        List.of(
            "b.conf: warning: VI_1: a.conf and b.conf have the same priority 100: the tie is"
                + " broken by the higher primary IP address"),
        check("a.conf", node(100, "", ""), "b.conf", node(100, "", "")));
    String renamed = node(90, ", advert-interval = 3s", "").replace("VI_1", "apiserver_vip");
    assertEquals(
        List.of(
            "b.conf: apiserver_vip: advert-interval 3s differs from a.conf's 1s: the nodes would"
                + " not form one virtual router (adverts dropped)"),
        check("a.conf", node(100, "", ""), "b.conf", renamed));
  }

  @Test
  void vipdCheckWithSeveralConfigsJudgesTheClusterAndExitsOne() throws IOException {
    Path a = dir.resolve("a.conf");
    Path b = dir.resolve("b.conf");
    Files.writeString(a, kubeadm(100));
    Files.writeString(b, kubeadm(110));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
    int status =
        new Cli()
            .execute(
                new String[] {"check", "--config", a.toString(), "--config", b.toString()}, ps, ps);
    String text = out.toString(StandardCharsets.UTF_8);
    assertEquals(1, status, text);
    assertTrue(text.contains(a + ": valid\n"), text);
    assertTrue(
        text.contains(
            b
                + ": VI_1: check apiserver failing (weight -2) leaves priority 108, still above "
                + a
                + "'s 100: the VIP would never move\n"),
        text);
    assertTrue(text.endsWith("cluster of 2 files: invalid, 1 error, 0 warnings\n"), text);
    Files.writeString(b, kubeadm(101));
    out.reset();
    assertEquals(
        0,
        new Cli()
            .execute(
                new String[] {"check", "--config", a.toString(), "--config", b.toString()},
                ps,
                ps));
    assertTrue(out.toString(StandardCharsets.UTF_8).endsWith("cluster of 2 files: valid\n"));
    out.reset();
    // as the files are usually given: one per node, without --config
    assertEquals(0, new Cli().execute(new String[] {"check", a.toString(), b.toString()}, ps, ps));
    assertTrue(out.toString(StandardCharsets.UTF_8).endsWith("cluster of 2 files: valid\n"));
  }
}
