package io.vipd.daemon.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Scripts run on state changes, like keepalived's {@code notify_master} etc. Each value is a
 * program path, run without a shell; {@code any} receives keepalived's generic arguments {@code
 * INSTANCE <name> <STATE> <priority>}.
 *
 * @param timeout how long one run of a script may take before it and its children are killed
 */
public record NotifyConfig(
    Optional<String> master,
    Optional<String> backup,
    Optional<String> fault,
    Optional<String> stop,
    Optional<String> any,
    Duration timeout) {

  /** The commands by their key ({@code master}, ..., {@code any}), in that order, set or not. */
  public List<Map.Entry<String, Optional<String>>> byKey() {
    return byKey(master, backup, fault, stop, any);
  }

  /** As {@link #byKey()}, for commands not yet in a config. */
  static List<Map.Entry<String, Optional<String>>> byKey(
      Optional<String> master,
      Optional<String> backup,
      Optional<String> fault,
      Optional<String> stop,
      Optional<String> any) {
    return List.of(
        Map.entry("master", master),
        Map.entry("backup", backup),
        Map.entry("fault", fault),
        Map.entry("stop", stop),
        Map.entry("any", any));
  }

  /** True when no script is set (the timeout alone does not count). */
  public boolean isEmpty() {
    return master.isEmpty()
        && backup.isEmpty()
        && fault.isEmpty()
        && stop.isEmpty()
        && any.isEmpty();
  }
}
