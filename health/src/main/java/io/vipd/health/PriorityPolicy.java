package io.vipd.health;

import java.util.List;

/**
 * keepalived's tracking arithmetic (weights to effective priority), pure and stateless.
 *
 * <p>For each tracker with weight {@code w} ({@code vrrp_track.h}, {@code vrrp.c}):
 *
 * <ul>
 *   <li>{@code w < 0}: {@code |w|} is subtracted while the tracker is {@link HealthState#DOWN};
 *   <li>{@code w > 0}: {@code w} is added while the tracker is {@link HealthState#UP};
 *   <li>{@code w == 0}: the instance is in FAULT while the tracker is {@link HealthState#DOWN};
 *   <li>a tracker in {@link HealthState#UNKNOWN} (no result yet) contributes nothing.
 * </ul>
 *
 * The sum is clamped to {@code 1..254}. An address owner ({@code base == 255}) keeps 255 whatever
 * the weights (keepalived ignores weights for the owner); a failing weight-0 tracker still puts it
 * in FAULT.
 *
 * <p>The trap this makes visible in the breakdown: with priorities 101/100 and weight -2 a failed
 * master drops to 99 and the backup takes over; with 110/100 it drops to 108 and nothing happens.
 */
public final class PriorityPolicy {

  /** The address owner's priority (RFC 5798 section 5.2.4). */
  public static final int OWNER_PRIORITY = 255;

  /** Highest priority a non-owner may advertise. */
  public static final int MAX_PRIORITY = 254;

  /** Lowest priority a running instance advertises (0 means "stopping"). */
  public static final int MIN_PRIORITY = 1;

  private PriorityPolicy() {}

  /**
   * Computes the effective priority.
   *
   * @param basePriority the configured priority, {@code 1..255}
   * @param tracked the instance's trackers, in the order they should appear in the breakdown
   * @return priority, fault flag and breakdown
   */
  public static EffectivePriority evaluate(int basePriority, List<TrackedCheck> tracked) {
    if (basePriority < MIN_PRIORITY || basePriority > OWNER_PRIORITY) {
      throw new IllegalArgumentException("base priority must be in 1..255: " + basePriority);
    }
    boolean owner = basePriority == OWNER_PRIORITY;
    StringBuilder why = new StringBuilder("base ").append(basePriority);
    if (owner) {
      why.append(" (address owner, weights ignored)");
    }
    int sum = basePriority;
    boolean fault = false;
    for (TrackedCheck t : tracked) {
      why.append(", ").append(t.label()).append(' ').append(describeState(t.state()));
      int delta = contribution(t);
      if (t.weight() == 0 && t.state() == HealthState.DOWN) {
        fault = true;
        why.append(" (FAULT)");
      } else {
        why.append(" (").append(delta > 0 ? "+" : "").append(delta).append(')');
      }
      sum += delta;
    }
    int priority = owner ? OWNER_PRIORITY : clamp(sum);
    why.append(" -> ").append(priority);
    if (!owner && priority != sum) {
      why.append(" (clamped from ").append(sum).append(')');
    }
    if (fault) {
      why.append(", FAULT");
    }
    return new EffectivePriority(priority, fault, why.toString());
  }

  /** The signed amount one tracker adds to the base priority in its current state. */
  public static int contribution(TrackedCheck t) {
    if (t.weight() < 0 && t.state() == HealthState.DOWN) {
      return t.weight();
    }
    if (t.weight() > 0 && t.state() == HealthState.UP) {
      return t.weight();
    }
    return 0;
  }

  private static int clamp(int sum) {
    return Math.max(MIN_PRIORITY, Math.min(MAX_PRIORITY, sum));
  }

  private static String describeState(HealthState state) {
    return switch (state) {
      case UP -> "ok";
      case DOWN -> "failed";
      case UNKNOWN -> "pending";
    };
  }
}
