package io.vipd.daemon.systemd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** READY, then watchdog pings every half WATCHDOG_USEC, then STOPPING and silence. */
@Timeout(30)
class SystemdLifecycleTest {

  @TempDir Path dir;

  @Test
  void readyThenPingsThenStopping() throws Exception {
    try (DatagramReceiver systemd = new DatagramReceiver(dir.resolve("n").toString(), 1000)) {
      SystemdLifecycle life =
          new SystemdLifecycle(
              new SystemdNotifier(
                  Map.of("NOTIFY_SOCKET", systemd.address(), "WATCHDOG_USEC", "200000"),
                  1,
                  () -> 7));
      long t0 = System.nanoTime();
      life.started("running: test");
      assertEquals("READY=1\nSTATUS=running: test", systemd.expect());
      List<Long> pingsAtMillis = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        assertEquals("WATCHDOG=1", systemd.expect());
        pingsAtMillis.add((System.nanoTime() - t0) / 1_000_000);
      }
      // Period 100 ms (half of 200 ms): four pings take at least ~400 ms and, on a loaded
      // machine, well under the 4 x 200 ms systemd would tolerate plus slack.
      assertTrue(pingsAtMillis.get(3) >= 350, pingsAtMillis.toString());
      assertTrue(pingsAtMillis.get(3) < 2000, pingsAtMillis.toString());
      life.reloading();
      String reloading;
      do {
        reloading = systemd.expect();
      } while (reloading.equals("WATCHDOG=1"));
      assertEquals("RELOADING=1\nMONOTONIC_USEC=7", reloading);
      life.stopping();
      String stopping;
      do {
        stopping = systemd.expect();
      } while (stopping.equals("WATCHDOG=1"));
      assertEquals("STOPPING=1", stopping);
      assertEquals(Optional.empty(), systemd.receive(), "pings continue after STOPPING");
      life.stopping();
      assertEquals("STOPPING=1", systemd.expect());
    }
  }

  @Test
  void noPingWhileSomethingIsStuck() throws Exception {
    try (DatagramReceiver systemd = new DatagramReceiver(dir.resolve("n").toString(), 1000)) {
      SystemdLifecycle life =
          new SystemdLifecycle(
              new SystemdNotifier(
                  Map.of("NOTIFY_SOCKET", systemd.address(), "WATCHDOG_USEC", "200000"),
                  1,
                  () -> 7));
      java.util.concurrent.atomic.AtomicReference<Optional<String>> stuck =
          new java.util.concurrent.atomic.AtomicReference<>(Optional.empty());
      life.started("running: test", stuck::get);
      assertEquals("READY=1\nSTATUS=running: test", systemd.expect());
      assertEquals("WATCHDOG=1", systemd.expect());
      stuck.set(Optional.of("proxy event loop stuck for 3 s"));
      systemd.receive(); // a ping already on its way
      assertEquals(Optional.empty(), systemd.receive(), "no ping while stuck: systemd restarts");
      stuck.set(Optional.empty());
      assertEquals("WATCHDOG=1", systemd.expect(), "pings again once it works");
      life.stopping();
    }
  }

  @Test
  void noWatchdogWithoutWatchdogUsec() throws Exception {
    try (DatagramReceiver systemd = new DatagramReceiver(dir.resolve("n").toString(), 500)) {
      SystemdLifecycle life =
          new SystemdLifecycle(
              new SystemdNotifier(Map.of("NOTIFY_SOCKET", systemd.address()), 1, () -> 0));
      life.started("up");
      assertEquals("READY=1\nSTATUS=up", systemd.expect());
      assertEquals(Optional.empty(), systemd.receive());
      life.stopping();
      assertEquals("STOPPING=1", systemd.expect());
    }
  }
}
