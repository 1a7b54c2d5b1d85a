package io.vipd.daemon.demo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/** What the demo needs from the machine: Linux, root and iproute2's {@code ip}. */
final class Prerequisites {

  private Prerequisites() {}

  /** The first missing prerequisite as a sentence telling the user what to do, if any. */
  static Optional<String> problem() {
    if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
      return Optional.of("the demo needs Linux (network namespaces)");
    }
    if (!onPath("ip")) {
      return Optional.of(
          "the demo needs the ip command (iproute2); install it, e.g. apt-get install iproute2");
    }
    if (!isRoot()) {
      return Optional.of(
          "the demo creates network namespaces and must run as root; try: sudo bin/vipd demo");
    }
    return Optional.empty();
  }

  /** Whether {@code program} is an executable in a PATH directory (or in /usr/sbin, /sbin). */
  static boolean onPath(String program) {
    String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
    for (String dir : (path + ":/usr/sbin:/sbin").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }

  private static boolean isRoot() {
    try {
      return "0".equals(Commands.run("id", "-u").stdout().trim());
    } catch (DemoFailure e) {
      return false;
    }
  }
}
