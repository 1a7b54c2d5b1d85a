package io.vipd.daemon.testing;

import java.nio.file.Path;

/**
 * A real {@code vipd run --config FILE}, from the test classpath (no jar needed): what the process
 * tests start, stdout and stderr merged.
 */
public final class VipdProcess {

  private VipdProcess() {}

  /** The command, ready to start (callers may redirect its output or change its environment). */
  public static ProcessBuilder run(Path config) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(
            java,
            "-XX:+UseSerialGC",
            "-Xshare:auto",
            "-cp",
            System.getProperty("java.class.path"),
            "io.vipd.daemon.Main",
            "run",
            "--config",
            config.toString())
        .redirectErrorStream(true);
  }
}
