package io.vipd.health;

/**
 * Receives what a {@link HealthMonitor} observes. Called on the monitor's event loop: return
 * quickly and never block (hand work to another thread if needed); exceptions are logged and
 * swallowed.
 */
@FunctionalInterface
public interface HealthListener {

  /** The check changed state; this is what the proxy and VRRP tracking act on. */
  void onTransition(HealthTransition transition);

  /** Every result, active or passive, whether or not the state changed (metrics, status). */
  default void onResult(String checkName, CheckResult result, HealthState state) {}
}
