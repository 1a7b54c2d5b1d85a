package io.vipd.daemon.config;

import java.util.List;

/**
 * What lowers (or raises) an instance's effective priority, keepalived's {@code track_script} and
 * {@code track_interface}.
 *
 * @param checks checks by name (defined under {@code checks}); weight as in {@link Tracked}
 * @param interfaces interfaces by name, down = failing
 */
public record TrackConfig(List<Tracked> checks, List<Tracked> interfaces) {

  /**
   * One tracked object.
   *
   * @param name check or interface name
   * @param weight -253..253; negative is subtracted while failing, positive added while up, 0 puts
   *     the instance in FAULT while failing (keepalived semantics)
   */
  public record Tracked(String name, int weight) {}

  public TrackConfig {
    checks = List.copyOf(checks);
    interfaces = List.copyOf(interfaces);
  }

  public boolean isEmpty() {
    return checks.isEmpty() && interfaces.isEmpty();
  }

  /** True if some tracked object has a non-zero weight (moves the priority rather than FAULT). */
  public boolean hasWeights() {
    return checks.stream().anyMatch(t -> t.weight() != 0)
        || interfaces.stream().anyMatch(t -> t.weight() != 0);
  }
}
