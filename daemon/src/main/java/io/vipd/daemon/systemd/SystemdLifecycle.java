package io.vipd.daemon.systemd;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the daemon tells systemd over its life: {@link #started} ({@code READY=1}, then {@code
 * WATCHDOG=1} every half {@code WatchdogSec=} on a daemon thread of its own), {@link #reloading} /
 * {@link #reloaded}, and {@link #stopping} ({@code STOPPING=1}, pings end). Without {@code
 * NOTIFY_SOCKET} nothing is sent and no thread is started.
 *
 * <p>Thread-safe; {@link #stopping} may be called more than once.
 */
public final class SystemdLifecycle {

  private static final Logger LOG = LoggerFactory.getLogger("vipd");

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
    started(status, Optional::empty);
  }

  /**
   * As {@link #started(String)}, pinging only while {@code stuck} says nothing is: a stuck VRRP
   * runtime or proxy loop then gets vipd restarted by systemd ({@code WatchdogSec=}), where a ping
   * from this thread alone would prove only that the JVM runs.
   */
  public synchronized void started(String status, Supplier<Optional<String>> stuck) {
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
      pinger.scheduleAtFixedRate(() -> ping(stuck), micros, micros, TimeUnit.MICROSECONDS);
    }
  }

  private void ping(Supplier<Optional<String>> stuck) {
    Optional<String> why;
    try {
      why = stuck.get();
    } catch (RuntimeException | Error e) {
      // a failing probe must not get a working vipd killed, nor end the pings (an exception
      // escaping a periodic task cancels it)
      why = Optional.empty();
    }
    if (why.isEmpty()) {
      notifier.watchdog();
    } else {
      LOG.error("not pinging the systemd watchdog: {}", why.get());
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
