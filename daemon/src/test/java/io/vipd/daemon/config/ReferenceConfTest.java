package io.vipd.daemon.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** reference.conf documents every key, and the loader reads exactly the keys it documents. */
class ReferenceConfTest {

  @TempDir Path dir;

  @Test
  void everyKeyHasACommentAboveIt() {
    List<String> undocumented = new ArrayList<>();
    List<String> all = new ArrayList<>();
    walk(ConfigLoader.reference().root(), "", undocumented, all);
    assertEquals(List.of(), undocumented);
    // Guards the walk itself: it must have seen the nested keys.
    assertTrue(all.contains("defaults.vrrp-instance.authentication.password"), all.toString());
    assertTrue(all.contains("defaults.backend.timeouts.client-fin"), all.toString());
    assertTrue(all.size() > 80, "keys seen: " + all.size());
  }

  private static void walk(ConfigObject o, String prefix, List<String> bad, List<String> all) {
    for (Map.Entry<String, ConfigValue> e : o.entrySet()) {
      String path = prefix + e.getKey();
      all.add(path);
      boolean commented = e.getValue().origin().comments().stream().anyMatch(c -> !c.isBlank());
      if (!commented) {
        bad.add(path);
      }
      if (e.getValue() instanceof ConfigObject child) {
        walk(child, path + ".", bad, all);
      }
    }
  }

  @Test
  void loaderReadsEveryDocumentedElementKey() {
    // Elements built from the reference's own default blocks: a key documented there but not read
    // by the loader would be reported as unknown.
    String text =
        String.join(
            "\n",
            "vrrp.instances = [ ${defaults.vrrp-instance} {",
            "  name = VI_1, interface = eth0, virtual-router-id = 1, virtual-ips = [10.0.0.1]",
            "  track.checks = [ ${defaults.track} { name = c } ]",
            "} ]",
            "checks.c = ${defaults.check} { type = file, path = /run/x }",
            "proxy.frontends = [ ${defaults.frontend} { name = f, bind = \"0.0.0.0:1\", backend = b } ]",
            "proxy.backends.b = ${defaults.backend} {",
            "  servers = [ ${defaults.server} { name = s, address = \"10.0.0.2:1\" } ]",
            "}",
            "");
    LoadResult r = TestFiles.load(dir, text);
    assertEquals(List.of(), r.errors());
    // Every check key is "set" here, so keys of other check types are (rightly) flagged: the
    // named check's (type file) and the server check's (type tcp, its default).
    assertTrue(
        r.warnings().stream()
            .allMatch(
                w ->
                    w.message().startsWith("ignored for type file")
                        || w.message().startsWith("ignored for type tcp")),
        r.warnings().toString());
    assertEquals(
        11,
        r.warnings().stream().filter(w -> w.message().contains("type file")).count(),
        r.warnings().toString());
    assertEquals(
        2, // path and expect-status; insecure = false and the empty files turn nothing on
        r.warnings().stream().filter(w -> w.message().contains("type tcp")).count(),
        r.warnings().toString());
  }
}
