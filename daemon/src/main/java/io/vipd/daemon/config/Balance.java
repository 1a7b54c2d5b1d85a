package io.vipd.daemon.config;

/** {@code balance}: how a backend picks a server (haproxy names). */
public enum Balance {
  /** Smooth weighted round-robin. */
  ROUNDROBIN,
  /** Fewest active connections, weighted. */
  LEASTCONN,
  /** Hash of the client address, consistent across server changes. */
  SOURCE,
  /** Random, power of two choices. */
  RANDOM,
  /** The first server, in configuration order, below its maxconn. */
  FIRST
}
