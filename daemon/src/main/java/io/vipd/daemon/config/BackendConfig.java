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
 * @param onMarkedUp what a primary server back up does to the backup servers' sessions
 * @param rebalanceRate sessions closed per second at most on servers over their share; 0: never
 * @param allBackups every usable backup shares the load when no primary is up (haproxy {@code
 *     option allbackups}); false: the first usable backup takes it all
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
    Duration slowstart,
    OnMarkedUp onMarkedUp,
    int rebalanceRate,
    boolean allBackups) {
  public BackendConfig {
    servers = List.copyOf(servers);
  }
}
