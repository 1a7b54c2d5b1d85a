package io.vipd.proxy;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * A listening address and the backend its connections go to.
 *
 * @param name unique among frontends; the key of its stats
 * @param bind IPv4 or IPv6 address and port to listen on; the wildcard address is allowed
 * @param backend name of a {@link BackendSettings}
 * @param maxConnections concurrent connections accepted by this frontend; excess connections are
 *     accepted and closed at once, and counted as refused; 0 means no per-frontend limit
 * @param freebind bind even if the address is not (yet) configured on the node, with {@code
 *     IP_FREEBIND} (the VIP arrives when VRRP makes this node master); epoll transport only
 */
public record FrontendSettings(
    String name, InetSocketAddress bind, String backend, int maxConnections, boolean freebind) {

  public FrontendSettings {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(bind, "bind");
    Objects.requireNonNull(backend, "backend");
    if (bind.isUnresolved()) {
      throw new IllegalArgumentException("frontend " + name + ": unresolved address " + bind);
    }
    if (maxConnections < 0) {
      throw new IllegalArgumentException("frontend " + name + ": negative maxConnections");
    }
  }

  /** A frontend without its own connection limit, binding with {@code IP_FREEBIND}. */
  public static FrontendSettings of(String name, InetSocketAddress bind, String backend) {
    return new FrontendSettings(name, bind, backend, 0, true);
  }
}
