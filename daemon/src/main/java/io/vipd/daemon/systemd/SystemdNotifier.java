package io.vipd.daemon.systemd;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code sd_notify(3)} protocol: state messages ({@code READY=1}, {@code RELOADING=1}, {@code
 * STOPPING=1}, {@code WATCHDOG=1}, {@code STATUS=...}) sent as one datagram each to the {@code
 * AF_UNIX} socket systemd names in {@code $NOTIFY_SOCKET}.
 *
 * <p>Every method is a no-op returning {@code false} when {@code NOTIFY_SOCKET} is unset (not run
 * by systemd, or {@code Type=} is not {@code notify}). A failed send is logged (a warning the first
 * time, debug after) and reported as {@code false}; it never throws, because losing a notification
 * must not stop the daemon. Thread-safe.
 */
public final class SystemdNotifier {

  private static final Logger LOG = LoggerFactory.getLogger(SystemdNotifier.class);

  private final Optional<String> socket;
  private final Optional<Duration> watchdogTimeout;
  private final LongSupplier monotonicMicros;
  private final AtomicBoolean warned = new AtomicBoolean();

  /**
   * A notifier for the given environment.
   *
   * @param environment the process environment ({@code NOTIFY_SOCKET}, {@code WATCHDOG_USEC},
   *     {@code WATCHDOG_PID})
   * @param pid this process's id, compared with {@code WATCHDOG_PID}
   * @param monotonicMicros {@code CLOCK_MONOTONIC} in microseconds (for {@code MONOTONIC_USEC})
   */
  SystemdNotifier(Map<String, String> environment, long pid, LongSupplier monotonicMicros) {
    String s = environment.get("NOTIFY_SOCKET");
    this.socket = s == null || s.isEmpty() ? Optional.empty() : Optional.of(s);
    this.watchdogTimeout = watchdog(environment, pid);
    this.monotonicMicros = monotonicMicros;
  }

  /**
   * The notifier for this process. HotSpot on Linux implements {@link System#nanoTime()} with
   * {@code CLOCK_MONOTONIC}, the clock systemd expects in {@code MONOTONIC_USEC}.
   */
  public static SystemdNotifier fromEnvironment() {
    return new SystemdNotifier(
        System.getenv(), ProcessHandle.current().pid(), () -> System.nanoTime() / 1000);
  }

  /** Whether systemd asked for notifications ({@code NOTIFY_SOCKET} is set). */
  public boolean enabled() {
    return socket.isPresent();
  }

  /**
   * The watchdog timeout systemd enforces ({@code WatchdogSec=}, passed as {@code WATCHDOG_USEC}),
   * empty when there is none or it is meant for another process ({@code WATCHDOG_PID}). Send {@link
   * #watchdog()} well within it; systemd recommends every half timeout.
   */
  public Optional<Duration> watchdogTimeout() {
    return socket.isPresent() ? watchdogTimeout : Optional.empty();
  }

  /** {@code READY=1}: start-up (or a reload) finished; {@code systemctl start} returns. */
  public boolean ready() {
    return send("READY=1");
  }

  /** {@code READY=1} with a {@code STATUS=} line shown by {@code systemctl status}. */
  public boolean ready(String status) {
    return send("READY=1\nSTATUS=" + oneLine(status));
  }

  /**
   * {@code RELOADING=1} with {@code MONOTONIC_USEC}, which systemd 253+ requires for {@code
   * Type=notify-reload}; older versions ignore the extra field. Send {@link #ready()} when the
   * reload is done.
   */
  public boolean reloading() {
    return send("RELOADING=1\nMONOTONIC_USEC=" + monotonicMicros.getAsLong());
  }

  /** {@code STOPPING=1}: an orderly stop began. */
  public boolean stopping() {
    return send("STOPPING=1");
  }

  /** {@code WATCHDOG=1}: the keep-alive ping for {@code WatchdogSec=}. */
  public boolean watchdog() {
    return send("WATCHDOG=1");
  }

  /** {@code STATUS=text}: a one-line status for {@code systemctl status}. */
  public boolean status(String text) {
    return send("STATUS=" + oneLine(text));
  }

  private boolean send(String message) {
    if (socket.isEmpty()) {
      return false;
    }
    try {
      UnixDatagram.send(socket.get(), message.getBytes(StandardCharsets.UTF_8));
      return true;
    } catch (IOException | RuntimeException | LinkageError e) {
      // LinkageError: jnr-ffi could not load libc; notifications are then impossible, not fatal.
      if (warned.compareAndSet(false, true)) {
        LOG.warn("systemd notification to {} failed: {}", socket.get(), e.getMessage());
      } else {
        LOG.debug("systemd notification to {} failed: {}", socket.get(), e.getMessage());
      }
      return false;
    }
  }

  private static String oneLine(String text) {
    return text.replace('\n', ' ');
  }

  private static Optional<Duration> watchdog(Map<String, String> environment, long pid) {
    String usec = environment.get("WATCHDOG_USEC");
    if (usec == null) {
      return Optional.empty();
    }
    String forPid = environment.get("WATCHDOG_PID");
    try {
      if (forPid != null && Long.parseLong(forPid.trim()) != pid) {
        return Optional.empty();
      }
      long micros = Long.parseLong(usec.trim());
      return micros > 0 ? Optional.of(Duration.ofNanos(micros * 1000)) : Optional.empty();
    } catch (NumberFormatException e) {
      LOG.warn("ignoring the systemd watchdog: WATCHDOG_USEC={} WATCHDOG_PID={}", usec, forPid);
      return Optional.empty();
    }
  }
}
