package io.vipd.daemon.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HOCON substitutions as operators write them: an optional environment variable overriding the
 * file's own value, a reference to another key, and errors that never print the configuration.
 */
class SubstitutionTest {

  @TempDir Path dir;

  private static final String CHECK =
      "checks.api { type = https, url = \"https://10.0.0.1:6443/readyz\", insecure = true }\n";

  @Test
  void anUnsetOptionalVariableKeepsTheFilesOwnValue() {
    LoadResult r = TestFiles.load(dir, CHECK + "checks.api.type = ${?VIPD_TEST_SURELY_UNSET}\n");
    assertEquals(List.of(), TestFiles.formatted(r.errors()));
    assertEquals(CheckType.HTTPS, r.config().orElseThrow().checks().get("api").type());
  }

  @Test
  void aSetVariableOverridesTheFilesOwnValue() {
    // HOME is set in every environment the tests run in.
    String home = System.getenv("HOME");
    assertTrue(home != null && home.startsWith("/"), "HOME: " + home);
    LoadResult r =
        TestFiles.load(
            dir, "checks.f { type = file, path = /etc/vipd/up }\n" + "checks.f.path = ${?HOME}\n");
    assertEquals(List.of(), TestFiles.formatted(r.errors()));
    assertEquals(Optional.of(Path.of(home)), r.config().orElseThrow().checks().get("f").path());
  }

  @Test
  void referencesToTheFileAndToTheDefaultsResolve() {
    LoadResult r =
        TestFiles.load(
            dir,
            CHECK
                + "checks.api.interval = 3s\n"
                + "checks.api.timeout = ${checks.api.interval}\n"
                + "checks.api.fall = ${defaults.check.rise}\n");
    assertEquals(List.of(), TestFiles.formatted(r.errors()));
    CheckConfig api = r.config().orElseThrow().checks().get("api");
    assertEquals(Duration.ofSeconds(3), api.timeout());
    assertEquals(2, api.fall());
  }

  @Test
  void aMissingRequiredVariableIsOneLineWithoutTheConfiguration() {
    LoadResult r =
        TestFiles.load(
            dir, "admin.token = \"s3cret-token\"\n" + CHECK + "checks.api.type = ${VIPD_NOPE}\n");
    List<String> errors = TestFiles.formatted(r.errors());
    assertEquals(1, errors.size(), errors.toString());
    assertTrue(errors.get(0).contains("VIPD_NOPE"), errors.get(0));
    assertFalse(errors.get(0).contains("s3cret-token"), errors.get(0));
  }
}
