package io.vipd.proxy;

/** Why a proxied session ended; one counter per value per frontend. */
public enum CloseReason {
  /** The client finished (FIN or close) first and the server followed. */
  CLIENT_CLOSED,
  /** The server finished first (including a server dying mid-stream with FIN). */
  SERVER_CLOSED,
  /** The client connection failed (reset, I/O error). */
  CLIENT_ERROR,
  /** The server connection failed after it was established (reset, I/O error). */
  SERVER_ERROR,
  /** No eligible server: every server of the backend (and its backups) is down. */
  NO_SERVER,
  /**
   * The connection waited in its backend's queue ({@code timeout queue}) and no server slot freed
   * up: every usable server stayed at its maxconn.
   */
  QUEUE_TIMEOUT,
  /** Every connect attempt failed (refused, unreachable), retries included. */
  CONNECT_FAILED,
  /** The last connect attempt timed out ({@code timeout connect}). */
  CONNECT_TIMEOUT,
  /** {@code timeout client} expired. */
  CLIENT_TIMEOUT,
  /** {@code timeout server} expired. */
  SERVER_TIMEOUT,
  /** {@code timeout tunnel} expired. */
  TUNNEL_TIMEOUT,
  /** {@code timeout client-fin} expired once the session was half-closed. */
  CLIENT_FIN_TIMEOUT,
  /** {@code timeout server-fin} expired once the session was half-closed. */
  SERVER_FIN_TIMEOUT,
  /** The server was marked down and its backend has {@link OnMarkedDown#SHUTDOWN_SESSIONS}. */
  SERVER_MARKED_DOWN,
  /**
   * A session of a backup server, closed when a primary came back up ({@link
   * OnMarkedUp#SHUTDOWN_BACKUP_SESSIONS}).
   */
  PRIMARY_BACK_UP,
  /**
   * Closed to rebalance: its server held more than its share of the backend's sessions ({@code
   * rebalance-rate}); the client reconnects to a less loaded server.
   */
  REBALANCED,
  /** An operator closed the server's sessions (haproxy {@code shutdown sessions server}). */
  SHUT_DOWN_BY_OPERATOR,
  /** The proxy stopped and the grace period ran out. */
  PROXY_STOPPED;

  /** The timeout behind this reason, or {@code null} if it is not a timeout. */
  public TimeoutKind timeout() {
    switch (this) {
      case CONNECT_TIMEOUT:
        return TimeoutKind.CONNECT;
      case CLIENT_TIMEOUT:
        return TimeoutKind.CLIENT;
      case SERVER_TIMEOUT:
        return TimeoutKind.SERVER;
      case TUNNEL_TIMEOUT:
        return TimeoutKind.TUNNEL;
      case CLIENT_FIN_TIMEOUT:
        return TimeoutKind.CLIENT_FIN;
      case SERVER_FIN_TIMEOUT:
        return TimeoutKind.SERVER_FIN;
      case QUEUE_TIMEOUT:
        return TimeoutKind.QUEUE;
      default:
        return null;
    }
  }
}
