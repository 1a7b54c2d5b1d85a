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
 */
public record ServerSettings(String name, InetSocketAddress address, int weight, boolean backup) {

  public ServerSettings {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(address, "address");
    if (address.isUnresolved()) {
      throw new IllegalArgumentException("server " + name + ": unresolved address " + address);
    }
    if (weight < 0 || weight > 256) {
      throw new IllegalArgumentException("server " + name + ": weight out of 0..256: " + weight);
    }
  }

  /** A primary server of weight 1. */
  public static ServerSettings of(String name, InetSocketAddress address) {
    return new ServerSettings(name, address, 1, false);
  }
}
