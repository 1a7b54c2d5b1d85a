package io.vipd.proxy;

import java.time.Duration;
import java.util.Objects;

/**
 * Timeouts of one backend, with haproxy's meaning. {@link Duration#ZERO} disables a timeout.
 *
 * @param connect time allowed for a TCP connect to a server, per attempt
 * @param client client-side inactivity: nothing read from the client and nothing flushed to it
 *     (before the server is connected, or always when {@code tunnel} is zero)
 * @param server server-side inactivity: nothing read from the server and nothing flushed to it
 *     (likewise)
 * @param tunnel replaces {@code client} and {@code server} once the server connection is
 *     established, as in haproxy's {@code mode tcp} (long watch streams); zero keeps client/server
 * @param clientFin client-side inactivity once the session is half-closed (the client sent its FIN,
 *     or the server's was passed on to it), as haproxy's {@code timeout client-fin}; zero keeps the
 *     client (or tunnel) timeout
 * @param serverFin server-side inactivity once the session is half-closed, as haproxy's {@code
 *     timeout server-fin}; zero keeps the server (or tunnel) timeout
 * @param queue the longest a connection waits in its backend's queue for a server slot (every
 *     usable server at its maxconn), as haproxy's {@code timeout queue}; zero means {@code connect}
 *     (as haproxy, when it is unset)
 */
public record ProxyTimeouts(
    Duration connect,
    Duration client,
    Duration server,
    Duration tunnel,
    Duration clientFin,
    Duration serverFin,
    Duration queue) {

  /** With the queue timeout of the connect timeout. */
  public ProxyTimeouts(
      Duration connect,
      Duration client,
      Duration server,
      Duration tunnel,
      Duration clientFin,
      Duration serverFin) {
    this(connect, client, server, tunnel, clientFin, serverFin, Duration.ZERO);
  }

  /** Without a server-fin timeout. */
  public ProxyTimeouts(
      Duration connect, Duration client, Duration server, Duration tunnel, Duration clientFin) {
    this(connect, client, server, tunnel, clientFin, Duration.ZERO);
  }

  /** connect 5s, client 20s, server 20s, tunnel 1h, client-fin 10s, no server-fin. */
  public static final ProxyTimeouts DEFAULTS =
      new ProxyTimeouts(
          Duration.ofSeconds(5),
          Duration.ofSeconds(20),
          Duration.ofSeconds(20),
          Duration.ofHours(1),
          Duration.ofSeconds(10));

  public ProxyTimeouts {
    check(connect, "connect");
    check(client, "client");
    check(server, "server");
    check(tunnel, "tunnel");
    check(clientFin, "clientFin");
    check(serverFin, "serverFin");
    check(queue, "queue");
  }

  /** How long a connection may wait in the queue: {@code queue}, else {@code connect}. */
  public Duration queueOrConnect() {
    return queue.isZero() ? connect : queue;
  }

  private static void check(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative()) {
      throw new IllegalArgumentException("timeout " + name + " is negative: " + d);
    }
  }
}
