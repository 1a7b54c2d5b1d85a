package io.vipd.daemon.config;

/** {@code initial-state}: the state an instance enters at start (keepalived's {@code state}). */
public enum InitialState {
  /** Wait Master_Down_Interval for a master before taking over (RFC 5798 section 6.4.1). */
  BACKUP,
  /** Become master at once; only RFC-conformant with priority 255, as keepalived notes. */
  MASTER
}
