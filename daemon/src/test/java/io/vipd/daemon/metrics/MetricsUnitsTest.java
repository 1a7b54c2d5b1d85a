package io.vipd.daemon.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vipd.vrrp.router.VrrpState;
import io.vipd.vrrp.runtime.InstanceStatus;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class MetricsUnitsTest {

  @Test
  void cachedReadsTheSourceOncePerLifetime() {
    AtomicLong clock = new AtomicLong();
    AtomicInteger reads = new AtomicInteger();
    Cached<Integer> c = new Cached<>(reads::incrementAndGet, 100, clock::get);
    assertEquals(1, c.get());
    clock.set(99);
    assertEquals(1, c.get());
    clock.set(100);
    assertEquals(2, c.get());
    assertEquals(2, reads.get());
  }

  @Test
  void mastersSeenCountsDistinctAddressesPerInstance() {
    AtomicReference<List<InstanceStatus>> now =
        new AtomicReference<>(
            List.of(
                new InstanceStatus("VI_1", VrrpState.INITIALIZE, 100, null),
                new InstanceStatus("VI_2", VrrpState.BACKUP, 100, "10.0.0.9")));
    MastersSeen seen = new MastersSeen(now::get);
    assertEquals(0, seen.count("VI_1"));
    now.set(
        List.of(
            new InstanceStatus("VI_1", VrrpState.BACKUP, 100, "10.0.0.12"),
            new InstanceStatus("VI_2", VrrpState.BACKUP, 100, "10.0.0.9")));
    seen.sample();
    now.set(
        List.of(
            new InstanceStatus("VI_1", VrrpState.MASTER, 100, "10.0.0.11"),
            new InstanceStatus("VI_2", VrrpState.BACKUP, 100, "10.0.0.9")));
    assertEquals(List.of("10.0.0.12", "10.0.0.11"), seen.addresses("VI_1"));
    now.set(
        List.of(
            new InstanceStatus("VI_1", VrrpState.BACKUP, 100, "10.0.0.12"),
            new InstanceStatus("VI_2", VrrpState.BACKUP, 100, "10.0.0.9")));
    assertEquals(2, seen.count("VI_1"));
    assertEquals(1, seen.count("VI_2"));
    assertEquals(0, seen.count("VI_3"));
  }
}
