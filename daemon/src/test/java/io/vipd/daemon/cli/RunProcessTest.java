package io.vipd.daemon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vipd.daemon.testing.VipdProcess;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vipd run} as a real process: it logs to stdout, stops on SIGTERM and exits 0 ("0 after a
 * clean stop"). Runs {@code Main} from the test classpath, so it does not depend on the shaded jar
 * having been built before the tests.
 */
class RunProcessTest {

  @TempDir Path dir;

  @Test
  @Timeout(60)
  void sigtermStopsCleanlyWithStatusZero() throws Exception {
    Path conf = dir.resolve("vipd.conf");
    Files.writeString(
        conf,
        "vrrp.instances = [ { name = VI_1, interface = eth0, virtual-router-id = 51,"
            + " virtual-ips = [\"192.168.1.100/24\"] } ]\n"
            + "admin.bind = \"127.0.0.1:0\"\n");
    Process p = VipdProcess.run(conf).start();
    List<String> lines = new ArrayList<>();
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        lines.add(line);
        if (line.contains("vipd started")) {
          // SIGTERM; Process.destroy() would also close our end of the pipe.
          p.toHandle().destroy();
        }
      }
      assertTrue(p.waitFor(30, TimeUnit.SECONDS), "vipd did not stop: " + lines);
      assertEquals(0, p.exitValue(), String.join("\n", lines));
      assertTrue(
          lines.stream().anyMatch(l -> l.contains("admin listening on http://127.0.0.1:")),
          lines.toString());
      assertTrue(lines.stream().anyMatch(l -> l.contains("vipd stopped")), lines.toString());
    } finally {
      p.destroyForcibly();
    }
  }
}
