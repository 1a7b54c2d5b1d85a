package io.vipd.daemon.manifest;

import io.vipd.daemon.config.CheckConfig;
import io.vipd.daemon.config.CheckType;
import io.vipd.daemon.config.DaemonConfig;
import io.vipd.daemon.config.NotifyConfig;
import io.vipd.daemon.config.VrrpInstanceConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The parts of a configuration that run other programs, which the vipd container image cannot
 * provide: it holds a Java runtime and the jar, with no {@code /bin/sh} and no tools (see {@code
 * deploy/image/build.sh}). {@code type = exec} checks, {@code shell = true} and notify scripts
 * therefore fail in the static pod, where under systemd they would work. Stateless.
 */
final class ImageLimits {

  private ImageLimits() {}

  /**
   * One line per exec check (by name) and per notify script (by instance, in order) of {@code
   * config}, each naming its key and program; empty when the configuration runs no program.
   */
  static List<String> programs(DaemonConfig config) {
    List<String> out = new ArrayList<>();
    for (CheckConfig c : config.checks().values()) {
      if (c.type() != CheckType.EXEC) {
        continue;
      }
      String line = "checks." + c.name() + ": type = exec, command = " + hocon(c.command());
      if (c.shell()) {
        line += ", shell = true (needs /bin/sh)";
      }
      out.add(line);
    }
    List<VrrpInstanceConfig> instances = config.vrrp().instances();
    for (int i = 0; i < instances.size(); i++) {
      VrrpInstanceConfig instance = instances.get(i);
      NotifyConfig n = instance.notifyScripts();
      String key = "vrrp.instances[" + i + "] (" + instance.name() + ") notify.";
      script(out, key + "master", n.master());
      script(out, key + "backup", n.backup());
      script(out, key + "fault", n.fault());
      script(out, key + "stop", n.stop());
      script(out, key + "any", n.any());
    }
    return out;
  }

  /** A command as it is written in the file: {@code ["/etc/vipd/check.sh", "arg"]}. */
  private static String hocon(List<String> command) {
    StringBuilder b = new StringBuilder("[");
    for (String word : command) {
      b.append(b.length() > 1 ? ", " : "").append('"').append(word).append('"');
    }
    return b.append(']').toString();
  }

  private static void script(List<String> out, String key, Optional<String> script) {
    script.ifPresent(s -> out.add(key + " = \"" + s + "\""));
  }

  /**
   * The warning {@code vipd manifest static-pod} prints on stderr, or empty when {@link #programs}
   * finds nothing.
   *
   * @param file the configuration file, as the user named it
   */
  static Optional<String> warning(DaemonConfig config, String file) {
    List<String> programs = programs(config);
    if (programs.isEmpty()) {
      return Optional.empty();
    }
    StringBuilder b = new StringBuilder();
    b.append("vipd manifest: warning: the vipd container image has no /bin/sh and no tools")
        .append(" (only Java and vipd),\nso these programs of ")
        .append(file)
        .append(" cannot run in the static pod:\n");
    for (String p : programs) {
      b.append("  ").append(p).append('\n');
    }
    b.append("In the static pod each exec check fails (lowering the priority of, or faulting,")
        .append(" the instances\n")
        .append("that track it) and each notify script fails to start, unless its program is a")
        .append(" statically\n")
        .append("linked binary mounted from the host; shell = true never works. Run vipd from")
        .append(" systemd\n")
        .append("(systemd/vipd.service) to keep them, or use the built-in https, http, tcp, tls")
        .append(" and file checks.\n");
    return Optional.of(b.toString());
  }
}
