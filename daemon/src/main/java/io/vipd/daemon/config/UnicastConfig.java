package io.vipd.daemon.config;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/**
 * Unicast VRRP (keepalived's {@code unicast_src_ip} / {@code unicast_peer}): adverts go to each
 * peer instead of the multicast group.
 *
 * @param source source address of adverts; empty means the interface's primary address
 * @param peers the other routers, same family as the instance's VIPs; never empty
 */
public record UnicastConfig(Optional<InetAddress> source, List<InetAddress> peers) {
  public UnicastConfig {
    peers = List.copyOf(peers);
  }
}
