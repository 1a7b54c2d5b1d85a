package io.vipd.health;

/**
 * What an error seen outside the checks (a failed connect to the server) does to its check:
 * haproxy's {@code on-error}. Each one also brings the next check forward to the fast interval, so
 * that the checks confirm or clear the error soon.
 */
public enum PassiveAction {
  /** Nothing but the earlier check (haproxy {@code fastinter}). */
  FAST_INTERVAL,
  /** Counts as one failed check (haproxy {@code fail-check}, its default). */
  FAIL_CHECK,
  /** Leaves an up server one failed check from down (haproxy {@code sudden-death}). */
  SUDDEN_DEATH,
  /** Marks the server down at once; only checks bring it back (haproxy {@code mark-down}). */
  MARK_DOWN
}
