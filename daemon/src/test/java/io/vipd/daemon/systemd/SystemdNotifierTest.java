package io.vipd.daemon.systemd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** sd_notify datagrams as a real AF_UNIX receiver sees them. */
@Timeout(30)
class SystemdNotifierTest {

  private static final long PID = 4242;

  @TempDir Path dir;

  private static SystemdNotifier notifier(String socket) {
    return new SystemdNotifier(Map.of("NOTIFY_SOCKET", socket), PID, () -> 123456789L);
  }

  @Test
  void sendsEachStateAsOneExactDatagramToAPathSocket() throws Exception {
    try (DatagramReceiver systemd = new DatagramReceiver(dir.resolve("notify").toString(), 2000)) {
      SystemdNotifier n = notifier(systemd.address());
      assertTrue(n.enabled());
      assertTrue(n.ready());
      assertEquals("READY=1", systemd.expect());
      assertTrue(n.ready("running: /etc/vipd/vipd.conf"));
      assertEquals("READY=1\nSTATUS=running: /etc/vipd/vipd.conf", systemd.expect());
      assertTrue(n.reloading());
      assertEquals("RELOADING=1\nMONOTONIC_USEC=123456789", systemd.expect());
      assertTrue(n.watchdog());
      assertEquals("WATCHDOG=1", systemd.expect());
      assertTrue(n.status("two\nlines"));
      assertEquals("STATUS=two lines", systemd.expect());
      assertTrue(n.stopping());
      assertEquals("STOPPING=1", systemd.expect());
      assertEquals(Optional.empty(), systemd.receive());
    }
  }

  @Test
  void abstractNamespaceAddressStartsWithAt() throws Exception {
    String name = "@vipd-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    try (DatagramReceiver systemd = new DatagramReceiver(name, 2000)) {
      assertTrue(notifier(name).ready());
      assertEquals("READY=1", systemd.expect());
    }
    // No file appears for an abstract name.
    assertFalse(Files.exists(Path.of(name)));
  }

  @Test
  void sockaddrUnLayout() {
    byte[] path = UnixDatagram.sockaddrUn("/run/x");
    assertArrayEquals(new byte[] {1, 0, '/', 'r', 'u', 'n', '/', 'x', 0}, path);
    byte[] abs = UnixDatagram.sockaddrUn("@sd");
    assertArrayEquals(new byte[] {1, 0, 0, 's', 'd'}, abs);
    assertThrows(IllegalArgumentException.class, () -> UnixDatagram.sockaddrUn("@"));
    assertThrows(
        IllegalArgumentException.class, () -> UnixDatagram.sockaddrUn("/" + "a".repeat(107)));
  }

  @Test
  void withoutNotifySocketNothingIsSent() {
    SystemdNotifier n = new SystemdNotifier(Map.of("WATCHDOG_USEC", "1000000"), PID, () -> 0);
    assertFalse(n.enabled());
    assertFalse(n.ready());
    assertFalse(n.reloading());
    assertFalse(n.stopping());
    assertFalse(n.watchdog());
    assertFalse(n.status("x"));
    assertEquals(Optional.empty(), n.watchdogTimeout());
  }

  @Test
  void aSocketNobodyListensOnIsAFailedSendNotAnException() {
    SystemdNotifier n = notifier(dir.resolve("nobody").toString());
    assertFalse(n.ready());
    assertFalse(n.ready());
    assertFalse(notifier("@" + "x".repeat(200)).ready());
  }

  @Test
  void watchdogTimeoutHonoursWatchdogPid() {
    String s = dir.resolve("n").toString();
    assertEquals(
        Optional.of(Duration.ofMillis(500)),
        new SystemdNotifier(Map.of("NOTIFY_SOCKET", s, "WATCHDOG_USEC", "500000"), PID, () -> 0)
            .watchdogTimeout());
    assertEquals(
        Optional.of(Duration.ofSeconds(30)),
        new SystemdNotifier(
                Map.of("NOTIFY_SOCKET", s, "WATCHDOG_USEC", "30000000", "WATCHDOG_PID", "4242"),
                PID,
                () -> 0)
            .watchdogTimeout());
    assertEquals(
        Optional.empty(),
        new SystemdNotifier(
                Map.of("NOTIFY_SOCKET", s, "WATCHDOG_USEC", "30000000", "WATCHDOG_PID", "1"),
                PID,
                () -> 0)
            .watchdogTimeout());
    assertEquals(
        Optional.empty(),
        new SystemdNotifier(Map.of("NOTIFY_SOCKET", s, "WATCHDOG_USEC", "soon"), PID, () -> 0)
            .watchdogTimeout());
  }

  @Test
  void monotonicUsecIsClockMonotonic() throws Exception {
    // CLOCK_MONOTONIC and /proc/uptime (CLOCK_BOOTTIME) differ only by time spent suspended.
    try (DatagramReceiver systemd = new DatagramReceiver(dir.resolve("m").toString(), 2000)) {
      SystemdNotifier n =
          new SystemdNotifier(
              Map.of("NOTIFY_SOCKET", systemd.address()), PID, () -> System.nanoTime() / 1000);
      double uptimeBefore = uptimeSeconds();
      assertTrue(n.reloading());
      String m = systemd.expect();
      assertTrue(m.startsWith("RELOADING=1\nMONOTONIC_USEC="), m);
      double sent = Long.parseLong(m.substring(m.indexOf('=', 12) + 1)) / 1e6;
      assertTrue(
          Math.abs(sent - uptimeBefore) < 5, "MONOTONIC_USEC " + sent + " uptime " + uptimeBefore);
    }
  }

  private static double uptimeSeconds() throws Exception {
    return Double.parseDouble(Files.readString(Path.of("/proc/uptime")).split(" ")[0]);
  }
}
