package io.vipd.daemon.reload;

/**
 * Told around every reload, e.g. to send systemd {@code RELOADING=1} before and {@code READY=1}
 * after. Called on the reloading thread (the SIGHUP handler's or the admin API's), one reload at a
 * time; implementations must be quick and must not throw.
 */
public interface ReloadObserver {

  /** A reload starts: the file is about to be read. */
  default void reloading() {}

  /** The reload is over, applied or not. */
  default void reloaded(ReloadResult result) {}
}
