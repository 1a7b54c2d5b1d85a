package io.vipd.vrrp.runtime;

import io.vipd.vrrp.router.VrrpState;

/**
 * A consistent snapshot of one instance, published by the runtime thread for other threads.
 *
 * @param name instance name
 * @param state current state
 * @param effectivePriority priority after tracking
 * @param masterAddress the last master heard (or our own address while master), or null
 * @param maintenance whether operator maintenance holds this instance in BACKUP
 */
public record InstanceStatus(
    String name,
    VrrpState state,
    int effectivePriority,
    String masterAddress,
    boolean maintenance) {

  /** A status without maintenance. */
  public InstanceStatus(String name, VrrpState state, int effectivePriority, String masterAddress) {
    this(name, state, effectivePriority, masterAddress, false);
  }
}
