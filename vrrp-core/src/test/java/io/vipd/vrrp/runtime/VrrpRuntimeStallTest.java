package io.vipd.vrrp.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vipd.vrrp.packet.VrrpVersion;
import io.vipd.vrrp.port.ReceivedDatagram;
import io.vipd.vrrp.port.VrrpSocket;
import io.vipd.vrrp.router.VirtualRouterConfig;
import io.vipd.vrrp.router.VirtualRouterListener;
import io.vipd.vrrp.router.VrrpState;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A backup whose thread stalls (a long pause, a stopped process) past its Master_Down_Interval
 * while the master goes on advertising finds the master's adverts queued in its socket when it runs
 * again: it must hear them before its timer decides, and stay backup, rather than become master
 * (VIP, gratuitous ARP) until it reads them. Simulated clock, scripted socket.
 */
@Timeout(20)
class VrrpRuntimeStallTest {

  private static final int VRID = 51;

  @Test
  void advertsQueuedDuringAStallAreHeardBeforeTheMasterDownTimer() throws Exception {
    AtomicLong clock = new AtomicLong(1_000_000_000L);
    VirtualRouterConfig config =
        VirtualRouterConfig.builder("VI_1", VRID, InetAddress.getByName("10.0.0.11"))
            .version(VrrpVersion.V3)
            .priority(100)
            .advertIntervalCentis(100)
            .virtualAddresses(List.of(InetAddress.getByName("10.0.0.100")))
            .build();
    StallingSocket socket = new StallingSocket(clock);
    VrrpRuntime runtime =
        new VrrpRuntime(
            TestDoubles.spec(config, 1),
            socket,
            TestDoubles.noVips(),
            a -> {},
            new VirtualRouterListener() {},
            clock::get,
            new VrrpStats());
    Thread t = new Thread(runtime, "runtime");
    t.start();
    try {
      TestDoubles.awaitTrue(
          () -> runtime.status().state() == VrrpState.BACKUP, "started as backup");
      socket.inbox.add(TestDoubles.advertFrom(VRID, "10.0.0.12", 200));
      TestDoubles.awaitTrue(
          () -> "10.0.0.12".equals(runtime.status().masterAddress()), "master heard");

      // the thread stalls for 5 s right after a receive; the master advertised meanwhile
      socket.stallAfterNextReceive.set(true);
      TestDoubles.awaitTrue(() -> !socket.stallAfterNextReceive.get(), "the stall happened");
      TestDoubles.awaitTrue(socket.inbox::isEmpty, "the queued advert was read");
      Thread.sleep(50); // steps after it
      assertEquals(VrrpState.BACKUP, runtime.status().state(), "no master for nothing");
      assertEquals(0, socket.sent.get(), "no advert sent: it never was master");
    } finally {
      assertTrue(runtime.stop(5, TimeUnit.SECONDS), "the runtime stopped when asked");
      t.join(5000);
    }
  }

  /**
   * Delivers queued datagrams; otherwise each wait advances the simulated clock by up to 1 ms.
   * Asked to stall, its next empty receive returns as if the thread then stopped for 5 s, during
   * which an advert of the master arrived.
   */
  private static final class StallingSocket implements VrrpSocket {
    private final AtomicLong clock;
    final ConcurrentLinkedQueue<ReceivedDatagram> inbox = new ConcurrentLinkedQueue<>();
    final AtomicBoolean stallAfterNextReceive = new AtomicBoolean();
    final AtomicLong sent = new AtomicLong();

    StallingSocket(AtomicLong clock) {
      this.clock = clock;
    }

    @Override
    public void send(byte[] vrrpMessage, InetAddress destination) {
      sent.incrementAndGet();
    }

    @Override
    public ReceivedDatagram receive(long timeoutNanos) {
      ReceivedDatagram d = inbox.poll();
      if (d != null) {
        return d;
      }
      if (stallAfterNextReceive.get()) {
        try {
          inbox.add(TestDoubles.advertFrom(VRID, "10.0.0.12", 200));
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
        clock.addAndGet(TimeUnit.SECONDS.toNanos(5));
        stallAfterNextReceive.set(false);
        return null;
      }
      LockSupport.parkNanos(1_000_000L);
      clock.addAndGet(Math.min(Math.max(timeoutNanos, 1_000L), 1_000_000L));
      return null;
    }

    @Override
    public void close() {}
  }
}
