/**
 * Health checking: {@link io.vipd.health.HealthCheck} probes, {@link io.vipd.health.HealthTracker}
 * (rise/fall), {@link io.vipd.health.HealthMonitor} (scheduling, listener) and {@link
 * io.vipd.health.PriorityPolicy} (keepalived weights to VRRP priority).
 *
 * <pre>
 *   HealthCheck.run(timeout) --CheckResult--> HealthMonitor --> HealthTracker (rise/fall)
 *                                                   |
 *                                                   +--> HealthListener.onTransition(...)
 *                                                          proxy: server up/down
 *                                                          VRRP: PriorityPolicy.evaluate(...)
 * </pre>
 */
package io.vipd.health;
