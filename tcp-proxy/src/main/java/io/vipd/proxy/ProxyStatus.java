package io.vipd.proxy;

import java.util.List;
import java.util.Map;

/**
 * A snapshot of the whole proxy, as the daemon's status endpoint and metrics read it.
 *
 * @param activeConnections client connections open now over all frontends
 * @param frontends per-frontend counters, in settings order
 * @param servers per-server state, backends and servers in settings order
 * @param queued connections waiting per backend
 * @param maxconn the global connection limit in effect (configured, or set at runtime)
 */
public record ProxyStatus(
    int activeConnections,
    List<FrontendStatus> frontends,
    List<ServerStatus> servers,
    Map<String, Integer> queued,
    int maxconn) {

  public ProxyStatus {
    frontends = List.copyOf(frontends);
    servers = List.copyOf(servers);
    queued = Map.copyOf(queued);
  }

  /** With no connection waiting in any backend's queue, and no global limit. */
  public ProxyStatus(
      int activeConnections, List<FrontendStatus> frontends, List<ServerStatus> servers) {
    this(activeConnections, frontends, servers, Map.of(), 0);
  }

  /**
   * Connections waiting in backend {@code backend}'s queue for a server slot (haproxy's qcur), 0 if
   * none or no such backend.
   */
  public int queued(String backend) {
    return queued.getOrDefault(backend, 0);
  }

  /** The frontend called {@code name}. */
  public FrontendStatus frontend(String name) {
    return frontends.stream()
        .filter(f -> f.frontend().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no frontend " + name));
  }

  /** The server {@code server} of backend {@code backend}. */
  public ServerStatus server(String backend, String server) {
    return servers.stream()
        .filter(s -> s.backend().equals(backend) && s.server().equals(server))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no server " + backend + "/" + server));
  }
}
