package io.vipd.daemon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vipd.daemon.config.DaemonConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exit statuses and output of every command, run in-process. */
class CliTest {

  @TempDir Path dir;

  private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
  private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
  private final AtomicReference<DaemonConfig> launched = new AtomicReference<>();

  private int run(String... args) {
    Cli cli =
        new Cli(
            config -> {
              launched.set(config);
              return 0;
            });
    return cli.execute(
        args,
        new PrintStream(outBytes, true, StandardCharsets.UTF_8),
        new PrintStream(errBytes, true, StandardCharsets.UTF_8));
  }

  private String out() {
    return outBytes.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return errBytes.toString(StandardCharsets.UTF_8);
  }

  private Path file(String name, String text) throws Exception {
    Path f = dir.resolve(name);
    Files.writeString(f, text);
    return f;
  }

  private static final String VALID =
      "vrrp.instances = [ { name = VI_1, interface = eth0, virtual-router-id = 51,"
          + " virtual-ips = [\"192.168.1.100/24\"], preempt-delay = 5s, initial-state = master } ]\n";
  private static final String INVALID =
      "vrrp.instances = [ { name = VI_1, interface = eth0, virtual-router-id = 300,"
          + " virtual-ips = [\"192.168.1.100/24\"] } ]\n";

  @Test
  void checkValidFileExitsZeroAndPrintsWarningsAndNotes() throws Exception {
    Path f = file("ok.conf", VALID);
    assertEquals(0, run("check", "--config", f.toString()));
    assertTrue(out().contains(f + ":1: warning: vrrp.instances[0].preempt-delay: "), out());
    assertFalse(out().contains(": note: admin"), out());
    assertTrue(out().endsWith(f + ": valid (1 warning)\n"), out());
    assertEquals("", err());
  }

  @Test
  void checkInvalidFileExitsOneWithFileLineKey() throws Exception {
    Path f = file("bad.conf", INVALID);
    assertEquals(1, run("check", "--config=" + f));
    assertTrue(
        out()
            .startsWith(
                f
                    + ":1: vrrp.instances[0].virtual-router-id: found 300, expected an integer 1..255\n"),
        out());
    assertTrue(out().contains(f + ": invalid, 1 error, 0 warnings"), out());
  }

  @Test
  void checkSeveralFilesChecksEach() throws Exception {
    Path ok = file("ok.conf", VALID);
    Path bad = file("bad.conf", INVALID);
    assertEquals(1, run("check", "--config", ok.toString(), "--config", bad.toString()));
    assertTrue(out().contains(ok + ": valid"), out());
    assertTrue(out().contains(bad + ": invalid"), out());
    outBytes.reset();
    assertEquals(0, run("check", "--config", ok.toString(), "--config", ok.toString()));
  }

  @Test
  void runRefusesInvalidConfig() throws Exception {
    Path f = file("bad.conf", INVALID);
    assertEquals(1, run("run", "--config", f.toString()));
    assertNull(launched.get());
    assertTrue(err().contains("virtual-router-id: found 300"), err());
    assertTrue(err().contains("vipd: not starting: " + f + ": invalid, 1 error"), err());
  }

  @Test
  void runStartsTheDaemonWithTheLoadedConfig() throws Exception {
    Path f = file("ok.conf", VALID);
    assertEquals(0, run("run", "--config", f.toString()));
    assertEquals(51, launched.get().vrrp().instances().get(0).virtualRouterId());
    assertTrue(out().contains("warning: vrrp.instances[0].preempt-delay"), out());
    assertFalse(out().contains("note: admin"), out());
  }

  @Test
  void runPassesOnTheDaemonStatus() throws Exception {
    Path f = file("ok.conf", VALID);
    Cli cli = new Cli(config -> 3);
    PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    assertEquals(3, cli.execute(new String[] {"run", "--config", f.toString()}, sink, sink));
  }

  @Test
  void versionAndHelp() {
    assertEquals(0, run("version"));
    assertTrue(out().startsWith("vipd "), out());
    outBytes.reset();
    assertEquals(0, run("--help"));
    assertTrue(out().contains("run --config FILE"), out());
    assertTrue(out().contains("manifest static-pod"), out());
    assertTrue(out().contains("demo [--keep]"), out());
    assertTrue(out().contains("import --keepalived FILE"), out());
    outBytes.reset();
    assertEquals(0, run("help"));
    assertEquals(0, run("check", "--help"));
    assertEquals("", err());
  }

  @Test
  void importPrintsTheVipdConfigOrExitsOneWhenNothingIsUsable() throws Exception {
    String fixture =
        java.nio.file.Path.of(
                getClass().getResource("/importer/kubeadm-ha/keepalived.conf").toURI())
            .toString();
    assertEquals(0, run("import", "--keepalived", fixture));
    assertTrue(out().contains("virtual-router-id = 51"), out());
    outBytes.reset();
    errBytes.reset();
    assertEquals(1, run("import", "--keepalived", "/nonexistent/keepalived.conf"));
    assertTrue(err().contains("nothing usable"), err());
    errBytes.reset();
    assertEquals(2, run("import"));
  }

  @Test
  void usageErrorsExitTwo() {
    assertEquals(2, run());
    assertTrue(err().startsWith("vipd: no command given\nusage: vipd COMMAND"), err());
    errBytes.reset();
    assertEquals(2, run("frob"));
    assertTrue(err().startsWith("vipd: unknown command \"frob\"\n"), err());
    errBytes.reset();
    assertEquals(2, run("check", "--conf", "x"));
    assertTrue(err().startsWith("vipd: unknown option --conf for check\n"), err());
    errBytes.reset();
    assertEquals(2, run("check", "--config"));
    assertTrue(err().startsWith("vipd: --config needs a value\n"), err());
    errBytes.reset();
    assertEquals(2, run("run", "--config", "a", "--config", "b"));
    assertEquals(2, run("run", "stray"));
    assertEquals(2, run("version", "--verbose"));
    assertNull(launched.get());
    assertFalse(out().contains("vipd:"));
  }
}
