package io.vipd.daemon.config;

import java.time.Duration;

/**
 * Proxy timeouts, haproxy's names and meanings; all positive.
 *
 * @param connect to establish the connection to a server
 * @param client client inactivity before the server side is connected
 * @param server server inactivity before the tunnel is established
 * @param tunnel inactivity of an established connection (both directions); kube watches are long
 * @param clientFin inactivity after the client half-closed
 */
public record ProxyTimeouts(
    Duration connect, Duration client, Duration server, Duration tunnel, Duration clientFin) {}
