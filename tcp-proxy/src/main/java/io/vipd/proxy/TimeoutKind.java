package io.vipd.proxy;

/** The timeouts of {@link ProxyTimeouts}. */
public enum TimeoutKind {
  CONNECT,
  CLIENT,
  SERVER,
  TUNNEL,
  CLIENT_FIN,
  SERVER_FIN,
  /** The wait in the backend's queue for a server slot ({@code timeout queue}). */
  QUEUE
}
