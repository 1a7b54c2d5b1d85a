package io.vipd.daemon.importer;

/**
 * A proxy frontend's listening address as imported from haproxy.
 *
 * @param frontend the frontend (or listen) name
 * @param host the bind host as vipd writes it: {@code 0.0.0.0}, {@code [::]}, or an address
 * @param port the TCP port
 * @param backend the backend it sends to
 */
record FrontendBind(String frontend, String host, int port, String backend) {

  /** {@code host:port} as written in {@code proxy.frontends[].bind}. */
  String bind() {
    return host + ":" + port;
  }

  /** An address a local check can connect to: wildcard binds become loopback. */
  String localAddress() {
    String h = host.equals("0.0.0.0") ? "127.0.0.1" : host.equals("[::]") ? "[::1]" : host;
    return h + ":" + port;
  }
}
