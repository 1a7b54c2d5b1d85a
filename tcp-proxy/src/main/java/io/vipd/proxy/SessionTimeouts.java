package io.vipd.proxy;

/**
 * Which inactivity timeout applies to each side of a session, haproxy style. Pure arithmetic in
 * nanoseconds; 0 means disabled.
 *
 * <ul>
 *   <li>Before both sides have sent data: {@code client} on the client side, {@code server} on the
 *       server side.
 *   <li>Once both have (a tunnel): {@code tunnel} on both sides, if set.
 *   <li>Once the session is half-closed, whichever side sent the first FIN: {@code client-fin} on
 *       the client side and {@code server-fin} on the server side, each if set (haproxy applies
 *       them once either direction of its side has ended).
 * </ul>
 *
 * A side that sent its own FIN expires only while a send to it is held up (see {@code
 * SessionBase#checkTimeouts}), as in haproxy.
 */
final class SessionTimeouts {
  final long connectNanos;

  /** The longest wait in the backend's queue; 0: no limit. */
  final long queueNanos;

  private final long clientNanos;
  private final long serverNanos;
  private final long tunnelNanos;
  private final long clientFinNanos;
  private final long serverFinNanos;

  SessionTimeouts(ProxyTimeouts t) {
    connectNanos = t.connect().toNanos();
    queueNanos = t.queueOrConnect().toNanos();
    clientNanos = t.client().toNanos();
    serverNanos = t.server().toNanos();
    tunnelNanos = t.tunnel().toNanos();
    clientFinNanos = t.clientFin().toNanos();
    serverFinNanos = t.serverFin().toNanos();
  }

  TimeoutKind clientKind(boolean tunnel, boolean halfClosed) {
    if (halfClosed && clientFinNanos > 0) {
      return TimeoutKind.CLIENT_FIN;
    }
    return tunnel && tunnelNanos > 0 ? TimeoutKind.TUNNEL : TimeoutKind.CLIENT;
  }

  TimeoutKind serverKind(boolean tunnel, boolean halfClosed) {
    if (halfClosed && serverFinNanos > 0) {
      return TimeoutKind.SERVER_FIN;
    }
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
      case SERVER_FIN:
        return serverFinNanos;
      case QUEUE:
        return queueNanos;
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
      case SERVER_FIN:
        return CloseReason.SERVER_FIN_TIMEOUT;
      case QUEUE:
        return CloseReason.QUEUE_TIMEOUT;
      default:
        throw new AssertionError(kind);
    }
  }
}
