package io.vipd.daemon.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden-file tests: each fixture's import must equal the reviewed expected output byte for byte,
 * be valid HOCON, and be the same on every run. Regenerate the expected files after a reviewed
 * change with {@code -Dvipd.updateGolden=true}.
 */
class ImportGoldenTest {

  static Stream<Arguments> fixtures() {
    return Stream.of(
        Arguments.of(
            "kubeadm-ha/keepalived.conf", "kubeadm-ha/haproxy.cfg", "kubeadm-ha/expected.conf"),
        Arguments.of(
            "kubeadm-ha-backup/keepalived.conf",
            "kubeadm-ha-backup/haproxy.cfg",
            "kubeadm-ha-backup/expected.conf"),
        Arguments.of(
            "three-masters/node1.conf",
            "three-masters/haproxy.cfg",
            "three-masters/expected-node1.conf"),
        Arguments.of(
            "three-masters/node2.conf",
            "three-masters/haproxy.cfg",
            "three-masters/expected-node2.conf"),
        Arguments.of(
            "three-masters/node3.conf",
            "three-masters/haproxy.cfg",
            "three-masters/expected-node3.conf"),
        Arguments.of("unicast/keepalived.conf", "unicast/haproxy.cfg", "unicast/expected.conf"),
        Arguments.of(
            "apiserver-direct/keepalived.conf",
            "apiserver-direct/haproxy.cfg",
            "apiserver-direct/expected.conf"),
        Arguments.of("missing-script/keepalived.conf", null, "missing-script/expected.conf"),
        Arguments.of(
            "kubeadm-ha/keepalived.conf", null, "kubeadm-ha/expected-keepalived-only.conf"));
  }

  @ParameterizedTest(name = "{0} + {1}")
  @MethodSource("fixtures")
  void importMatchesGoldenFile(String keepalived, String haproxy, String expected)
      throws IOException {
    ImportResult result =
        ConfigImporter.importConfigs(
            Fixtures.path(keepalived), haproxy == null ? null : Fixtures.path(haproxy));
    if (Boolean.getBoolean("vipd.updateGolden")) {
      Files.writeString(Fixtures.sourcePath(expected), result.hocon(), StandardCharsets.UTF_8);
    }
    assertEquals(Fixtures.read(expected), result.hocon(), "import differs from " + expected);
    assertTrue(result.usable(), "usable");
    Config parsed = ConfigFactory.parseString(result.hocon());
    assertFalse(parsed.isEmpty(), "the output holds configuration");
    ImportResult again =
        ConfigImporter.importConfigs(
            Fixtures.path(keepalived), haproxy == null ? null : Fixtures.path(haproxy));
    assertEquals(result, again, "import is deterministic");
  }
}
