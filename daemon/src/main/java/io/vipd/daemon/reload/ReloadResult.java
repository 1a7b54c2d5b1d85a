package io.vipd.daemon.reload;

import java.util.List;

/**
 * The outcome of one reload, for the log, the admin API ({@code POST /reload}) and systemd.
 *
 * @param ok true if the new configuration was applied; false if it was rejected (invalid file,
 *     daemon not running) or failed to apply (for example a new frontend could not bind), in which
 *     case the running configuration stays, except as {@link #errors} says
 * @param changes one human-readable line per change applied, e.g. {@code frontend api added on
 *     /127.0.0.1:8443}; empty when nothing changed or nothing was applied
 * @param errors why the reload was rejected or failed; for an invalid file every problem in {@code
 *     file:line: key: message} form
 */
public record ReloadResult(boolean ok, List<String> changes, List<String> errors) {

  public ReloadResult {
    changes = List.copyOf(changes);
    errors = List.copyOf(errors);
  }

  /** Applied. */
  public static ReloadResult applied(List<String> changes) {
    return new ReloadResult(true, changes, List.of());
  }

  /** Failed after {@code changes} were applied: they stay; the rest is as it was. */
  public static ReloadResult partlyApplied(List<String> changes, List<String> errors) {
    return new ReloadResult(false, changes, errors);
  }

  /** Not applied; the running configuration is unchanged. */
  public static ReloadResult rejected(List<String> errors) {
    return new ReloadResult(false, List.of(), errors);
  }

  /**
   * One line: {@code reloaded: ...}, {@code reload partly applied: ...} or {@code reload rejected:
   * ...}.
   */
  public String summary() {
    if (ok) {
      return "reloaded: " + (changes.isEmpty() ? "no change" : String.join("; ", changes));
    }
    if (!changes.isEmpty()) {
      return "reload partly applied: "
          + String.join("; ", changes)
          + "; then failed: "
          + String.join("; ", errors)
          + "; the rest of the running configuration stays";
    }
    return "reload rejected: " + String.join("; ", errors);
  }
}
