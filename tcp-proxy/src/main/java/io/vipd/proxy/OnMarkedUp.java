package io.vipd.proxy;

/** What happens to established sessions when a server is marked up (haproxy's option). */
public enum OnMarkedUp {
  /** Nothing; new connections follow the balancer. */
  NONE,
  /**
   * A primary server back up, ready and of non-zero weight closes every session of the backup
   * servers, so that their clients come back to the primaries ({@code on-marked-up
   * shutdown-backup-sessions}).
   */
  SHUTDOWN_BACKUP_SESSIONS
}
