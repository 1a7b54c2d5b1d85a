package io.vipd.vrrp.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vipd.vrrp.packet.RxDropReason;
import io.vipd.vrrp.packet.VrrpVersion;
import io.vipd.vrrp.port.ReceivedDatagram;
import io.vipd.vrrp.port.VrrpSocket;
import io.vipd.vrrp.router.VirtualRouterConfig;
import io.vipd.vrrp.router.VirtualRouterListener;
import io.vipd.vrrp.router.VrrpState;
import java.net.InetAddress;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A datagram the socket could not read ({@link ReceivedDatagram#unreadable()}) is counted as {@link
 * RxDropReason#BAD_IP_HEADER} and nothing else, and the runtime carries on: the advert that follows
 * is received and judged as usual. Simulated clock, scripted socket.
 */
@Timeout(20)
class VrrpRuntimeUnreadableDropTest {

  private static final int VRID = 51;
  private static final int UNREADABLE = 3;

  @Test
  void unreadableDatagramsAreCountedAndTheRuntimeKeepsRunning() throws Exception {
    AtomicLong clock = new AtomicLong(1_000_000_000L);
    InetAddress local = InetAddress.getByName("10.0.0.11");
    InetAddress vip = InetAddress.getByName("10.0.0.100");
    VirtualRouterConfig config =
        VirtualRouterConfig.builder("VI_1", VRID, local)
            .version(VrrpVersion.V3)
            .priority(100)
            .advertIntervalCentis(100)
            .virtualAddresses(List.of(vip))
            .build();
    ScriptedSocket socket = new ScriptedSocket(clock);
    VrrpStats stats = new VrrpStats();
    VrrpRuntime runtime =
        new VrrpRuntime(
            TestDoubles.spec(config, 1),
            socket,
            TestDoubles.noVips(),
            a -> {},
            new VirtualRouterListener() {},
            clock::get,
            stats);
    Thread t = new Thread(runtime, "runtime");
    t.start();
    try {
      TestDoubles.awaitTrue(
          () -> runtime.status().state() == VrrpState.BACKUP, "started as backup");
      for (int i = 0; i < UNREADABLE; i++) {
        socket.inbox.add(ReceivedDatagram.unreadable());
      }
      TestDoubles.awaitTrue(socket.inbox::isEmpty, "the unreadable datagrams were received");
      // A higher-priority master's advert after them is received and heeded as usual.
      socket.inbox.add(TestDoubles.advertFrom(VRID, "10.0.0.12", 200));
      TestDoubles.awaitTrue(
          () -> "10.0.0.12".equals(runtime.status().masterAddress()),
          "the advert after them was received and its sender taken as master");
      assertTrue(t.isAlive(), "the runtime thread survived");
      assertEquals(1, stats.advertsReceived());

      Map<RxDropReason, Long> expected = new EnumMap<>(RxDropReason.class);
      for (RxDropReason reason : RxDropReason.values()) {
        expected.put(reason, reason == RxDropReason.BAD_IP_HEADER ? (long) UNREADABLE : 0L);
      }
      assertEquals(expected, stats.dropsSnapshot());
      assertEquals(VrrpState.BACKUP, runtime.status().state());
    } finally {
      assertTrue(runtime.stop(5, TimeUnit.SECONDS), "the runtime stopped when asked");
      t.join(5000);
    }
  }

  /** Delivers queued datagrams; otherwise each wait advances the simulated clock by up to 1 ms. */
  private static final class ScriptedSocket implements VrrpSocket {
    private final AtomicLong clock;
    final ConcurrentLinkedQueue<ReceivedDatagram> inbox = new ConcurrentLinkedQueue<>();

    ScriptedSocket(AtomicLong clock) {
      this.clock = clock;
    }

    @Override
    public void send(byte[] vrrpMessage, InetAddress destination) {}

    @Override
    public ReceivedDatagram receive(long timeoutNanos) {
      ReceivedDatagram d = inbox.poll();
      if (d != null) {
        return d;
      }
      LockSupport.parkNanos(1_000_000L);
      clock.addAndGet(Math.min(Math.max(timeoutNanos, 1_000L), 1_000_000L));
      return null;
    }

    @Override
    public void close() {}
  }
}
