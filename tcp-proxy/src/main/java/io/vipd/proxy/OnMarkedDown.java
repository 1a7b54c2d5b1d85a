package io.vipd.proxy;

/** What happens to established sessions when their server is marked down (haproxy's option). */
public enum OnMarkedDown {
  /** Keep them; only new connections avoid the server. */
  NONE,
  /** Close every session of the server at once ({@code on-marked-down shutdown-sessions}). */
  SHUTDOWN_SESSIONS
}
