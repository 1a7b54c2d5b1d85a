package io.vipd.vrrp.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vipd.vrrp.packet.VrrpVersion;
import io.vipd.vrrp.port.ReceivedDatagram;
import io.vipd.vrrp.port.VrrpSocket;
import io.vipd.vrrp.router.VirtualRouterConfig;
import io.vipd.vrrp.router.VirtualRouterListener;
import io.vipd.vrrp.router.VrrpState;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The status snapshot carries the RFC timers and the latest transition: a lone v3 router with a
 * simulated clock (advanced by the silent socket) becomes master when its master down timer
 * expires.
 */
@Timeout(20)
class VrrpRuntimeStatusTest {

  @Test
  void statusCarriesTimersAndTheLastTransition() throws Exception {
    AtomicLong clock = new AtomicLong(1_000_000_000L);
    InetAddress local = InetAddress.getByName("10.0.0.11");
    InetAddress vip = InetAddress.getByName("10.0.0.100");
    VirtualRouterConfig config =
        VirtualRouterConfig.builder("VI_1", 51, local)
            .version(VrrpVersion.V3)
            .priority(200)
            .advertIntervalCentis(100)
            .virtualAddresses(List.of(vip))
            .build();
    VrrpInstanceSpec spec = TestDoubles.spec(config, 1);
    VrrpRuntime runtime =
        new VrrpRuntime(
            spec,
            new SilentSocket(clock),
            TestDoubles.noVips(),
            a -> {},
            new VirtualRouterListener() {},
            clock::get,
            new VrrpStats());
    assertNull(runtime.status().lastTransition());
    long before = System.currentTimeMillis();
    Thread t = new Thread(runtime, "runtime");
    t.start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (runtime.status().state() != VrrpState.MASTER && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      InstanceStatus s = runtime.status();
      assertEquals(VrrpState.MASTER, s.state());
      assertEquals(VrrpVersion.V3, s.version());
      assertEquals(100, s.advertIntervalCentis());
      assertEquals(100, s.masterAdverIntervalCentis());
      // RFC 9568 6.1 worked numbers for priority 200, 100 cs: skew 218.75 ms, down 3.21875 s.
      assertEquals(218_750_000L, s.skewTimeNanos());
      assertEquals(3_218_750_000L, s.masterDownIntervalNanos());
      LastTransition last = s.lastTransition();
      assertNotNull(last);
      assertEquals(VrrpState.BACKUP, last.from());
      assertEquals(VrrpState.MASTER, last.to());
      assertTrue(last.reason().contains("master down"), last.reason());
      assertTrue(
          last.atEpochMillis() >= before && last.atEpochMillis() <= System.currentTimeMillis(),
          "transition time " + last.atEpochMillis());
    } finally {
      assertTrue(runtime.stop(5, TimeUnit.SECONDS));
      t.join(5000);
    }
  }

  /** Never receives; each wait advances the simulated clock by the time waited. */
  private static final class SilentSocket implements VrrpSocket {
    private final AtomicLong clock;

    SilentSocket(AtomicLong clock) {
      this.clock = clock;
    }

    @Override
    public void send(byte[] vrrpMessage, InetAddress destination) {}

    @Override
    public ReceivedDatagram receive(long timeoutNanos) throws java.io.IOException {
      clock.addAndGet(Math.max(timeoutNanos, 1_000_000L));
      return null;
    }

    @Override
    public void close() {}
  }
}
