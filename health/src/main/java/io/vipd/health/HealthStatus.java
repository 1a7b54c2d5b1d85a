package io.vipd.health;

import java.util.Optional;

/**
 * A snapshot of one monitor for status pages and metrics; immutable, safe to read from any thread.
 *
 * @param checkName the monitor's name
 * @param target what the check probes ({@link HealthCheck#describe()})
 * @param state current state after hysteresis
 * @param lastResult the most recent result, empty before the first one
 * @param consecutiveSuccesses successes since the last failure
 * @param consecutiveFailures failures since the last success
 * @param health haproxy's counter, {@code 0 .. rise+fall-1}
 * @param runs active runs completed so far
 */
public record HealthStatus(
    String checkName,
    String target,
    HealthState state,
    Optional<CheckResult> lastResult,
    int consecutiveSuccesses,
    int consecutiveFailures,
    int health,
    long runs) {}
