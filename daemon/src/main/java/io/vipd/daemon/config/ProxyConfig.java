package io.vipd.daemon.config;

import io.vipd.proxy.ProxyOptions;
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
 * @param pollWindow the longest the relay's loops poll before they sleep, while events come within
 *     it; zero: they sleep at once
 * @param coalesceWindow how long a relay loop whose waits find several sockets ready sleeps on a
 *     timer of its own, letting their events gather, before it takes them in one poll; zero: it
 *     sleeps in epoll_wait until the first event
 */
public record ProxyConfig(
    List<FrontendConfig> frontends,
    Map<String, BackendConfig> backends,
    int maxconn,
    Duration drainGrace,
    boolean busyPolling,
    Duration pollWindow,
    Duration coalesceWindow) {

  /** Loops that wait as by default (no busy polling, no poll window, the default coalescing). */
  public ProxyConfig(
      List<FrontendConfig> frontends,
      Map<String, BackendConfig> backends,
      int maxconn,
      Duration drainGrace) {
    this(
        frontends,
        backends,
        maxconn,
        drainGrace,
        false,
        Duration.ofNanos(ProxyOptions.DEFAULT_POLL_WINDOW_NANOS),
        Duration.ofNanos(ProxyOptions.DEFAULT_COALESCE_WINDOW_NANOS));
  }

  public ProxyConfig {
    Objects.requireNonNull(drainGrace, "drainGrace");
    Objects.requireNonNull(pollWindow, "pollWindow");
    Objects.requireNonNull(coalesceWindow, "coalesceWindow");
    frontends = List.copyOf(frontends);
    backends = Collections.unmodifiableMap(new LinkedHashMap<>(backends));
  }

  public boolean isEmpty() {
    return frontends.isEmpty() && backends.isEmpty();
  }
}
