package io.vipd.daemon.systemd;

import io.vipd.daemon.config.DaemonConfig;
import io.vipd.daemon.config.FrontendConfig;
import io.vipd.daemon.config.HostPort;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Before start: does this process hold the Linux capabilities its configuration needs? Reads the
 * effective set ({@code CapEff} of {@code /proc/self/status}), which is what the kernel checks, so
 * root without {@code CAP_NET_RAW} (a container that dropped it) is caught as well as a plain user.
 *
 * <ul>
 *   <li>VRRP instances: {@code CAP_NET_RAW} (raw IP and packet sockets) and {@code CAP_NET_ADMIN}
 *       (adding and removing the virtual IPs over netlink).
 *   <li>A frontend or the admin endpoint on a port below {@code
 *       net.ipv4.ip_unprivileged_port_start}: {@code CAP_NET_BIND_SERVICE}.
 * </ul>
 *
 * <p>Stateless; the inputs are passed in so the rules are testable with any status text.
 */
public final class CapabilityCheck {

  static final int CAP_NET_BIND_SERVICE = 10;
  static final int CAP_NET_ADMIN = 12;
  static final int CAP_NET_RAW = 13;

  private static final String GRANT =
      "run as root or grant it (systemd: AmbientCapabilities=CAP_NET_ADMIN CAP_NET_RAW"
          + " CAP_NET_BIND_SERVICE; Kubernetes: securityContext.capabilities.add)";

  private CapabilityCheck() {}

  /**
   * The problems for this process, one line each (empty: all needed capabilities are held, or the
   * effective set cannot be read, in which case the kernel's own errors will speak).
   */
  public static List<String> missing(DaemonConfig config) {
    String status;
    try {
      status = Files.readString(Path.of("/proc/self/status"));
    } catch (IOException e) {
      return List.of();
    }
    return missing(config, status, unprivilegedPortStart());
  }

  /**
   * The problems for a process with {@code procStatus} as its {@code /proc/PID/status}.
   *
   * @param unprivilegedPortStart the lowest port any process may bind
   * @return lines like {@code vipd: missing capability CAP_NET_RAW (needed for VRRP raw sockets);
   *     run as root or grant it (...)}, in capability order
   */
  static List<String> missing(DaemonConfig config, String procStatus, int unprivilegedPortStart) {
    OptionalLong effective = effectiveSet(procStatus);
    if (effective.isEmpty()) {
      return List.of();
    }
    Map<Integer, String> needs = new LinkedHashMap<>();
    if (!config.vrrp().instances().isEmpty()) {
      needs.put(CAP_NET_RAW, "CAP_NET_RAW (needed for VRRP raw sockets)");
      needs.put(CAP_NET_ADMIN, "CAP_NET_ADMIN (needed to add and remove the virtual IPs)");
    }
    List<HostPort> binds = new ArrayList<>();
    for (FrontendConfig f : config.proxy().frontends()) {
      binds.add(f.bind());
    }
    if (config.admin().enabled()) {
      binds.add(config.admin().bind());
    }
    for (HostPort b : binds) {
      if (b.port() > 0 && b.port() < unprivilegedPortStart) {
        needs.putIfAbsent(
            CAP_NET_BIND_SERVICE,
            "CAP_NET_BIND_SERVICE (needed to listen on port " + b.port() + ")");
      }
    }
    List<String> problems = new ArrayList<>();
    for (int cap : new int[] {CAP_NET_RAW, CAP_NET_ADMIN, CAP_NET_BIND_SERVICE}) {
      if (needs.containsKey(cap) && (effective.getAsLong() & (1L << cap)) == 0) {
        problems.add("vipd: missing capability " + needs.get(cap) + "; " + GRANT);
      }
    }
    return problems;
  }

  /** The {@code CapEff:} hex mask, empty when absent or unreadable. */
  static OptionalLong effectiveSet(String procStatus) {
    for (String line : procStatus.split("\n", -1)) {
      if (line.startsWith("CapEff:")) {
        try {
          return OptionalLong.of(Long.parseUnsignedLong(line.substring(7).trim(), 16));
        } catch (NumberFormatException e) {
          return OptionalLong.empty();
        }
      }
    }
    return OptionalLong.empty();
  }

  static int unprivilegedPortStart() {
    // Read by lines: Files.readString returns only the first byte of a /proc/sys file (its size
    // reads as 0), which made this 1 on a default kernel (1024).
    try (BufferedReader r =
        Files.newBufferedReader(Path.of("/proc/sys/net/ipv4/ip_unprivileged_port_start"))) {
      String line = r.readLine();
      return line == null ? 1024 : Integer.parseInt(line.trim());
    } catch (IOException | NumberFormatException e) {
      return 1024;
    }
  }
}
