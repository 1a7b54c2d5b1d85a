package io.vipd.health;

/**
 * A check changed state (after the rise/fall hysteresis).
 *
 * @param checkName the monitor's name (config key, e.g. {@code apiserver} or {@code
 *     apiservers/cp1})
 * @param from previous state
 * @param to new state, {@link HealthState#UP} or {@link HealthState#DOWN}
 * @param lastResult the result that caused it (a passive report has {@code durationNanos == 0})
 * @param consecutiveSuccesses successes since the last failure, including this one
 * @param consecutiveFailures failures since the last success, including this one
 */
public record HealthTransition(
    String checkName,
    HealthState from,
    HealthState to,
    CheckResult lastResult,
    int consecutiveSuccesses,
    int consecutiveFailures) {}
