package io.vipd.daemon.config;

/**
 * One {@code proxy.frontends[]} element.
 *
 * @param name unique, shown in status and metrics
 * @param bind listening address, an IP literal ({@code 0.0.0.0}, {@code ::}) and port
 * @param backend name of a backend under {@code proxy.backends}
 * @param maxconn concurrent connections on this frontend; 0 means only the global limit
 */
public record FrontendConfig(String name, HostPort bind, String backend, int maxconn) {}
