package io.vipd.daemon.proxy;

import io.vipd.daemon.config.Observe;
import io.vipd.daemon.config.PassiveHealth;
import io.vipd.health.HealthMonitor;
import io.vipd.health.PassiveAction;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Passive health (haproxy's {@code observe layer4}, {@code error-limit}, {@code on-error}): the
 * proxy's connect results, from every event loop, become reports to the servers' health monitors.
 * Each server is a key ({@code backend/server}). Thread-safe.
 */
final class ConnectErrors {

  /** Consecutive failed connects of a server since its last success or on-error (error-limit). */
  private final Map<String, AtomicInteger> errors = new ConcurrentHashMap<>();

  /** Servers with a failed check from on-error fail-check, not yet followed by a good connect. */
  private final Set<String> suspect = ConcurrentHashMap.newKeySet();

  /**
   * A connect to {@code key} failed: counted, and at {@code errorLimit} consecutive ones the
   * on-error action goes to {@code monitor} and the count starts again.
   *
   * @param monitor the server's monitor, or null if it has none (no check: nothing to report to)
   * @param why what failed, e.g. {@code "connect timeout"}
   */
  void failed(String key, HealthMonitor monitor, PassiveHealth passive, String why) {
    if (monitor == null || passive.observe() == Observe.NONE) {
      return;
    }
    AtomicInteger counter = errors.computeIfAbsent(key, k -> new AtomicInteger());
    int count = counter.incrementAndGet();
    if (count < passive.errorLimit() || !errors.remove(key, counter)) {
      return;
    }
    // Only a plain failed check is undone by the next good connect: sudden-death leaves the server
    // one failed check from down until a check passes, as in haproxy.
    if (passive.onError() == PassiveAction.FAIL_CHECK) {
      suspect.add(key);
    }
    monitor.reportPassiveFailure(
        count > 1 ? count + " consecutive connect errors, the last: " + why : why,
        passive.onError());
  }

  /**
   * Whether a successful connect may have something to do here: false in the normal case (no recent
   * error), so that the caller need not even build the key.
   */
  boolean pending() {
    return !errors.isEmpty() || !suspect.isEmpty();
  }

  /**
   * A connect to {@code key} succeeded: the error count starts again, and a failed check from the
   * last on-error fail-check is undone (it counts as a passing one), so that only consecutive
   * errors add up to {@code fall}.
   */
  void connected(String key, HealthMonitor monitor) {
    errors.remove(key);
    if (suspect.remove(key) && monitor != null) {
      monitor.reportPassiveSuccess("connected");
    }
  }
}
