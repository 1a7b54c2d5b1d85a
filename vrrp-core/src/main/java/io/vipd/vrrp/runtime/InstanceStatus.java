package io.vipd.vrrp.runtime;

import io.vipd.vrrp.packet.VrrpVersion;
import io.vipd.vrrp.router.VrrpState;

/**
 * A consistent snapshot of one instance, published by the runtime thread for other threads.
 *
 * @param name instance name
 * @param state current state
 * @param effectivePriority priority after tracking
 * @param masterAddress the last master heard (or our own address while master), or null
 * @param maintenance whether operator maintenance holds this instance in BACKUP
 * @param version the VRRP version, or null when unknown
 * @param advertIntervalCentis our Advertisement_Interval in centiseconds (0 when unknown)
 * @param masterAdverIntervalCentis the Master_Adver_Interval in centiseconds: learned from the
 *     master's adverts in v3, our own interval in v2 (0 when unknown)
 * @param skewTimeNanos Skew_Time for the effective priority (RFC 9568 6.1), nanoseconds
 * @param masterDownIntervalNanos Master_Down_Interval for the effective priority, nanoseconds
 * @param lastTransition the latest state change, or null before the first
 */
public record InstanceStatus(
    String name,
    VrrpState state,
    int effectivePriority,
    String masterAddress,
    boolean maintenance,
    VrrpVersion version,
    int advertIntervalCentis,
    int masterAdverIntervalCentis,
    long skewTimeNanos,
    long masterDownIntervalNanos,
    LastTransition lastTransition) {

  /** A snapshot without timers or history (tests, and before the runtime publishes one). */
  public InstanceStatus(String name, VrrpState state, int effectivePriority, String masterAddress) {
    this(name, state, effectivePriority, masterAddress, false, null, 0, 0, 0, 0, null);
  }
}
