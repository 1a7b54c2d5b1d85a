package io.vipd.health;

/**
 * Where a {@link HealthTracker} starts, named after haproxy's {@code init-state} server keyword,
 * plus keepalived's {@code vrrp_script} start.
 *
 * <p>The tracker counts like haproxy: a counter {@code health} in {@code 0 .. rise+fall-1}, the
 * check is up while {@code health >= rise}.
 */
public enum InitialState {
  /** Up with full health: goes down only after {@code fall} consecutive failures. */
  FULLY_UP,
  /**
   * Up with the least health that is still up ({@code health = rise}): the first failure takes it
   * down. This is haproxy's default for servers.
   */
  UP,
  /** Down, one success away from up ({@code health = rise-1}). */
  DOWN,
  /**
   * Down with no health: needs {@code rise} consecutive successes. keepalived's {@code init_fail}.
   */
  FULLY_DOWN,
  /**
   * Unknown until the first result, which decides either way (keepalived's default for a {@code
   * vrrp_script}: {@code result = rise-1}, "one success is enough", one failure means failed).
   */
  UNKNOWN
}
