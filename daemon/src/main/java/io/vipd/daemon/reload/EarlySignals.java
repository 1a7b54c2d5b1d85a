package io.vipd.daemon.reload;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Handlers for the time between the JVM's start and the daemon's own handlers (the configuration
 * being read): a SIGHUP then is kept for the daemon to reload once it has started, and a SIGUSR1 is
 * ignored (there is no state to dump yet). Without them, either signal would take the JVM's default
 * action and end the process.
 */
public final class EarlySignals {

  private static final AtomicBoolean hangup = new AtomicBoolean();

  private EarlySignals() {}

  /**
   * Installs the early handlers; the daemon replaces them with its own.
   *
   * @return why a handler could not be installed, if one could not
   */
  public static Optional<String> install() {
    Optional<String> hup = OsSignal.install("HUP", () -> hangup.set(true));
    Optional<String> usr1 = OsSignal.install("USR1", () -> {});
    return hup.isPresent() ? hup : usr1;
  }

  /** Whether a SIGHUP came since the last call; clears it. */
  public static boolean takeHangup() {
    return hangup.getAndSet(false);
  }
}
