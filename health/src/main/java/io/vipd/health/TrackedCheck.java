package io.vipd.health;

import java.util.Objects;

/**
 * One tracker of a VRRP instance as {@link PriorityPolicy} sees it: a label, keepalived's weight
 * and the tracker's current state.
 *
 * @param label what is tracked, as it appears in the breakdown, e.g. {@code "check apiserver"} or
 *     {@code "interface eth0"}
 * @param weight keepalived's weight, {@code -253 .. 253}: negative is subtracted while failing,
 *     positive added while passing, zero means FAULT while failing
 * @param state the tracker's state
 */
public record TrackedCheck(String label, int weight, HealthState state) {

  /** keepalived's bound on {@code weight} (vrrp_parser.c: "must be between [-253..253]"). */
  public static final int MAX_ABS_WEIGHT = 253;

  public TrackedCheck {
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(state, "state");
    if (weight < -MAX_ABS_WEIGHT || weight > MAX_ABS_WEIGHT) {
      throw new IllegalArgumentException("weight must be in -253..253: " + weight);
    }
  }

  /** A tracked health check named {@code name}, labelled {@code "check <name>"}. */
  public static TrackedCheck check(String name, int weight, HealthState state) {
    return new TrackedCheck("check " + name, weight, state);
  }
}
