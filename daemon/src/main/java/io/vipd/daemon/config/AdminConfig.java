package io.vipd.daemon.config;

import java.util.Optional;

/**
 * The admin HTTP endpoint ({@code /metrics}, {@code /status}, {@code /healthz}).
 *
 * @param enabled whether it listens at all
 * @param bind address and port; port 0 picks a free one
 * @param token bearer token required by every request when set; printed as {@code <redacted>}
 * @param statsSocket haproxy's runtime API on a Unix socket, served whether or not the HTTP
 *     endpoint is enabled
 */
public record AdminConfig(
    boolean enabled, HostPort bind, Optional<Secret> token, StatsSocketConfig statsSocket) {

  /** Without a stats socket. */
  public AdminConfig(boolean enabled, HostPort bind, Optional<Secret> token) {
    this(enabled, bind, token, StatsSocketConfig.off());
  }
}
