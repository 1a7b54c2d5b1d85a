package io.vipd.daemon.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vipd.daemon.config.ConfigLoader;
import io.vipd.daemon.config.ConfigProblem;
import io.vipd.daemon.config.LoadResult;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every import of the fixtures is a configuration that {@code vipd check} accepts. */
class ImportPassesCheckTest {

  static Stream<Arguments> fixtures() {
    return Stream.of(
        Arguments.of("kubeadm-ha/keepalived.conf", "kubeadm-ha/haproxy.cfg"),
        Arguments.of("kubeadm-ha/keepalived.conf", null),
        Arguments.of("kubeadm-ha-backup/keepalived.conf", "kubeadm-ha-backup/haproxy.cfg"),
        Arguments.of("three-masters/node1.conf", "three-masters/haproxy.cfg"),
        Arguments.of("three-masters/node2.conf", "three-masters/haproxy.cfg"),
        Arguments.of("three-masters/node3.conf", "three-masters/haproxy.cfg"),
        Arguments.of("unicast/keepalived.conf", "unicast/haproxy.cfg"),
        Arguments.of("apiserver-direct/keepalived.conf", "apiserver-direct/haproxy.cfg"),
        Arguments.of("missing-script/keepalived.conf", null));
  }

  @ParameterizedTest
  @MethodSource("fixtures")
  void importedConfigPassesCheck(String keepalived, String haproxy, @TempDir Path dir)
      throws Exception {
    ImportResult result =
        ConfigImporter.importConfigs(
            resource(keepalived), haproxy == null ? null : resource(haproxy));
    assertTrue(result.usable(), result.warnings().toString());
    Path file = dir.resolve("vipd.conf");
    Files.writeString(file, result.hocon());
    LoadResult loaded = ConfigLoader.load(file);
    List<String> errors = loaded.errors().stream().map(ConfigProblem::format).toList();
    assertEquals(
        List.of(),
        errors,
        "import of " + keepalived + " fails vipd check:\n" + numbered(result.hocon()));
  }

  private static String numbered(String text) {
    String[] lines = text.split("\n", -1);
    return Stream.iterate(0, i -> i < lines.length, i -> i + 1)
        .map(i -> (i + 1) + ": " + lines[i])
        .collect(Collectors.joining("\n"));
  }

  private static Path resource(String name) throws URISyntaxException {
    return Path.of(ImportPassesCheckTest.class.getResource("/importer/" + name).toURI());
  }
}
