package io.vipd.proxy;

import java.net.InetSocketAddress;

/**
 * Observer of everything the proxy does, for metrics, logs and passive health. Methods are called
 * on Netty event loops, concurrently from several of them: implementations must be thread-safe,
 * fast and must not block. Every method has an empty default.
 *
 * <p>Passive health seam: {@link #onConnectFailed} and {@link #onServerConnected} report each
 * connect attempt's outcome per server; a health tracker (fall/rise) fed from them decides and
 * calls {@link ProxyServer#setServerUp} back. The proxy does not mark servers down by itself.
 */
public interface ProxyEvents {

  /** Does nothing. */
  ProxyEvents NOOP = new ProxyEvents() {};

  /** A client connection was accepted and will be proxied. */
  default void onConnectionAccepted(String frontend, InetSocketAddress client) {}

  /** A client connection was closed at once because a frontend or the global maxconn was hit. */
  default void onConnectionRefused(String frontend, InetSocketAddress client) {}

  /** A connect attempt to a server succeeded after {@code connectNanos}. */
  default void onServerConnected(String backend, String server, long connectNanos) {}

  /**
   * A connect attempt to a server failed ({@code timedOut} if {@code timeout connect} fired); the
   * session may still be redispatched to another server.
   */
  default void onConnectFailed(String backend, String server, boolean timedOut, Throwable cause) {}

  /** A timeout closed (or failed the connect of) a session. */
  default void onTimeout(String frontend, TimeoutKind kind) {}

  /**
   * A session ended. {@code server} is null if no server was ever connected.
   *
   * @param bytesIn bytes received from the client and forwarded to the server
   * @param bytesOut bytes received from the server and forwarded to the client
   * @param durationNanos from accept to the close of both connections
   */
  default void onConnectionClosed(
      String frontend,
      String server,
      CloseReason reason,
      long bytesIn,
      long bytesOut,
      long durationNanos) {}

  /**
   * A session ended, with the details of a connection log line; called right after {@link
   * #onConnectionClosed} for the same session, and only if {@link #wantsClosedSessions} (read once,
   * when the proxy starts).
   */
  default void onSessionClosed(ClosedSession session) {}

  /**
   * True to receive {@link #onSessionClosed}: a connection log. Gathering the details costs every
   * connection some work (a wall-clock read, counters summed over the backend), so an observer that
   * does not log connections leaves this false.
   */
  default boolean wantsClosedSessions() {
    return false;
  }
}
