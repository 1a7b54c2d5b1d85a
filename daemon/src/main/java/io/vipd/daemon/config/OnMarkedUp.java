package io.vipd.daemon.config;

/** {@code on-marked-up}: what a primary server back up does to the backup servers' sessions. */
public enum OnMarkedUp {
  /** Nothing (haproxy's default). */
  NONE,
  /** They are closed, so that their clients come back to the primaries. */
  SHUTDOWN_BACKUP_SESSIONS
}
