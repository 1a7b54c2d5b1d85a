package io.vipd.daemon.reload;

import io.vipd.daemon.config.DaemonConfig;
import java.io.IOException;
import java.util.List;

/** Applies a validated configuration to the running daemon. */
@FunctionalInterface
public interface ConfigApplier {

  /**
   * @return one human-readable line per change
   * @throws IOException if part of it could not be applied (the message says which)
   */
  List<String> apply(DaemonConfig next) throws IOException;
}
