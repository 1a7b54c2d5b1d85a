package io.vipd.vrrp.runtime;

import io.vipd.vrrp.router.VrrpState;

/**
 * The latest state change of an instance, for status displays ({@code BACKUP -> MASTER 12s ago
 * (master down timer expired)}).
 *
 * @param from the state left
 * @param to the state entered
 * @param reason why, in the router's words
 * @param atEpochMillis wall-clock time of the change, milliseconds since the epoch
 */
public record LastTransition(VrrpState from, VrrpState to, String reason, long atEpochMillis) {}
