package io.vipd.daemon.proxy;

import io.vipd.proxy.CloseReason;
import io.vipd.proxy.ClosedSession;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Formats a finished session as haproxy's {@code option tcplog} line:
 *
 * <pre>
 * client_ip:port [accept_date] frontend backend/server Tw/Tc/Tt bytes_read termination_state
 *     actconn/feconn/beconn/srv_conn/retries srv_queue/backend_queue
 * </pre>
 *
 * Times are whole milliseconds; {@code Tw} is the time spent in the backend's queue waiting for a
 * server slot (every usable server at its maxconn) and {@code backend_queue} how many waited there
 * as the session ended; {@code srv_queue} is always 0 (vipd queues per backend only); {@code Tc} is
 * -1 and the server {@code <NOSRV>} when no server was reached, as in haproxy. Only addresses,
 * names, counts and times are printed: nothing a client sent. Stateless and thread-safe.
 */
public final class TcpLogLine {

  private static final DateTimeFormatter ACCEPT_DATE =
      DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss.SSS", Locale.ROOT);

  private TcpLogLine() {}

  /** The line for {@code s}, the accept date in {@code zone} (haproxy logs local time). */
  public static String format(ClosedSession s, ZoneId zone) {
    StringBuilder sb = new StringBuilder(160);
    appendClient(sb, s.client());
    sb.append(" [")
        .append(ACCEPT_DATE.format(Instant.ofEpochMilli(s.acceptedEpochMillis()).atZone(zone)))
        .append("] ")
        .append(s.frontend())
        .append(' ')
        .append(s.backend())
        .append('/')
        .append(s.server() == null ? "<NOSRV>" : s.server())
        .append(' ')
        .append(millis(s.queueNanos()))
        .append('/')
        .append(s.connectNanos() < 0 ? -1 : millis(s.connectNanos()))
        .append('/')
        .append(millis(s.durationNanos()))
        .append(' ')
        .append(s.bytesOut())
        .append(' ')
        .append(terminationState(s.reason(), s.server() != null, s.endedInQueue()))
        .append(' ')
        .append(s.activeSessions())
        .append('/')
        .append(s.frontendSessions())
        .append('/')
        .append(s.backendSessions())
        .append('/')
        .append(s.serverSessions())
        .append('/')
        .append(s.retries())
        .append(" 0/")
        .append(s.backendQueue());
    return sb.toString();
  }

  /**
   * haproxy's two-character termination state: first who or what ended the session ({@code -}
   * normal, {@code C}/{@code S} client/server abort or error, {@code c}/{@code s} client/server
   * side timeout, {@code D} server marked down, {@code K} killed by the proxy stopping), then the
   * phase ({@code Q} waiting in the queue, {@code C} waiting for the server connection, {@code D}
   * data; {@code -} normal).
   *
   * @param connected whether a server connection had been established
   */
  public static String terminationState(CloseReason reason, boolean connected) {
    return terminationState(reason, connected, false);
  }

  /**
   * The same for a session that may have ended while it waited in the queue ({@code inQueue}): its
   * phase is {@code Q} then.
   */
  public static String terminationState(CloseReason reason, boolean connected, boolean inQueue) {
    char phase = connected ? 'D' : inQueue ? 'Q' : 'C';
    switch (reason) {
      case CLIENT_CLOSED:
        // The client leaving before any server answered the connect is an abort in haproxy.
        return connected ? "--" : "C" + phase;
      case SERVER_CLOSED:
        return connected ? "--" : "S" + phase;
      case CLIENT_ERROR:
        return "C" + phase;
      case SERVER_ERROR:
      case NO_SERVER:
      case CONNECT_FAILED:
        return "S" + phase;
      case CONNECT_TIMEOUT:
        return "sC";
      case QUEUE_TIMEOUT: // haproxy: the server side's timeout while waiting in the queue
        return "sQ";
      case CLIENT_TIMEOUT:
      case CLIENT_FIN_TIMEOUT:
      case TUNNEL_TIMEOUT: // haproxy reports an expired tunnel timeout on the client side
        return "c" + phase;
      case SERVER_TIMEOUT:
      case SERVER_FIN_TIMEOUT:
        return "s" + phase;
      case SERVER_MARKED_DOWN:
        return "D" + phase;
      case PRIMARY_BACK_UP: // haproxy: U, a backup's session closed as a primary came back up
        return "U" + phase;
      case PROXY_STOPPED:
      case SHUT_DOWN_BY_OPERATOR: // haproxy: K, killed by an administrator
      case REBALANCED: // closed by the proxy on purpose, as K; the reason is in the metrics
        return "K" + phase;
      default:
        return "--";
    }
  }

  private static void appendClient(StringBuilder sb, InetSocketAddress client) {
    if (client == null) {
      sb.append("-:-");
      return;
    }
    sb.append(
            client.getAddress() == null
                ? client.getHostString()
                : client.getAddress().getHostAddress())
        .append(':')
        .append(client.getPort());
  }

  private static long millis(long nanos) {
    return nanos / 1_000_000;
  }
}
