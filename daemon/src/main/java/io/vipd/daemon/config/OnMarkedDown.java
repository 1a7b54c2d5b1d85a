package io.vipd.daemon.config;

/** {@code on-marked-down}: what happens to a server's open connections when its check fails. */
public enum OnMarkedDown {
  /** They live on until they end by themselves (haproxy's default). */
  NONE,
  /** They are closed at once, so clients reconnect to a healthy server. */
  SHUTDOWN_SESSIONS
}
