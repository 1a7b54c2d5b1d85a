package io.vipd.daemon.config;

/**
 * One backend server.
 *
 * @param name unique within its backend, shown in status and metrics
 * @param address {@code host:port}; the host may be a DNS name
 * @param weight 0..256; 0 takes no new connections
 * @param backup only used while no non-backup server is up
 * @param maxconn concurrent connections to this server; 0 for no limit
 */
public record ServerConfig(
    String name, HostPort address, int weight, boolean backup, int maxconn) {}
