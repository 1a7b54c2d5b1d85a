package io.vipd.daemon;

import io.vipd.daemon.config.DaemonConfig;
import io.vipd.daemon.reload.EarlySignals;
import io.vipd.daemon.reload.Hangups;
import io.vipd.daemon.reload.OsSignal;
import io.vipd.daemon.reload.ReloadObserver;
import io.vipd.daemon.reload.ReloadResult;
import io.vipd.daemon.reload.Reloader;
import io.vipd.daemon.systemd.CapabilityCheck;
import io.vipd.daemon.systemd.SystemdLifecycle;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: builds the VRRP engine, health checks, proxy and admin endpoint from a
 * validated {@link DaemonConfig}, starts them and stops them in order.
 *
 * <p>Starts the VRRP instances, then blocks until SIGTERM/SIGINT (seen through a JVM shutdown hook)
 * or {@link #stop()}; on stop, masters send priority 0 and remove their VIPs, then {@code run()}
 * returns 0.
 *
 * <p>SIGHUP (and {@link #reload()}, for the admin API) reloads the configuration file in place; see
 * {@link io.vipd.daemon.reload.Reloader}.
 *
 * <p>Before anything starts, {@link CapabilityCheck} refuses (status 1, one stderr line per missing
 * capability) a process that lacks a capability the configuration needs. Under systemd {@link
 * SystemdLifecycle} reports {@code READY=1} once started, {@code WATCHDOG=1} pings and {@code
 * STOPPING=1}.
 *
 * <p>Exit status: a JVM that exits because of SIGTERM reports 143 even when every shutdown hook
 * completed; the CLI contract is "0 after a clean stop". So the hook waits (bounded) for {@link
 * #run()} to finish its orderly stop and then halts the JVM with the status {@code run()} returned.
 * If the stop does not finish in time the JVM exits the default way (143/130).
 */
public final class Daemon {

  private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);

  /** Time a stop may take beyond the configured drain grace (VRRP handover, closing). */
  private static final long STOP_MARGIN_SECONDS = 20;

  private final DaemonConfig config;
  private final Reloader reloader;
  private volatile Components components;
  private volatile Components stopping; // what run() is closing, for a second signal
  private volatile boolean drainEndRequested;
  private final CountDownLatch stopRequested = new CountDownLatch(1);
  private final Hangups hangups = new Hangups();

  /** Guards {@link #started} and {@link #reloadPending} (a SIGHUP racing the end of the start). */
  private final Object startGate = new Object();

  private boolean started;
  private boolean reloadPending;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile int exitStatus = 1;

  public Daemon(DaemonConfig config) {
    this.config = config;
    this.reloader = new Reloader(config.source(), this::apply);
  }

  /**
   * Reload in place (SIGHUP does the same): re-reads the file vipd was started with and, if it is
   * valid, applies what changed without cutting connections (see {@code Components.reload}). An
   * invalid file changes nothing; every problem is logged and returned. Thread-safe; reloads run
   * one at a time. Blocks for the time the reload takes (a VRRP instance that must restart adds up
   * to a few seconds).
   */
  public ReloadResult reload() {
    return reloader.reload();
  }

  /** Tells {@code observer} before and after every reload (systemd {@code RELOADING=1}). */
  public void addReloadObserver(ReloadObserver observer) {
    reloader.addObserver(observer);
  }

  private List<String> apply(DaemonConfig next) throws IOException {
    Components c = components;
    if (c == null) {
      throw new IllegalStateException("vipd is not running");
    }
    return c.reload(next);
  }

  /**
   * Runs in the calling thread until a stop is requested.
   *
   * @return the process exit status: 0 after a clean stop
   */
  public int run() {
    List<String> missingCapabilities = CapabilityCheck.missing(config);
    if (!missingCapabilities.isEmpty()) {
      missingCapabilities.forEach(System.err::println);
      return 1;
    }
    SystemdLifecycle systemd = SystemdLifecycle.fromEnvironment();
    Thread hook = new Thread(this::onSignal, "vipd-shutdown");
    try {
      Runtime.getRuntime().addShutdownHook(hook);
    } catch (IllegalStateException e) {
      // SIGTERM (or SIGINT) came while the configuration was being read: nothing runs yet.
      LOG.info("vipd: stop requested before start; not starting");
      return 0;
    }
    // Before anything starts: a SIGHUP or SIGUSR1 without a handler would end the JVM (a HUP sent
    // by a script while vipd starts meant a stop with exit 0, which systemd does not restart).
    OsSignal.install("HUP", this::onHangup)
        .ifPresent(why -> LOG.warn("SIGHUP will not reload: {}", why));
    OsSignal.install("USR1", this::dumpState)
        .ifPresent(why -> LOG.warn("SIGUSR1 will not dump the state: {}", why));
    if (EarlySignals.takeHangup()) {
      onHangup(); // came while the configuration was read
    }
    Components components = new Components();
    try {
      components.start(config, this::reload);
      this.components = components;
      reloader.addObserver(
          new ReloadObserver() {
            @Override
            public void reloading() {
              systemd.reloading();
            }

            @Override
            public void reloaded(ReloadResult result) {
              systemd.reloaded(result.summary());
            }
          });
      LOG.info(
          "vipd started ({} VRRP instance(s), {} frontend(s), config {})",
          config.vrrp().instances().size(),
          config.proxy().frontends().size(),
          config.source());
      systemd.started("running: " + config.source(), components.liveness()::stuck);
      boolean reloadRequested;
      synchronized (startGate) {
        started = true;
        reloadRequested = reloadPending;
      }
      if (reloadRequested) {
        hangups.signal(this::reloadNow); // merged with SIGHUPs that come meanwhile
      }
      awaitStopRequest();
      stopping = components;
      this.components = null;
      if (drainEndRequested) {
        components.endDrain(); // the second signal came before this
      }
      LOG.info("vipd stopping");
      systemd.stopping();
      components.close();
      exitStatus = 0;
      LOG.info("vipd stopped");
    } catch (IOException | RuntimeException e) {
      LOG.error("vipd cannot start: {}", e.getMessage());
      LOG.debug("start failure", e);
      systemd.stopping();
      components.close();
      exitStatus = 1;
    } finally {
      stopped.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // The JVM is shutting down: the hook is running and will end the process.
      }
    }
    return exitStatus;
  }

  /**
   * SIGHUP: reloads, once vipd has started (one that comes while it starts is kept and runs then);
   * ignored once a stop was requested.
   */
  private void onHangup() {
    if (stopRequested.getCount() == 0) {
      LOG.info("SIGHUP ignored: vipd is stopping");
      return;
    }
    synchronized (startGate) {
      if (!started) {
        if (!reloadPending) {
          LOG.info("SIGHUP while vipd starts: the reload runs once it has started");
        }
        reloadPending = true;
        return;
      }
    }
    if (!hangups.signal(this::reloadNow)) {
      LOG.info("SIGHUP while a reload runs: one more reload follows it");
    }
  }

  private void reloadNow() {
    if (stopRequested.getCount() == 0) {
      LOG.info("reload skipped: vipd is stopping"); // a merged SIGHUP's round, after a stop came
      return;
    }
    try {
      reloader.reload();
    } catch (RuntimeException e) {
      LOG.error("reload failed: {}", e.toString());
    }
  }

  /** SIGUSR1: the state as {@code vipd status} shows it, to the log (keepalived's data dump). */
  private void dumpState() {
    Components c = components;
    String table = c == null ? null : c.statusTable().orElse(null);
    LOG.info(
        "SIGUSR1: state dump{}",
        table == null ? ": vipd is not running yet (or stopping)" : "\n" + table.stripTrailing());
  }

  /** A signal during the stop: the proxy's drain ends now; its connections are closed. */
  private void endDrain() {
    LOG.info("signal during the stop: the drain ends now, established connections are closed");
    drainEndRequested = true;
    Components c = stopping;
    if (c != null) {
      c.endDrain();
    }
  }

  /** Asks {@link #run()} to stop; returns at once. Thread-safe. */
  public void stop() {
    stopRequested.countDown();
  }

  private void awaitStopRequest() {
    try {
      stopRequested.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void onSignal() {
    // Before the stop begins: run() clears `components` as soon as it wakes.
    Components c = components;
    long grace = (c != null ? c.drainGrace() : config.proxy().drainGrace()).toSeconds();
    // A second SIGTERM or SIGINT while vipd stops ends the drain at once (the JVM would ignore it:
    // its shutdown is under way), as a second Ctrl-C does in most daemons; a third ends vipd.
    for (String signal : new String[] {"TERM", "INT"}) {
      OsSignal.install(signal, this::onSignalWhileStopping)
          .ifPresent(why -> LOG.warn("a second SIG{} will not end the drain: {}", signal, why));
    }
    stop();
    try {
      if (stopped.await(grace + STOP_MARGIN_SECONDS, TimeUnit.SECONDS)) {
        System.out.flush();
        Runtime.getRuntime().halt(exitStatus);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The second signal ends the drain; a third ends the process where the stop is. */
  private void onSignalWhileStopping() {
    if (drainEndRequested) {
      LOG.warn("signal during the stop, again: vipd exits now");
      System.out.flush();
      Runtime.getRuntime().halt(1);
    }
    endDrain();
  }
}
