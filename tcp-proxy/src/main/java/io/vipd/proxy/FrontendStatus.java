package io.vipd.proxy;

import java.util.Map;

/**
 * A snapshot of one frontend's counters.
 *
 * @param frontend frontend name
 * @param activeConnections client connections open now
 * @param accepted client connections accepted and proxied since start
 * @param refused client connections closed at once because of maxconn since start
 * @param bytesIn bytes received from clients
 * @param bytesOut bytes sent to clients
 * @param closed ended sessions by reason (timeouts included), every reason present
 * @param maxconn the frontend's connection limit in effect (configured, or set at runtime), 0 for
 *     none of its own
 * @param disabled whether the operator disabled it (haproxy's {@code disable frontend}): its
 *     sockets stay bound but refuse new connections
 */
public record FrontendStatus(
    String frontend,
    int activeConnections,
    long accepted,
    long refused,
    long bytesIn,
    long bytesOut,
    Map<CloseReason, Long> closed,
    int maxconn,
    boolean disabled) {

  public FrontendStatus {
    closed = Map.copyOf(closed);
  }

  /** Sessions ended for {@code reason}. */
  public long closed(CloseReason reason) {
    return closed.getOrDefault(reason, 0L);
  }
}
