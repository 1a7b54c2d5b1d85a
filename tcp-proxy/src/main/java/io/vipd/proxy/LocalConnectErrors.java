package io.vipd.proxy;

import io.netty.channel.unix.RelayErrnos;
import java.net.BindException;
import java.util.Set;

/**
 * Connect failures that are this node's, not the server's: no free local port for the server's
 * address (ephemeral ports exhausted), no descriptor, no memory. haproxy reports them as "no free
 * ports" resource errors and does not hold them against the server; vipd does not count them for
 * passive health either, or a node short of ports would mark healthy API servers down.
 */
final class LocalConnectErrors {
  /** Linux errno numbers, the same on x86_64 and aarch64. */
  private static final Set<Integer> LOCAL =
      Set.of(
          11, // EAGAIN: connect(2) on TCP, no free local port
          12, // ENOMEM
          23, // ENFILE
          24, // EMFILE
          98, // EADDRINUSE: no free 4-tuple
          99, // EADDRNOTAVAIL: ephemeral ports exhausted
          105); // ENOBUFS

  private LocalConnectErrors() {}

  /** Whether {@code cause}, a failed connect's, is a shortage of this node's. */
  static boolean isLocal(Throwable cause) {
    // NIO's BindException comes wrapped (Netty annotates it with the address): the whole chain
    for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
      int errno = RelayErrnos.errno(t); // epoll: Netty's native exceptions
      if (errno != 0 ? LOCAL.contains(errno) : t instanceof BindException) {
        return true;
      }
    }
    return false;
  }
}
