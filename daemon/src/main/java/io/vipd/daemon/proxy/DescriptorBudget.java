package io.vipd.daemon.proxy;

import io.vipd.daemon.config.FrontendConfig;
import io.vipd.daemon.config.ProxyConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Whether the process may open the descriptors its connection limit needs: two per proxied
 * connection (client and server) and a reserve for the rest (listeners, checks, VRRP, admin).
 * haproxy works this out and raises its limit; the JVM raises its soft limit to the hard one at
 * start, so what is left is to say so when even that is short: past it, connections would fail on
 * accept or connect, and checks with them, long before maxconn. Pure but for {@link
 * #openFileLimit}.
 */
final class DescriptorBudget {
  /** Descriptors kept for what is not a proxied connection. */
  static final int RESERVE = 256;

  private DescriptorBudget() {}

  /** The most connections {@code config} admits at once, or empty if it sets no bound. */
  static OptionalLong connections(ProxyConfig config) {
    if (config.frontends().isEmpty()) {
      return OptionalLong.of(0);
    }
    if (config.maxconn() > 0) {
      return OptionalLong.of(config.maxconn());
    }
    long sum = 0;
    for (FrontendConfig f : config.frontends()) {
      if (f.maxconn() <= 0) {
        return OptionalLong.empty();
      }
      sum += f.maxconn();
    }
    return OptionalLong.of(sum);
  }

  /** The warning to log when {@code limit} descriptors cannot serve {@code config}, if any. */
  static Optional<String> warning(ProxyConfig config, long limit) {
    OptionalLong conns = connections(config);
    if (conns.isEmpty() || conns.getAsLong() == 0) {
      return Optional.empty();
    }
    long needed = 2 * conns.getAsLong() + RESERVE;
    if (needed <= limit) {
      return Optional.empty();
    }
    return Optional.of(
        "maxconn "
            + conns.getAsLong()
            + " needs about "
            + needed
            + " file descriptors (two per connection, "
            + RESERVE
            + " for the rest), but this process may open "
            + limit
            + ": beyond about "
            + Math.max(0, (limit - RESERVE) / 2)
            + " connections, accepts, connects and checks fail; raise LimitNOFILE (systemd) or"
            + " the container's nofile limit, or lower maxconn");
  }

  /** The process's limit on open files (its soft limit), if it can be read. */
  static OptionalLong openFileLimit() {
    try {
      List<String> lines = Files.readAllLines(Path.of("/proc/self/limits"));
      for (String line : lines) {
        if (line.startsWith("Max open files")) {
          String[] f = line.substring("Max open files".length()).trim().split("\\s+");
          return f[0].equals("unlimited")
              ? OptionalLong.of(Long.MAX_VALUE)
              : OptionalLong.of(Long.parseLong(f[0]));
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or no /proc: nothing to say
    }
    return OptionalLong.empty();
  }

  /** Logs the warning for {@code config} against this process's limit, if there is one. */
  static void warnIfShort(ProxyConfig config, org.slf4j.Logger log) {
    OptionalLong limit = openFileLimit();
    if (limit.isPresent()) {
      warning(config, limit.getAsLong()).ifPresent(log::warn);
    }
  }
}
