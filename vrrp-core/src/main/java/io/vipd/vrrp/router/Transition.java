package io.vipd.vrrp.router;

/**
 * One state change of a virtual router, with the reason it happened.
 *
 * @param from the state left
 * @param to the state entered
 * @param reason why, in words an operator understands (e.g. "master down timer expired")
 * @param atNanos the injected clock's time of the change
 */
public record Transition(VrrpState from, VrrpState to, String reason, long atNanos) {}
