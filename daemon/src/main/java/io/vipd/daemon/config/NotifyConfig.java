package io.vipd.daemon.config;

import java.time.Duration;
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

  /** True when no script is set (the timeout alone does not count). */
  public boolean isEmpty() {
    return master.isEmpty()
        && backup.isEmpty()
        && fault.isEmpty()
        && stop.isEmpty()
        && any.isEmpty();
  }
}
