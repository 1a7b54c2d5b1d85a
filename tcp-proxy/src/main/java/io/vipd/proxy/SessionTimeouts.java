package io.vipd.proxy;

/**
 * Which inactivity timeout applies to each side of a session, haproxy style. Pure arithmetic in
 * nanoseconds; 0 means disabled.
 *
 * <ul>
 *   <li>Before both sides have sent data: {@code client} on the client side, {@code server} on the
 *       server side.
 *   <li>Once both have (a tunnel): {@code tunnel} on both sides, if set.
 *   <li>A side the other's FIN was passed on to (its output shut, nothing held up toward it) waits
 *       for its own end under its {@code -fin} timeout, if set: {@code client-fin} for the client,
 *       {@code server-fin} for the server. This is haproxy's half-closed timeout, which replaces
 *       only the read timeout of the side it shuts the output of.
 *   <li>A send to a side that is held up (it stopped reading) keeps the normal timeout, half-closed
 *       or not: haproxy's write timeout never becomes a {@code -fin} one. (Measured beside haproxy
 *       2.6: a client that sent its FIN and stopped reading is cut at {@code timeout client}, not
 *       at {@code client-fin}.)
 *   <li>A side that sent its own FIN, with nothing held up toward it, cannot expire.
 * </ul>
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

  /**
   * The timeout that governs the client side now, or null if it cannot expire.
   *
   * @param inputOpen the client's FIN has not been read
   * @param sendHeld bytes for the client wait for it to read
   * @param finToIt the server's FIN was read, and everything before it sent to the client
   */
  TimeoutKind clientKind(boolean inputOpen, boolean sendHeld, boolean finToIt) {
    return sideKind(inputOpen, sendHeld, finToIt, clientFinNanos, TimeoutKind.CLIENT_FIN, true);
  }

  /** As {@link #clientKind}, for the server side. */
  TimeoutKind serverKind(boolean inputOpen, boolean sendHeld, boolean finToIt) {
    return sideKind(inputOpen, sendHeld, finToIt, serverFinNanos, TimeoutKind.SERVER_FIN, false);
  }

  private TimeoutKind sideKind(
      boolean inputOpen,
      boolean sendHeld,
      boolean finToIt,
      long finNanos,
      TimeoutKind fin,
      boolean client) {
    // haproxy in mode tcp: with no content analyzer, a connection is a tunnel as soon as it is
    // established, so the tunnel timeout (when set) governs it from then on
    TimeoutKind normal =
        tunnelNanos > 0 ? TimeoutKind.TUNNEL : client ? TimeoutKind.CLIENT : TimeoutKind.SERVER;
    if (sendHeld) {
      return normal;
    }
    if (!inputOpen) {
      return null;
    }
    return finToIt && finNanos > 0 ? fin : normal;
  }

  /**
   * The longest a session waits, once one side reset and what it had sent was passed on, for the
   * other side's end (its input read and dropped meanwhile): a half-closed wait, so the longer of
   * client-fin and server-fin; 0 if neither is set (the side's own timeout then applies).
   */
  long afterResetNanos() {
    return Math.max(clientFinNanos, serverFinNanos);
  }

  /**
   * How often a side that cannot expire now is looked at again (a send to it may be held up by
   * then): its normal timeout, the shorter of the two sides'; 0 if neither has one.
   */
  long recheckNanos() {
    if (tunnelNanos > 0) {
      return tunnelNanos;
    }
    if (clientNanos == 0 || serverNanos == 0) {
      return Math.max(clientNanos, serverNanos);
    }
    return Math.min(clientNanos, serverNanos);
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
