package io.vipd.daemon.manifest;

import io.vipd.daemon.config.ConfigLoader;
import io.vipd.daemon.config.ConfigProblem;
import io.vipd.daemon.config.DaemonConfig;
import io.vipd.daemon.config.LoadResult;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * {@code vipd manifest static-pod [--config FILE] [--image IMAGE]}: validates the configuration
 * (refusing an invalid one with status 1, problems on stderr) and prints the static pod to stdout,
 * with a warning on stderr naming the exec checks and notify scripts the container image cannot run
 * (status 0 all the same: the pod is still the right one for the rest of the file).
 */
public final class StaticPodCommand {

  private final PrintStream out;
  private final PrintStream err;

  public StaticPodCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  /**
   * @param config the configuration file
   * @param image the image, or null for {@code vipd:VERSION}
   * @param version this build's version
   * @return 0, or 1 for an invalid configuration
   */
  public int run(String config, String image, String version) {
    LoadResult r = ConfigLoader.load(Path.of(config));
    if (!r.isValid()) {
      for (ConfigProblem p : r.errors()) {
        err.println(p.format());
      }
      err.println("vipd manifest: " + config + " is invalid; no manifest written");
      return 1;
    }
    DaemonConfig c = r.config().orElseThrow();
    out.print(StaticPod.render(c, image == null ? "vipd:" + version : image, version));
    ImageLimits.warning(c, config).ifPresent(err::print);
    return 0;
  }
}
