package io.vipd.daemon.admin;

import java.util.List;

/**
 * Whether vipd is ready, for {@code /readyz}.
 *
 * @param notReady what is not running yet (or any more), one phrase each; empty when ready
 */
public record Readiness(List<String> notReady) {

  public Readiness {
    notReady = List.copyOf(notReady);
  }

  /** True when every component runs. */
  public boolean ready() {
    return notReady.isEmpty();
  }
}
