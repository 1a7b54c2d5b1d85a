package io.vipd.daemon.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole file is judged at once; warnings flag what works but surprises; secrets stay secret.
 */
class AllProblemsAndWarningsTest {

  @TempDir Path dir;

  private static final String MANY =
      String.join(
          "\n",
          "vrrp.instances = [",
          "  { name = A, interface = eth0, virtual-router-id = 0, virtual-ips = [10.0.0.1] }",
          "  { name = B, interface = eth0, virtual-router-id = 52, virtual-ips = [10.0.0.2],"
              + " priorty = 5 }",
          "]",
          "checks.c { type = tcp, address = \"127.0.0.1\" }",
          "proxy.maxconn = -1",
          "admin.bind = \"127.0.0.1\"",
          "");

  @Test
  void reportsEveryErrorSortedByLine() {
    LoadResult r = TestFiles.load(dir, MANY);
    String f = dir.resolve("vipd.conf").toString();
    assertEquals(
        List.of(
            f + ":2: vrrp.instances[0].virtual-router-id: found 0, expected an integer 1..255",
            f + ":3: vrrp.instances[1].priorty: unknown key, did you mean priority?",
            f
                + ":5: checks.c.address: found 127.0.0.1, expected host:port with a port 1..65535"
                + " (the port is missing)",
            f + ":6: proxy.maxconn: found -1, expected an integer 1..1000000",
            f
                + ":7: admin.bind: found 127.0.0.1, expected ip:port with a port 0..65535 (the port"
                + " is missing)"),
        TestFiles.formatted(r.errors()));
  }

  private static final String SURPRISES =
      String.join(
          "\n",
          "checks.api { type = tcp, address = \"127.0.0.1:6443\", url = \"http://x/\" }",
          "vrrp.instances = [",
          "  {",
          "    name = VI_1, interface = eth0, virtual-router-id = 51, virtual-ips = [10.0.0.1]",
          "    version = 2",
          "    authentication { type = pass, password = \"s3cr3t-longer-than-8\" }",
          "    preempt = false",
          "    track.checks = [ { name = api, weight = -20 } ]",
          "  }",
          "  {",
          "    name = VI_2, interface = eth0, virtual-router-id = 52, virtual-ips = [10.0.0.2]",
          "    initial-state = master",
          "    preempt-delay = 10s",
          "  }",
          "]",
          "");

  @Test
  void anAdminEndpointBeyondLoopbackWithoutATokenIsAnError() {
    LoadResult r = TestFiles.load(dir, "admin { bind = \"0.0.0.0:9188\" }\n");
    assertEquals(
        List.of(
            dir.resolve("vipd.conf")
                + ":1: admin.bind: found 0.0.0.0:9188 beyond loopback without a token, expected a"
                + " loopback address or admin.token: anyone who can reach it could read /status"
                + " and /metrics and run operations"),
        TestFiles.formatted(r.errors()));
  }

  @Test
  void warnsAboutSurprisesWithoutRefusing() {
    LoadResult r = TestFiles.load(dir, SURPRISES);
    String f = dir.resolve("vipd.conf").toString();
    assertEquals(List.of(), r.errors());
    assertTrue(r.config().isPresent());
    assertEquals(
        List.of(
            f + ":1: warning: checks.api.url: ignored for type tcp (it applies to http, https)",
            f
                + ":6: warning: vrrp.instances[0].authentication.password: longer than the 8 bytes"
                + " VRRPv2 carries; only its first 8 bytes are sent and compared (as keepalived"
                + " does)",
            f
                + ":7: warning: vrrp.instances[0].preempt: false with track weights: a lowered"
                + " priority does not move the VIP while preempt is false (only weight 0, which"
                + " means FAULT, does)",
            f
                + ":13: warning: vrrp.instances[1].preempt-delay: set with initial-state = master:"
                + " the instance starts as master at once, the delay only applies after it has"
                + " become backup"),
        TestFiles.formatted(r.warnings()));
    byte[] wire =
        r.config()
            .orElseThrow()
            .vrrp()
            .instances()
            .get(0)
            .authentication()
            .orElseThrow()
            .wireBytes();
    assertEquals("s3cr3t-l", new String(wire, java.nio.charset.StandardCharsets.UTF_8));
  }

  @Test
  void secretsNeverAppearInOutput() {
    String password = "pw-Zq7Xv9";
    String token = "tok-Mk42Ab";
    String text =
        String.join(
            "\n",
            "vrrp.instances = [ { name = A, interface = eth0, virtual-router-id = 1, version = 2,",
            "  virtual-ips = [10.0.0.1], authentication { type = pass, password = \""
                + password
                + "-much-too-long\" } }",
            "  { name = B, interface = eth0, virtual-router-id = 2, virtual-ips = [10.0.0.2],",
            "  authentication { type = pass, password = \"" + password + "\" } } ]",
            "admin { token = \"" + token + "\", bind = \"0.0.0.0:9188\" }",
            "");
    LoadResult bad = TestFiles.load(dir, text);
    assertFalse(bad.errors().isEmpty(), "B uses pass on version 3");
    String everything = bad.toString();
    assertFalse(everything.contains(password), everything);
    assertFalse(everything.contains(token), everything);

    // Wrong type on the secret keys themselves: the value is not echoed either.
    LoadResult wrongType =
        TestFiles.load(
            dir,
            "admin.token = [\""
                + token
                + "\"]\n"
                + "vrrp.instances = [ { name = A, interface = eth0, virtual-router-id = 1,"
                + " version = 2, virtual-ips = [10.0.0.1], authentication { type = pass, password ="
                + " { x = \""
                + password
                + "\" } } } ]\n");
    assertEquals(2, wrongType.errors().size(), wrongType.toString());
    assertFalse(wrongType.toString().contains(password));
    assertFalse(wrongType.toString().contains(token));

    LoadResult good =
        TestFiles.load(
            dir,
            text.replace(
                "authentication { type = pass, password = \"" + password + "\" }", "version = 3"));
    assertEquals(List.of(), good.errors());
    DaemonConfig c = good.config().orElseThrow();
    String all = c.toString() + good.warnings();
    assertFalse(all.contains(password), all);
    assertFalse(all.contains(token), all);
    assertTrue(all.contains("<redacted>"));
    assertEquals(token, c.admin().token().orElseThrow().reveal());
  }

  @Test
  void anErrorInOneElementDoesNotHideCrossChecksOfTheOthers() {
    String text =
        String.join(
            "\n",
            "vrrp.instances = [",
            "  { name = A, interface = eth0, virtual-router-id = 51, virtual-ips = [10.0.0.1] }",
            "  { name = B, interface = eth0, virtual-router-id = 51, virtual-ips = [10.0.0.2] }",
            "  { name = C, interface = eth0, virtual-router-id = 999, virtual-ips = [10.0.0.3] }",
            "]",
            "proxy {",
            "  frontends = [ { name = f, bind = \"0.0.0.0:8443\", backend = b }",
            "                { name = f, bind = \"0.0.0.0:8443\", backend = b } ]",
            "  backends.b.servers = [ { name = s, address = \"10.0.0.9\" } ]",
            "}",
            "");
    LoadResult r = TestFiles.load(dir, text);
    String f = dir.resolve("vipd.conf").toString();
    assertEquals(
        List.of(
            f
                + ":3: vrrp.instances[1].virtual-router-id: found 51, expected a VRID not already"
                + " used on eth0 by instance A (same VRID, version 3 and IPv4)",
            f + ":4: vrrp.instances[2].virtual-router-id: found 999, expected an integer 1..255",
            f
                + ":8: proxy.frontends[1].name: found f again, expected a name not used by another"
                + " frontend",
            f
                + ":8: proxy.frontends[1].bind: found 0.0.0.0:8443, expected an address not already"
                + " bound by frontend f",
            f
                + ":9: proxy.backends.b.servers[0].address: found 10.0.0.9, expected host:port with"
                + " a port 1..65535 (the port is missing)"),
        TestFiles.formatted(r.errors()));
  }

  @Test
  void includesResolveNextToTheFileAndKeepTheirOwnLines() throws Exception {
    java.nio.file.Files.writeString(dir.resolve("part.conf"), "# part\nlogging.level = debugg\n");
    LoadResult r = TestFiles.load(dir, "include \"part.conf\"\n");
    assertEquals(
        List.of(
            dir.resolve("part.conf")
                + ":2: logging.level: found debugg, expected one of error|warn|info|debug|trace,"
                + " did you mean debug?"),
        TestFiles.formatted(r.errors()));
  }

  @Test
  void aRequiredIncludeMissingInsideAnIncludedFileNamesNoWrongDirectory() throws Exception {
    java.nio.file.Files.createDirectories(dir.resolve("sub"));
    java.nio.file.Files.writeString(
        dir.resolve("sub/a.conf"), "logging.level = info\ninclude required(\"b.conf\")\n");
    LoadResult r = TestFiles.load(dir, "include \"sub/a.conf\"\n");
    // b.conf is looked for in sub/, which the loader cannot tell from the exception: it must not
    // claim the main file's directory.
    assertEquals(
        List.of(
            dir.resolve("vipd.conf")
                + ": include \"b.conf\": the file does not exist (an include is read"
                + " relative to the file that includes it)"),
        TestFiles.formatted(r.errors()));
  }
}
