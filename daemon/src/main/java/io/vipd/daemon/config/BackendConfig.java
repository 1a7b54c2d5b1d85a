package io.vipd.daemon.config;

import java.time.Duration;
import java.util.List;

/**
 * One {@code proxy.backends.<name>} entry.
 *
 * @param name the key under {@code backends}
 * @param balance algorithm
 * @param servers at least one, names unique
 * @param check active check
 * @param timeouts timeouts
 * @param retries connect attempts after the first one fails (haproxy {@code retries})
 * @param redispatch retries may go to another server (haproxy {@code option redispatch})
 * @param onMarkedDown what happens to connections of a server marked down
 * @param passive what failed connects do to a server's health
 * @param slowstart how long a server back up takes to reach its full weight; zero: at once
 */
public record BackendConfig(
    String name,
    Balance balance,
    List<ServerConfig> servers,
    BackendCheckConfig check,
    ProxyTimeouts timeouts,
    int retries,
    boolean redispatch,
    OnMarkedDown onMarkedDown,
    PassiveHealth passive,
    Duration slowstart) {
  public BackendConfig {
    servers = List.copyOf(servers);
  }
}
