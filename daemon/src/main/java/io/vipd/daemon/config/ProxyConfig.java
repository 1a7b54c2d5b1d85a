package io.vipd.daemon.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code proxy} section.
 *
 * @param frontends listeners, in file order
 * @param backends by name, sorted
 * @param maxconn concurrent client connections over all frontends
 */
public record ProxyConfig(
    List<FrontendConfig> frontends, Map<String, BackendConfig> backends, int maxconn) {
  public ProxyConfig {
    frontends = List.copyOf(frontends);
    backends = Collections.unmodifiableMap(new LinkedHashMap<>(backends));
  }

  public boolean isEmpty() {
    return frontends.isEmpty() && backends.isEmpty();
  }
}
