package io.vipd.proxy;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * One server of a backend.
 *
 * @param name unique within its backend; the key for health updates, stats and source hashing
 * @param address where to connect; must be resolved
 * @param weight relative share of connections, 0..256 as in haproxy; 0 receives no traffic
 * @param backup used only when no primary (non-backup) server is up
 * @param maxconn connections open or being opened to this server at most, 0 for no limit; a server
 *     at its limit takes no new connection (the balancer picks another; when none has room, the
 *     connection waits in the backend's queue, as in haproxy)
 */
public record ServerSettings(
    String name, InetSocketAddress address, int weight, boolean backup, int maxconn) {

  /** A server without a connection limit. */
  public ServerSettings(String name, InetSocketAddress address, int weight, boolean backup) {
    this(name, address, weight, backup, 0);
  }

  public ServerSettings {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(address, "address");
    if (address.isUnresolved()) {
      throw new IllegalArgumentException("server " + name + ": unresolved address " + address);
    }
    if (weight < 0 || weight > 256) {
      throw new IllegalArgumentException("server " + name + ": weight out of 0..256: " + weight);
    }
    if (maxconn < 0) {
      throw new IllegalArgumentException("server " + name + ": negative maxconn " + maxconn);
    }
  }

  /** A primary server of weight 1. */
  public static ServerSettings of(String name, InetSocketAddress address) {
    return new ServerSettings(name, address, 1, false);
  }
}
