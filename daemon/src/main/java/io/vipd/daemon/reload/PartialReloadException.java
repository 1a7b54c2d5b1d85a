package io.vipd.daemon.reload;

import java.io.IOException;
import java.util.List;

/**
 * A reload failed after some of its changes were applied (the proxy's, say, before a VRRP instance
 * could not open): what applied stays applied, and the operator must be told so, not that the
 * running configuration stays.
 */
public final class PartialReloadException extends IOException {
  private static final long serialVersionUID = 1L;

  private final transient List<String> applied;

  public PartialReloadException(List<String> applied, Throwable cause) {
    super(cause.getMessage(), cause);
    this.applied = List.copyOf(applied);
  }

  /** One line per change applied before the failure. */
  public List<String> applied() {
    return applied;
  }
}
