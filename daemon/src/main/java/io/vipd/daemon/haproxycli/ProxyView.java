package io.vipd.daemon.haproxycli;

import io.vipd.daemon.config.ProxyConfig;
import io.vipd.daemon.proxy.ProxyService;
import java.util.Optional;

/**
 * What the stats socket reads and changes: the proxy configuration that runs now and its service
 * (empty when the file has no proxy).
 */
public record ProxyView(ProxyConfig config, Optional<ProxyService> service) {}
