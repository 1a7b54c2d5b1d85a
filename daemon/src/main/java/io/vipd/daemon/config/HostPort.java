package io.vipd.daemon.config;

/**
 * A {@code host:port} pair as written ({@code 10.0.0.11:6443}, {@code [fd00::1]:6443}, {@code
 * cp1.example:6443}); the host is an IP literal or, where the key allows it, a DNS name resolved by
 * the part that uses it.
 *
 * @param host address literal (without brackets) or DNS name
 * @param port 0..65535
 */
public record HostPort(String host, int port) {

  /** {@code host:port}, bracketing IPv6 literals. */
  @Override
  public String toString() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
