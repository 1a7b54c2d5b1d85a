package io.vipd.daemon.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vipd.daemon.reload.ReloadResult;
import io.vipd.daemon.reload.Reloader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An exec check's absolute program, judged on this machine: missing or not executable is an error
 * for {@code vipd check --host}, and a reload that brings it is refused (nothing applied).
 */
class ExecProgramsTest {

  @TempDir Path dir;

  private DaemonConfig load(Path conf) {
    LoadResult r = ConfigLoader.load(conf);
    assertTrue(r.isValid(), r.errors().toString());
    return r.config().orElseThrow();
  }

  private Path config(String program, boolean shell) throws Exception {
    Path conf = dir.resolve("vipd-" + System.nanoTime() + ".conf");
    Files.writeString(
        conf,
        "admin.enabled = false\n"
            + "vrrp.instances = [ { name = VI_1, interface = eth0, virtual-router-id = 51,"
            + " priority = 100, virtual-ips = [\"10.0.0.100/24\"],"
            + " track.checks = [ { name = script, weight = 0 } ] } ]\n"
            + "checks.script { type = exec, command = [\""
            + program
            + "\", \"--quick\"], shell = "
            + shell
            + " }\n");
    return conf;
  }

  @Test
  void aMissingOrNotExecutableProgramIsAnError() throws Exception {
    Path script = dir.resolve("check.sh");
    Files.writeString(script, "#!/bin/sh\nexit 0\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rw-r--r--"));

    List<ConfigProblem> missing =
        ExecPrograms.problems("f", load(config(dir.resolve("nope.sh").toString(), false)));
    assertEquals(1, missing.size());
    assertEquals("checks.script.command", missing.get(0).key());
    assertTrue(missing.get(0).message().contains("does not exist"), missing.toString());

    List<ConfigProblem> notExecutable =
        ExecPrograms.problems("f", load(config(script.toString(), false)));
    assertTrue(
        notExecutable.get(0).message().contains("is not executable"), notExecutable.toString());

    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    assertEquals(List.of(), ExecPrograms.problems("f", load(config(script.toString(), false))));
    // a name on PATH and a shell line are not judged here
    assertEquals(List.of(), ExecPrograms.problems("f", load(config("pgrep", false))));
    assertEquals(List.of(), ExecPrograms.problems("f", load(config("/nope/x | grep y", true))));
  }

  @Test
  void aMissingNotifyProgramIsAWarning() throws Exception {
    Path script = Files.writeString(dir.resolve("notify.sh"), "#!/bin/sh\n");
    script.toFile().setExecutable(true);
    Path conf = dir.resolve("notify.conf");
    Files.writeString(
        conf,
        "admin.enabled = false\n"
            + "vrrp.instances = [ { name = VI_1, interface = eth0, virtual-router-id = 51,"
            + " priority = 100, virtual-ips = [\"10.0.0.100/24\"],"
            + " notify { master = \""
            + dir.resolve("gone.sh")
            + " master\", backup = \""
            + script
            + " backup\", fault = \"logger fault\" } } ]\n");
    List<ConfigProblem> p = ExecPrograms.notifyProblems("f", load(conf));
    assertEquals(1, p.size(), p.toString());
    assertEquals(ConfigProblem.Severity.WARNING, p.get(0).severity());
    assertEquals("vrrp.instances[0].notify.master", p.get(0).key());
    assertTrue(p.get(0).message().contains("does not exist"), p.get(0).message());
  }

  @Test
  void aReloadThatBringsAMissingProgramIsRefusedAndAppliesNothing() throws Exception {
    Path conf = config(dir.resolve("nope.sh").toString(), false);
    AtomicInteger applied = new AtomicInteger();
    Reloader reloader =
        new Reloader(
            conf,
            next -> {
              applied.incrementAndGet();
              return List.of();
            });
    ReloadResult r = reloader.reload();
    assertTrue(!r.ok(), r.toString());
    assertTrue(r.errors().get(0).contains("does not exist"), r.errors().toString());
    assertEquals(0, applied.get(), "nothing applied");
  }
}
