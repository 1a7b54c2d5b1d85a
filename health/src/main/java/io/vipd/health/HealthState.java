package io.vipd.health;

/** The state a {@link HealthTracker} reports for one check. */
public enum HealthState {
  /**
   * No result yet (keepalived's {@code INIT} state of a {@code vrrp_script}); the first result
   * decides. A tracked check in this state neither adds nor subtracts weight.
   */
  UNKNOWN,
  /** Passing: the target may receive traffic / the weight of a passing check applies. */
  UP,
  /** Failing: the target is taken out / the weight of a failing check applies. */
  DOWN
}
