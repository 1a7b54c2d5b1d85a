package io.vipd.daemon.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vipd.daemon.cli.Cli;
import io.vipd.daemon.config.AdminConfig;
import io.vipd.daemon.config.ConfigLoader;
import io.vipd.daemon.config.DaemonConfig;
import io.vipd.daemon.config.HostPort;
import io.vipd.daemon.config.LoadResult;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The static pod: golden files for two configurations, and structural rules for the rest. */
class StaticPodTest {

  private static final Path AS_INSTALLED = Path.of("/etc/vipd/vipd.conf");

  @TempDir Path dir;

  private static DaemonConfig load(Path file) {
    LoadResult r = ConfigLoader.load(file);
    DaemonConfig c = r.config().orElseThrow(() -> new AssertionError(r.errors().toString()));
    // Render as if installed at /etc/vipd/vipd.conf, so the golden files do not name a temp dir.
    return new DaemonConfig(AS_INSTALLED, c.vrrp(), c.checks(), c.proxy(), c.admin(), c.logging());
  }

  private static void assertGolden(String name, String actual) throws Exception {
    Path golden = AppJar.moduleDir().resolve("src/test/resources/manifest/" + name);
    String expected = Files.exists(golden) ? Files.readString(golden) : "";
    if (!expected.equals(actual)) {
      Path out = AppJar.moduleDir().resolve("target/" + name + ".actual");
      Files.writeString(out, actual);
      assertEquals(expected, actual, "differs from " + golden + "; actual output in " + out);
    }
  }

  @Test
  void exampleConfigGolden() throws Exception {
    DaemonConfig c = load(AppJar.repoDir().resolve("systemd/vipd.conf.example"));
    assertGolden("example.yaml", StaticPod.render(c, "vipd:1.2.3", "1.2.3", true));
  }

  @Test
  void port443WithoutAdminGolden() throws Exception {
    DaemonConfig c = load(AppJar.moduleDir().resolve("src/test/resources/manifest/small-443.conf"));
    assertGolden("small-443.yaml", StaticPod.render(c, "registry.local/vipd:1.2.3", "1.2.3", true));
  }

  @Test
  void programsTheImageCannotRunAreNamedOnStderrAndTheManifestIsUnchanged() throws Exception {
    Path conf = dir.resolve("vipd.conf");
    Files.copy(AppJar.moduleDir().resolve("src/test/resources/manifest/programs.conf"), conf);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        new StaticPodCommand(
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8))
            .run(conf.toString(), "vipd:1.2.3", "1.2.3");
    String warning = err.toString(StandardCharsets.UTF_8);
    assertEquals(0, status, warning);
    assertEquals(
        StaticPod.render(ConfigLoader.load(conf).config().orElseThrow(), "vipd:1.2.3", "1.2.3"),
        out.toString(StandardCharsets.UTF_8),
        "stdout is the manifest alone");
    assertGolden("programs.warning", warning.replace(conf.toString(), AS_INSTALLED.toString()));
  }

  @Test
  void noWarningWhenTheFileRunsNoProgram() throws Exception {
    for (Path f :
        List.of(
            AppJar.repoDir().resolve("systemd/vipd.conf.example"),
            AppJar.moduleDir().resolve("src/test/resources/manifest/small-443.conf"))) {
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int status =
          new StaticPodCommand(
                  new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                  new PrintStream(err, true, StandardCharsets.UTF_8))
              .run(f.toString(), null, "1.2.3");
      assertEquals(0, status);
      assertEquals("", err.toString(StandardCharsets.UTF_8), f.toString());
    }
  }

  @Test
  void structure() throws Exception {
    DaemonConfig c = load(AppJar.repoDir().resolve("systemd/vipd.conf.example"));
    String yaml = StaticPod.render(c, "vipd:9", "9", true);
    for (String line : yaml.split("\n")) {
      assertFalse(line.contains("\t"), line);
      int indent = line.length() - line.stripLeading().length();
      assertEquals(0, indent % 2, "odd indent: " + line);
      String t = line.strip();
      assertTrue(
          t.startsWith("#") || t.startsWith("- ") || t.contains(": ") || t.endsWith(":"), line);
    }
    assertTrue(yaml.contains("\n  hostNetwork: true\n"));
    assertTrue(yaml.contains("\n  priorityClassName: system-node-critical\n"));
    assertTrue(
        yaml.contains(
            "        drop:\n        - ALL\n        add:\n        - NET_ADMIN\n        - NET_RAW\n"));
    assertFalse(yaml.contains("NET_BIND_SERVICE"), "8443 needs no NET_BIND_SERVICE");
    StringBuilder command = new StringBuilder("    command:\n    - " + ImageLayout.JAVA + "\n");
    for (String f : JvmFlags.DEFAULT) {
      command.append("    - ").append(Yaml.quote(f)).append('\n');
    }
    command.append("    - -jar\n    - ").append(ImageLayout.JAR).append('\n');
    assertTrue(yaml.contains(command), yaml);
    assertTrue(yaml.contains("    args:\n    - run\n    - --config\n    - /etc/vipd/vipd.conf\n"));
    assertTrue(yaml.contains("    hostPath:\n      path: /etc/vipd\n      type: Directory\n"));
    assertTrue(
        yaml.contains("        host: \"127.0.0.1\"\n        path: /healthz\n        port: 9188\n"));
  }

  /** A drain longer than kubelet's default 30 s of grace gets the grace it needs. */
  @Test
  void aLongDrainGetsItsTerminationGrace() throws Exception {
    Path example = AppJar.repoDir().resolve("systemd/vipd.conf.example");
    String plain = StaticPod.render(load(example), "vipd:9", "9", true);
    assertFalse(plain.contains("terminationGracePeriodSeconds"), "5 s of drain fits in 30 s");
    Path longDrain = dir.resolve("vipd.conf");
    java.nio.file.Files.writeString(
        longDrain, java.nio.file.Files.readString(example) + "\nproxy.drain-grace = 60s\n");
    String yaml = StaticPod.render(load(longDrain), "vipd:9", "9", true);
    assertTrue(yaml.contains("\n  terminationGracePeriodSeconds: 85\n"), yaml);
  }

  @Test
  void noProbeWhenTheAdminCannotAnswerItAndOneWithAToken() throws Exception {
    DaemonConfig c = load(AppJar.repoDir().resolve("systemd/vipd.conf.example"));
    String notServed = StaticPod.render(c, "vipd:9", "9", false);
    assertFalse(notServed.contains("livenessProbe"));
    assertTrue(notServed.contains("# No liveness probe: this version of vipd does not serve"));
    DaemonConfig token =
        new DaemonConfig(
            c.source(),
            c.vrrp(),
            c.checks(),
            c.proxy(),
            new AdminConfig(true, new HostPort("0.0.0.0", 9188), Optional.of(secret())),
            c.logging());
    String withToken = StaticPod.render(token, "vipd:9", "9", true);
    assertTrue(withToken.contains("livenessProbe"), "/healthz needs no token: " + withToken);
    assertFalse(withToken.contains("No liveness probe"), withToken);
    assertFalse(withToken.contains("s3cret"), "the token stays out of the manifest");
    DaemonConfig wildcard =
        new DaemonConfig(
            c.source(),
            c.vrrp(),
            c.checks(),
            c.proxy(),
            new AdminConfig(true, new HostPort("::", 9188), Optional.empty()),
            c.logging());
    assertTrue(StaticPod.render(wildcard, "vipd:9", "9", true).contains("        host: \"::1\"\n"));
  }

  @Test
  void theStatsSocketsDirectoryIsMountedFromTheHost() throws Exception {
    DaemonConfig c = load(AppJar.repoDir().resolve("systemd/vipd.conf.example"));
    assertFalse(StaticPod.render(c, "vipd:9", "9", true).contains("stats-socket"));
    DaemonConfig withSocket =
        new DaemonConfig(
            c.source(),
            c.vrrp(),
            c.checks(),
            c.proxy(),
            new AdminConfig(
                true,
                new HostPort("127.0.0.1", 9188),
                Optional.empty(),
                new io.vipd.daemon.config.StatsSocketConfig(
                    Optional.of(Path.of("/run/vipd/admin.sock")),
                    0660,
                    io.vipd.daemon.config.CliLevel.ADMIN,
                    java.time.Duration.ofSeconds(10))),
            c.logging());
    String yaml = StaticPod.render(withSocket, "vipd:9", "9", true);
    assertTrue(yaml.contains("    - name: stats-socket\n      mountPath: /run/vipd\n"), yaml);
    assertTrue(
        yaml.contains(
            "\n  - name: stats-socket\n    hostPath:\n      path: /run/vipd\n      type: DirectoryOrCreate\n"),
        yaml);
  }

  private io.vipd.daemon.config.Secret secret() throws Exception {
    Path f = dir.resolve("t.conf");
    Files.writeString(f, "admin.token = \"s3cret\"\n");
    return ConfigLoader.load(f).config().orElseThrow().admin().token().orElseThrow();
  }

  @Test
  void yamlQuoting() {
    assertEquals("-Xmx128m", Yaml.quote("-Xmx128m"));
    assertEquals("vipd:1.2", Yaml.quote("vipd:1.2"));
    assertEquals("\"1.2\"", Yaml.quote("1.2"));
    assertEquals("\"yes\"", Yaml.quote("yes"));
    assertEquals("\"a b\"", Yaml.quote("a b"));
    assertEquals("\"x:\"", Yaml.quote("x:"));
    assertEquals("\"q\\\"\"", Yaml.quote("q\""));
  }

  @Test
  void cliRoutesManifestStaticPod() throws Exception {
    Path conf = dir.resolve("vipd.conf");
    Files.copy(AppJar.repoDir().resolve("systemd/vipd.conf.example"), conf);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        new Cli(x -> 0)
            .execute(
                new String[] {"manifest", "static-pod", "--config", conf.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
    String yaml = out.toString(StandardCharsets.UTF_8);
    assertTrue(yaml.contains("kind: Pod\n"));
    assertTrue(yaml.contains("    image: vipd:"), yaml);
    assertTrue(yaml.contains("      path: " + dir + "\n"), yaml);

    Files.writeString(conf, "vrrp.instances = [ { name = VI_1 } ]\n");
    assertEquals(
        1,
        new Cli(x -> 0)
            .execute(
                new String[] {"manifest", "static-pod", "--config", conf.toString()},
                new PrintStream(out),
                new PrintStream(err)));
    assertEquals(
        2,
        new Cli(x -> 0)
            .execute(new String[] {"manifest"}, new PrintStream(out), new PrintStream(err)));
    assertEquals(
        2,
        new Cli(x -> 0)
            .execute(
                new String[] {"manifest", "daemonset"},
                new PrintStream(out),
                new PrintStream(err)));
  }

  @Test
  void shippedFlagsAgreeEverywhere() throws Exception {
    String flags = String.join(" ", JvmFlags.DEFAULT);
    for (String f :
        List.of(
            "bin/vipd",
            "systemd/vipd.service",
            "systemd/cds-archive.sh",
            "deploy/image/build.sh")) {
      assertTrue(
          Files.readString(AppJar.repoDir().resolve(f)).contains(flags), f + " lacks " + flags);
    }
  }
}
