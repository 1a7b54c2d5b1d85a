package io.vipd.daemon.config;

/** How a backend's servers are checked. */
public enum BackendCheckType {
  /** No active check: servers are up unless connects to them fail. */
  NONE,
  /** TCP connect to the server address. */
  TCP,
  /** TCP connect and TLS handshake. */
  TLS,
  /** HTTP GET {@code path} on the server address. */
  HTTP,
  /** HTTPS GET {@code path} on the server address (kube-apiserver {@code /readyz}). */
  HTTPS
}
