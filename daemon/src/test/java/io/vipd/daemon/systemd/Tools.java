package io.vipd.daemon.systemd;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Running host tools from tests: output capture, and "skip locally, fail in CI" when absent. */
public final class Tools {

  private Tools() {}

  /** Exit status and combined output of a finished command. */
  public record Result(int status, String output) {}

  /** Skips (CI unset) or fails (CI=true) unless {@code tool} is on PATH. */
  public static void require(String tool) throws Exception {
    boolean present = run(List.of("sh", "-c", "command -v " + tool), Map.of(), 30).status() == 0;
    if (!present) {
      missing(tool + " is not installed (install it, see .ci/run)");
    }
  }

  /**
   * The one policy for a missing capability: fails the test when CI=true (CI must run every test),
   * skips it with {@code why} otherwise.
   */
  public static void missing(String why) {
    if ("true".equals(System.getenv("CI"))) {
      fail(why + " (CI=true: not skipping)");
    }
    Assumptions.abort(why + "; skipped outside CI");
  }

  /** Runs {@code command} with extra environment, waiting at most {@code seconds}. */
  public static Result run(List<String> command, Map<String, String> env, int seconds)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().putAll(env);
    Path log = java.nio.file.Files.createTempFile("vipd-tool", ".log");
    pb.redirectOutput(log.toFile());
    Process p = pb.start();
    try {
      if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
        fail("timed out after " + seconds + " s: " + command);
      }
      return new Result(p.exitValue(), java.nio.file.Files.readString(log, StandardCharsets.UTF_8));
    } finally {
      p.destroyForcibly();
      java.nio.file.Files.deleteIfExists(log);
    }
  }
}
