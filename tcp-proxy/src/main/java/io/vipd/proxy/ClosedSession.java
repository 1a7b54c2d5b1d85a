package io.vipd.proxy;

import java.net.InetSocketAddress;

/**
 * Everything known about one finished session, for a per-connection log line (haproxy's {@code
 * option tcplog}). Counts are taken when the session ends and include it.
 *
 * @param frontend frontend name
 * @param backend backend name
 * @param server the connected server's name, or null if none was ever connected
 * @param client the client's address and port, or null if the kernel no longer knew it
 * @param acceptedEpochMillis wall-clock time of the accept, ms since the epoch
 * @param connectNanos from the start of the last connect attempt to its success, or -1 if no server
 *     was connected
 * @param durationNanos from accept to the close of both connections
 * @param bytesIn bytes from the client forwarded to the server
 * @param bytesOut bytes from the server forwarded to the client
 * @param reason why it ended
 * @param retries connect attempts beyond the first
 * @param activeSessions sessions open in the whole proxy (haproxy: actconn)
 * @param frontendSessions sessions open on this frontend (haproxy: feconn)
 * @param backendSessions sessions open to this backend's servers (haproxy: beconn)
 * @param serverSessions sessions open to this session's server, 0 if none (haproxy: srv_conn)
 * @param queueNanos time spent waiting in the backend's queue for a server slot (haproxy: Tw)
 * @param backendQueue sessions waiting in the backend's queue (haproxy: backend_queue)
 * @param endedInQueue whether it ended while it waited in the queue
 */
public record ClosedSession(
    String frontend,
    String backend,
    String server,
    InetSocketAddress client,
    long acceptedEpochMillis,
    long connectNanos,
    long durationNanos,
    long bytesIn,
    long bytesOut,
    CloseReason reason,
    int retries,
    int activeSessions,
    int frontendSessions,
    int backendSessions,
    int serverSessions,
    long queueNanos,
    int backendQueue,
    boolean endedInQueue) {}
