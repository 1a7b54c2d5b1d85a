package io.vipd.vrrp.linux;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Guards tests that need root, iproute2 and network namespaces: when something is missing they fail
 * under {@code CI=true} and are skipped (with the reason) otherwise.
 */
public final class NetnsRequirement {

  private NetnsRequirement() {}

  /** Fails (CI) or aborts (not CI) the calling test unless network namespaces can be made. */
  public static void require() {
    String missing = missing();
    if (missing == null) {
      return;
    }
    String message = "network-namespace test needs " + missing;
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      Assertions.fail(message + " (CI=true: not skipping)");
    }
    Assumptions.abort(message + " (skipped because CI is not set)");
  }

  /** Like {@link #require()}, and also the given programs on the PATH. */
  public static void require(String... programs) {
    require();
    for (String program : programs) {
      if (!onPath(program)) {
        String message = "network-namespace test needs " + program + " on the PATH";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
          Assertions.fail(message + " (CI=true: not skipping)");
        }
        Assumptions.abort(message + " (skipped because CI is not set)");
      }
    }
  }

  private static String missing() {
    if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
      return "Linux";
    }
    if (!onPath("ip")) {
      return "iproute2 (ip)";
    }
    if (!isRoot()) {
      return "root (CAP_NET_ADMIN, CAP_NET_RAW, CAP_SYS_ADMIN)";
    }
    return null;
  }

  private static boolean isRoot() {
    try {
      Process p = new ProcessBuilder("id", "-u").redirectErrorStream(true).start();
      String out =
          new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII)
              .trim();
      return p.waitFor(5, TimeUnit.SECONDS) && "0".equals(out);
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  static boolean onPath(String program) {
    String path = System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
    for (String dir : (path + ":/usr/sbin:/sbin").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }
}
