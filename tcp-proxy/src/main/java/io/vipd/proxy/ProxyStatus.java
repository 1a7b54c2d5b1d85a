package io.vipd.proxy;

import java.util.List;

/**
 * A snapshot of the whole proxy, as the daemon's status endpoint and metrics read it.
 *
 * @param activeConnections client connections open now over all frontends
 * @param frontends per-frontend counters, in settings order
 * @param servers per-server state, backends and servers in settings order
 */
public record ProxyStatus(
    int activeConnections, List<FrontendStatus> frontends, List<ServerStatus> servers) {

  public ProxyStatus {
    frontends = List.copyOf(frontends);
    servers = List.copyOf(servers);
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
