package io.vipd.daemon.systemd;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What the daemon tells systemd over its life: {@link #started} ({@code READY=1}, then {@code
 * WATCHDOG=1} every half {@code WatchdogSec=} on a daemon thread of its own), {@link #reloading} /
 * {@link #reloaded}, and {@link #stopping} ({@code STOPPING=1}, pings end). Without {@code
 * NOTIFY_SOCKET} nothing is sent and no thread is started.
 *
 * <p>Thread-safe; {@link #stopping} may be called more than once.
 */
public final class SystemdLifecycle {

  private final SystemdNotifier notifier;
  private ScheduledExecutorService pinger;

  public SystemdLifecycle(SystemdNotifier notifier) {
    this.notifier = notifier;
  }

  /** For this process's environment. */
  public static SystemdLifecycle fromEnvironment() {
    return new SystemdLifecycle(SystemdNotifier.fromEnvironment());
  }

  /** The notifier used. */
  public SystemdNotifier notifier() {
    return notifier;
  }

  /** Start-up finished: {@code READY=1} with {@code status}, and the watchdog pings begin. */
  public synchronized void started(String status) {
    notifier.ready(status);
    if (pinger == null && notifier.watchdogTimeout().isPresent()) {
      Duration period = notifier.watchdogTimeout().get().dividedBy(2);
      long micros = Math.max(1000, period.toNanos() / 1000);
      pinger =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "vipd-systemd-watchdog");
                t.setDaemon(true);
                return t;
              });
      pinger.scheduleAtFixedRate(notifier::watchdog, micros, micros, TimeUnit.MICROSECONDS);
    }
  }

  /** A configuration reload began ({@code RELOADING=1} + {@code MONOTONIC_USEC}). */
  public void reloading() {
    notifier.reloading();
  }

  /** The reload finished ({@code READY=1} with {@code status}). */
  public void reloaded(String status) {
    notifier.ready(status);
  }

  /** An orderly stop began: the pings end and {@code STOPPING=1} is sent. */
  public synchronized void stopping() {
    if (pinger != null) {
      pinger.shutdownNow();
      pinger = null;
    }
    notifier.stopping();
  }
}
