package io.vipd.daemon.config;

/** Kind of a named health check under {@code checks.<name>}. */
public enum CheckType {
  /** GET {@code url}, up on {@code expect-status}. */
  HTTP,
  /** GET {@code url} over TLS, up on {@code expect-status}. */
  HTTPS,
  /** TCP connect to {@code address}. */
  TCP,
  /** TCP connect and TLS handshake with {@code address}. */
  TLS,
  /** Run {@code command}; exit 0 is up. */
  EXEC,
  /** Up while {@code path} exists. */
  FILE,
  /** vipd's own proxy: frontends listening and enough servers of a backend up. */
  PROXY
}
