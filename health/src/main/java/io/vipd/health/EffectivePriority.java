package io.vipd.health;

import java.util.Objects;

/**
 * What {@link PriorityPolicy} computed for one VRRP instance.
 *
 * @param priority the priority to advertise, {@code 1..254}, or {@code 255} for the address owner
 * @param fault true when a weight-0 tracker is failing: the instance must go to FAULT
 * @param breakdown one line explaining the number, e.g. {@code "base 101, check apiserver failed
 *     (-20) -> 81"}
 */
public record EffectivePriority(int priority, boolean fault, String breakdown) {

  public EffectivePriority {
    Objects.requireNonNull(breakdown, "breakdown");
  }
}
