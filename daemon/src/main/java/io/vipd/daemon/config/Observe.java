package io.vipd.daemon.config;

/** {@code observe}: which errors of live traffic count toward a server's health (haproxy). */
public enum Observe {
  /** Failed connects to the server (haproxy {@code observe layer4}). */
  LAYER4,
  /** None: only the active checks decide. */
  NONE
}
