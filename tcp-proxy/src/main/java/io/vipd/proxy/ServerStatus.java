package io.vipd.proxy;

/**
 * A snapshot of one server's state and counters.
 *
 * @param backend backend name
 * @param server server name
 * @param up as last set through {@link ProxyServer#setServerUp} (servers start up)
 * @param backup whether it is a backup server
 * @param activeConnections connections open or being opened now
 * @param connections established connections since start
 * @param connectFailures failed connect attempts since start (refused, unreachable, timeout)
 * @param bytesIn bytes forwarded from clients to this server
 * @param bytesOut bytes forwarded from this server to clients
 * @param adminState the operator state ({@link ServerAdminState#READY} unless set at runtime)
 * @param weight the weight for new connections (configured, or as set at runtime)
 * @param throttle the percentage of {@code weight} in effect: below 100 during a slow start
 *     (haproxy's {@code throttle})
 * @param maxconn the most connections it may have (configured, or as set at runtime), 0 for no
 *     limit; during a slow start the limit in effect is {@code throttle} percent of it
 */
public record ServerStatus(
    String backend,
    String server,
    boolean up,
    boolean backup,
    int activeConnections,
    long connections,
    long connectFailures,
    long bytesIn,
    long bytesOut,
    ServerAdminState adminState,
    int weight,
    int throttle,
    int maxconn) {}
