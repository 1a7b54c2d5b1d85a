package io.vipd.proxy;

/**
 * Which inactivity timeout applies to each side of a session, haproxy style. Pure arithmetic in
 * nanoseconds; 0 means disabled.
 *
 * <ul>
 *   <li>Before both sides have sent data: {@code client} on the client side, {@code server} on the
 *       server side.
 *   <li>Once both have (a tunnel): {@code tunnel} on both sides, if set.
 *   <li>Once the client has half-closed: {@code client-fin} on the client side, if set.
 * </ul>
 */
final class SessionTimeouts {
  final long connectNanos;
  private final long clientNanos;
  private final long serverNanos;
  private final long tunnelNanos;
  private final long clientFinNanos;

  SessionTimeouts(ProxyTimeouts t) {
    connectNanos = t.connect().toNanos();
    clientNanos = t.client().toNanos();
    serverNanos = t.server().toNanos();
    tunnelNanos = t.tunnel().toNanos();
    clientFinNanos = t.clientFin().toNanos();
  }

  TimeoutKind clientKind(boolean tunnel, boolean clientHalfClosed) {
    if (clientHalfClosed && clientFinNanos > 0) {
      return TimeoutKind.CLIENT_FIN;
    }
    return tunnel && tunnelNanos > 0 ? TimeoutKind.TUNNEL : TimeoutKind.CLIENT;
  }

  TimeoutKind serverKind(boolean tunnel) {
    return tunnel && tunnelNanos > 0 ? TimeoutKind.TUNNEL : TimeoutKind.SERVER;
  }

  long nanos(TimeoutKind kind) {
    switch (kind) {
      case CONNECT:
        return connectNanos;
      case CLIENT:
        return clientNanos;
      case SERVER:
        return serverNanos;
      case TUNNEL:
        return tunnelNanos;
      case CLIENT_FIN:
        return clientFinNanos;
      default:
        throw new AssertionError(kind);
    }
  }

  static CloseReason reason(TimeoutKind kind) {
    switch (kind) {
      case CONNECT:
        return CloseReason.CONNECT_TIMEOUT;
      case CLIENT:
        return CloseReason.CLIENT_TIMEOUT;
      case SERVER:
        return CloseReason.SERVER_TIMEOUT;
      case TUNNEL:
        return CloseReason.TUNNEL_TIMEOUT;
      case CLIENT_FIN:
        return CloseReason.CLIENT_FIN_TIMEOUT;
      default:
        throw new AssertionError(kind);
    }
  }
}
