package io.vipd.proxy;

/**
 * The operator's state of a server, set at runtime (haproxy's {@code set server ... state}). It is
 * independent of health: a drained server that passes its checks stays drained, and a ready server
 * that fails them is down all the same. It survives reloads for servers carried over by name and
 * address.
 */
public enum ServerAdminState {
  /** Takes new connections when up (the default). */
  READY,
  /** No new connections; established ones continue, checks go on (haproxy {@code drain}). */
  DRAIN,
  /**
   * Maintenance: no new connections; established ones continue (haproxy {@code disable server}
   * without {@code shutdown-sessions}), checks go on so that status still shows its health.
   */
  MAINT;

  /** Lower-case name, as used in the admin API and status. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
