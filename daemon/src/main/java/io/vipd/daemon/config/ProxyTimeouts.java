package io.vipd.daemon.config;

import java.time.Duration;

/**
 * Proxy timeouts, haproxy's names and meanings; all positive except {@code tunnel}, {@code
 * clientFin}, {@code serverFin} and {@code queue}, where zero means not set.
 *
 * @param connect to establish the connection to a server
 * @param client client inactivity before the server side is connected
 * @param server server inactivity before the tunnel is established
 * @param tunnel inactivity of an established connection (both directions); kube watches are long
 * @param clientFin client-side inactivity once the connection is half-closed (either side's FIN)
 * @param serverFin server-side inactivity once the connection is half-closed; zero: not set
 * @param queue the longest wait for a server slot in the backend's queue; zero: {@code connect}
 */
public record ProxyTimeouts(
    Duration connect,
    Duration client,
    Duration server,
    Duration tunnel,
    Duration clientFin,
    Duration serverFin,
    Duration queue) {}
