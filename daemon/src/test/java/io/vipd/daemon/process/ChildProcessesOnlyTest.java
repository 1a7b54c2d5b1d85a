package io.vipd.daemon.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every child process vipd starts goes through {@code io.vipd.health.ChildProcesses}: the proxy
 * closes sockets without an epoll DEL only while no child is being started, so a start that
 * bypassed the gate could leave a closed socket's events arriving under a reused descriptor.
 */
class ChildProcessesOnlyTest {
  private static final Pattern BUILDER = Pattern.compile("new\\s+ProcessBuilder\\s*\\(");
  private static final Pattern GATED = Pattern.compile("ChildProcesses\\.start\\(\\s*$");
  private static final Pattern OTHER =
      // Runtime.exec (however the Runtime is reached) and ProcessBuilder.startPipeline
      Pattern.compile("\\bexec\\s*\\(|\\bstartPipeline\\s*\\(");

  @Test
  void noMainSourceStartsAProcessAroundTheGate() throws IOException {
    Path root = projectRoot();
    List<String> offenders = new ArrayList<>();
    int gated = 0;
    for (String module : List.of("vrrp-core", "health", "tcp-proxy", "daemon")) {
      Path src = root.resolve(module).resolve("src/main/java");
      assertTrue(Files.isDirectory(src), "no sources at " + src);
      try (Stream<Path> files = Files.walk(src)) {
        for (Path f :
            (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
          String text = Files.readString(f);
          Matcher m = BUILDER.matcher(text);
          while (m.find()) {
            if (GATED.matcher(text.substring(0, m.start())).find()) {
              gated++;
            } else {
              offenders.add(root.relativize(f) + ": a ProcessBuilder started outside the gate");
            }
          }
          Matcher other = OTHER.matcher(text);
          if (other.find()) {
            offenders.add(root.relativize(f) + ": " + other.group());
          }
        }
      }
    }
    assertEquals(List.of(), offenders);
    // exec checks, notify scripts and the demo's two launchers: the scan did find them
    assertEquals(4, gated, "processes started through ChildProcesses");
  }

  private static Path projectRoot() {
    String env = System.getenv("VIPD_PROJECT_ROOT");
    return env != null && !env.isEmpty()
        ? Path.of(env)
        : Path.of(System.getProperty("user.dir")).getParent();
  }
}
