package io.vipd.proxy;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Everything the proxy serves: immutable, validated on construction (names unique, every frontend
 * names an existing backend). The daemon maps its own config records into this.
 *
 * @param frontends listening addresses
 * @param backends server pools
 * @param maxConnections concurrent client connections over all frontends (haproxy global {@code
 *     maxconn}); 0 means no global limit
 */
public record ProxySettings(
    List<FrontendSettings> frontends, List<BackendSettings> backends, int maxConnections) {

  public ProxySettings {
    frontends = List.copyOf(frontends);
    backends = List.copyOf(backends);
    if (maxConnections < 0) {
      throw new IllegalArgumentException("negative maxConnections " + maxConnections);
    }
    Set<String> backendNames = new HashSet<>();
    for (BackendSettings b : backends) {
      if (!backendNames.add(b.name())) {
        throw new IllegalArgumentException("duplicate backend " + b.name());
      }
    }
    Set<String> frontendNames = new HashSet<>();
    for (FrontendSettings f : frontends) {
      if (!frontendNames.add(f.name())) {
        throw new IllegalArgumentException("duplicate frontend " + f.name());
      }
      if (!backendNames.contains(f.backend())) {
        throw new IllegalArgumentException(
            "frontend " + f.name() + " uses unknown backend " + f.backend());
      }
    }
  }

  /** The backend called {@code name}, if any. */
  public BackendSettings backend(String name) {
    for (BackendSettings b : backends) {
      if (b.name().equals(name)) {
        return b;
      }
    }
    throw new IllegalArgumentException("no backend " + name);
  }
}
