package io.vipd.vrrp.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vipd.vrrp.packet.IpHeaderInfo;
import io.vipd.vrrp.packet.Ipv4ChecksumMode;
import io.vipd.vrrp.packet.VrrpAdvertisement;
import io.vipd.vrrp.packet.VrrpPacketCodec;
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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * After a split brain heals, the master that stays re-announces the VIP (gratuitous ARP burst) when
 * it hears the other one, as keepalived does: for a lower priority and for an equal priority that
 * lost the address tie-break. Simulated clock, scripted socket, counting announcer.
 */
@Timeout(20)
class VrrpRuntimeReannounceTest {

  private static final int VRID = 51;

  @Test
  void equalPriorityLoserAndLowerPriorityBothTriggerABurstButNotAHigherAddress() throws Exception {
    InetAddress local = InetAddress.getByName("10.0.0.11");
    assertEquals(3, burstsAfter(advertFrom("10.0.0.5", 100), local), "equal prio, lower address");
    assertEquals(3, burstsAfter(advertFrom("10.0.0.99", 90), local), "lower prio");
  }

  @Test
  void anEqualPriorityWinnerTakesOverInsteadOfBeingAnnouncedOver() throws Exception {
    InetAddress local = InetAddress.getByName("10.0.0.11");
    assertEquals(0, burstsAfter(advertFrom("10.0.0.99", 100), local), "we lose: no burst");
  }

  @Test
  void anAdvertTheRouterDropsTriggersNoBurst() throws Exception {
    // unicast with one peer: a lower advert from anyone else is dropped (not a peer), not answered
    InetAddress local = InetAddress.getByName("10.0.0.11");
    InetAddress peer = InetAddress.getByName("10.0.0.12");
    assertEquals(
        0,
        burstsAfter(
            advertFrom("10.0.0.99", 90),
            local,
            b -> b.unicastPeers(List.of(peer)),
            new VirtualRouterListener() {}),
        "not a peer: no burst");
    assertEquals(
        3,
        burstsAfter(
            advertFrom("10.0.0.12", 90),
            local,
            b -> b.unicastPeers(List.of(peer)),
            new VirtualRouterListener() {}),
        "the peer, lower: a burst");
  }

  @Test
  void anOwnersConflictReachesTheInstancesListener() throws Exception {
    InetAddress local = InetAddress.getByName("10.0.0.11");
    List<String> conflicts = new java.util.concurrent.CopyOnWriteArrayList<>();
    burstsAfter(
        advertFrom("10.0.0.99", 200),
        local,
        b -> b.priority(255),
        new VirtualRouterListener() {
          @Override
          public void onAddressOwnerConflict(InetAddress source, int advertisedPriority) {
            conflicts.add(source.getHostAddress() + " " + advertisedPriority);
          }
        });
    assertEquals(List.of("10.0.0.99 200"), conflicts);
  }

  private static ReceivedDatagram advertFrom(String source, int priority) throws Exception {
    InetAddress src = InetAddress.getByName(source);
    InetAddress group = InetAddress.getByName("224.0.0.18");
    VrrpAdvertisement adv =
        VrrpAdvertisement.v3(VRID, priority, 100, List.of(InetAddress.getByName("10.0.0.100")));
    byte[] bytes = VrrpPacketCodec.encode(adv, src, group, Ipv4ChecksumMode.PSEUDO_HEADER);
    return new ReceivedDatagram(bytes, new IpHeaderInfo(src, group, 255));
  }

  /** Announcements made after {@code peer} arrives at a master (initial bursts excluded). */
  private static int burstsAfter(ReceivedDatagram peer, InetAddress local) throws Exception {
    return burstsAfter(peer, local, b -> b, new VirtualRouterListener() {});
  }

  /** As above, for a router {@code tweak}ed from the default one, reporting to {@code listener}. */
  private static int burstsAfter(
      ReceivedDatagram peer,
      InetAddress local,
      UnaryOperator<VirtualRouterConfig.Builder> tweak,
      VirtualRouterListener listener)
      throws Exception {
    AtomicLong clock = new AtomicLong(1_000_000_000L);
    InetAddress vip = InetAddress.getByName("10.0.0.100");
    VirtualRouterConfig config =
        tweak
            .apply(
                VirtualRouterConfig.builder("VI_1", VRID, local)
                    .version(VrrpVersion.V3)
                    .priority(100)
                    .advertIntervalCentis(100)
                    .virtualAddresses(List.of(vip)))
            .build();
    VrrpInstanceSpec spec = TestDoubles.spec(config, 3);
    AtomicInteger announced = new AtomicInteger();
    ScriptedSocket socket = new ScriptedSocket(clock);
    VrrpRuntime runtime =
        new VrrpRuntime(
            spec,
            socket,
            TestDoubles.noVips(),
            a -> announced.incrementAndGet(),
            listener,
            clock::get,
            new VrrpStats());
    Thread t = new Thread(runtime, "runtime");
    t.start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (runtime.status().state() != VrrpState.MASTER && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertEquals(VrrpState.MASTER, runtime.status().state());
      Thread.sleep(100); // the initial burst is done
      int before = announced.get();
      socket.inbox.add(peer);
      deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (!socket.inbox.isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      Thread.sleep(200);
      assertTrue(socket.inbox.isEmpty(), "the advert was received");
      return announced.get() - before;
    } finally {
      assertTrue(runtime.stop(5, TimeUnit.SECONDS));
      t.join(5000);
    }
  }

  /** Delivers queued datagrams; otherwise each wait advances the simulated clock by 10 ms. */
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
      clock.addAndGet(Math.min(Math.max(timeoutNanos, 1_000_000L), 10_000_000L));
      return null;
    }

    @Override
    public void close() {}
  }
}
