package io.vipd.daemon.config;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code proxy} section.
 *
 * @param frontends listeners, in file order
 * @param backends by name, sorted
 * @param maxconn concurrent client connections over all frontends
 * @param drainGrace how long established connections may go on when vipd stops (after the VIP has
 *     been given away); the rest are closed when it ends
 * @param busyPolling haproxy's {@code busy-polling}: the relay's loops poll without ever sleeping
 */
public record ProxyConfig(
    List<FrontendConfig> frontends,
    Map<String, BackendConfig> backends,
    int maxconn,
    Duration drainGrace,
    boolean busyPolling) {

  /** Loops that sleep when idle. */
  public ProxyConfig(
      List<FrontendConfig> frontends,
      Map<String, BackendConfig> backends,
      int maxconn,
      Duration drainGrace) {
    this(frontends, backends, maxconn, drainGrace, false);
  }

  public ProxyConfig {
    Objects.requireNonNull(drainGrace, "drainGrace");
    frontends = List.copyOf(frontends);
    backends = Collections.unmodifiableMap(new LinkedHashMap<>(backends));
  }

  public boolean isEmpty() {
    return frontends.isEmpty() && backends.isEmpty();
  }
}
