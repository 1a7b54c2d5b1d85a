package io.vipd.vrrp.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vipd.vrrp.packet.DecodeResult;
import io.vipd.vrrp.packet.IpHeaderInfo;
import io.vipd.vrrp.packet.Ipv4ChecksumMode;
import io.vipd.vrrp.packet.VrrpPacketCodec;
import io.vipd.vrrp.packet.VrrpVersion;
import io.vipd.vrrp.port.ReceivedDatagram;
import io.vipd.vrrp.port.VipManager;
import io.vipd.vrrp.port.VirtualAddress;
import io.vipd.vrrp.port.VrrpSocket;
import io.vipd.vrrp.router.Transition;
import io.vipd.vrrp.router.VirtualRouterConfig;
import io.vipd.vrrp.router.VirtualRouterListener;
import io.vipd.vrrp.router.VrrpState;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link VrrpRuntime#reconfigure} from another thread: a master takes a new priority and new GARP
 * refresh settings without a transition, a priority 0 advert or a VIP removal; an identity change
 * is refused on the caller's thread. Simulated clock advanced by the silent socket.
 */
@Timeout(30)
class VrrpRuntimeReconfigureTest {

  private static final long SECOND = 1_000_000_000L;
  private static final InetAddress LOCAL = ip("10.0.0.11");
  private static final InetAddress VIP = ip("10.0.0.100");

  private final AtomicLong clock = new AtomicLong(SECOND);
  private final RecordingSocket socket = new RecordingSocket(clock);
  private final AtomicInteger removed = new AtomicInteger();
  private final AtomicInteger announced = new AtomicInteger();
  private final ConcurrentLinkedQueue<Transition> transitions = new ConcurrentLinkedQueue<>();

  private static InetAddress ip(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static VrrpInstanceSpec spec(VirtualRouterConfig.Builder router, GarpSettings garp) {
    return new VrrpInstanceSpec(
        router.build(),
        "eth0",
        List.of(new VirtualAddress(VIP, 24, "eth0", Optional.empty())),
        Ipv4ChecksumMode.PSEUDO_HEADER,
        garp,
        0);
  }

  private static VirtualRouterConfig.Builder router(int priority) {
    return VirtualRouterConfig.builder("VI_1", 51, LOCAL)
        .version(VrrpVersion.V3)
        .priority(priority)
        .advertIntervalCentis(100)
        .initialMaster(true)
        .virtualAddresses(List.of(VIP));
  }

  @Test
  void aMasterTakesANewPriorityAndGarpRefreshInPlace() throws Exception {
    GarpSettings noRefresh = new GarpSettings(1, 0, 0, 1);
    VrrpRuntime runtime = runtime(spec(router(150), noRefresh));
    Thread t = new Thread(runtime, "runtime");
    t.start();
    try {
      await(() -> runtime.status().state() == VrrpState.MASTER, "master");
      await(() -> socket.priorities.size() >= 2, "adverts at 150");
      assertEquals(150, socket.priorities.peek());
      int announcedBefore = announced.get();
      long clockBefore = clock.get();

      runtime.reconfigure(spec(router(120).preempt(false), new GarpSettings(1, 0, SECOND / 2, 2)));
      await(() -> runtime.status().effectivePriority() == 120, "priority 120 in the status");
      socket.priorities.clear();
      await(() -> socket.priorities.size() >= 3, "three adverts after the reload");
      await(() -> clock.get() - clockBefore > 3 * SECOND, "three simulated seconds");

      assertTrue(socket.priorities.stream().allMatch(p -> p == 120), "" + socket.priorities);
      assertEquals(VrrpState.MASTER, runtime.status().state());
      assertEquals(1, transitions.size(), "only the startup transition: " + transitions);
      assertEquals(0, removed.get(), "the VIP was never removed");
      // refreshes every 0.5 s of 2 announcements each: at least 8 in 3 s
      assertTrue(announced.get() - announcedBefore >= 8, "refreshes: " + announced.get());
    } finally {
      assertTrue(runtime.stop(5, TimeUnit.SECONDS));
      t.join(5000);
    }
    assertEquals(1, removed.get(), "stopping still removes the VIP");
  }

  /** A control-plane node joins: the master's adverts go to it too, with no transition. */
  @Test
  void aUnicastMasterSendsToANewPeerFromTheReloadOn() throws Exception {
    InetAddress peer1 = ip("10.0.0.12");
    InetAddress peer2 = ip("10.0.0.13");
    GarpSettings garp = new GarpSettings(1, 0, 0, 1);
    VrrpRuntime runtime = runtime(spec(router(150).unicastPeers(List.of(peer1)), garp));
    Thread t = new Thread(runtime, "runtime");
    t.start();
    try {
      await(() -> socket.destinations.size() >= 2, "adverts to the one peer");
      assertEquals(List.of(peer1), List.copyOf(new java.util.LinkedHashSet<>(socket.destinations)));

      runtime.reconfigure(spec(router(150).unicastPeers(List.of(peer1, peer2)), garp));
      await(() -> socket.destinations.contains(peer2), "an advert to the new peer");
      socket.destinations.clear();
      await(() -> socket.destinations.size() >= 4, "two more rounds");
      assertTrue(socket.destinations.containsAll(List.of(peer1, peer2)), "" + socket.destinations);

      runtime.reconfigure(spec(router(150).unicastPeers(List.of(peer2)), garp));
      // each round went to peer1 then peer2: two in a row to peer2 come only from the new peers
      await(
          () -> {
            List<InetAddress> sent = List.copyOf(socket.destinations);
            int n = sent.size();
            return n >= 2 && sent.get(n - 1).equals(peer2) && sent.get(n - 2).equals(peer2);
          },
          "two adverts in a row to the one peer left");
      socket.destinations.clear();
      await(() -> socket.destinations.size() >= 2, "two more adverts");
      assertEquals(List.of(peer2, peer2), List.copyOf(socket.destinations).subList(0, 2));

      assertEquals(VrrpState.MASTER, runtime.status().state());
      assertEquals(1, transitions.size(), "only the startup transition: " + transitions);
      assertEquals(0, removed.get(), "the VIP was never removed");
    } finally {
      assertTrue(runtime.stop(5, TimeUnit.SECONDS));
      t.join(5000);
    }
  }

  @Test
  void aMasterMovesToReplacedPortsAndClosesTheOldOnes() throws Exception {
    VrrpRuntime runtime = runtime(spec(router(150), new GarpSettings(1, 0, SECOND / 2, 1)));
    Thread t = new Thread(runtime, "runtime");
    t.start();
    RecordingSocket next = new RecordingSocket(clock);
    AtomicInteger nextAnnounced = new AtomicInteger();
    try {
      await(() -> socket.priorities.size() >= 2, "adverts on the first socket");
      runtime.replacePorts(next, a -> nextAnnounced.incrementAndGet());
      await(() -> socket.closed, "the first socket closed");
      int onFirst = socket.priorities.size();
      await(() -> next.priorities.size() >= 3, "adverts on the new socket");
      await(() -> nextAnnounced.get() >= 2, "GARP refreshes through the new announcer");
      assertEquals(onFirst, socket.priorities.size(), "nothing sent on the old socket after");
      assertEquals(VrrpState.MASTER, runtime.status().state());
      assertEquals(1, transitions.size(), "no transition: " + transitions);
    } finally {
      assertTrue(runtime.stop(5, TimeUnit.SECONDS));
      t.join(5000);
    }
  }

  @Test
  void inFaultItTakesANewAddressAndAReloadBuiltOnTheOldOneKeepsIt() throws Exception {
    InetAddress renumbered = ip("10.0.0.13");
    GarpSettings garp = new GarpSettings(1, 0, 0, 1);
    VrrpRuntime runtime = runtime(spec(router(150), garp));
    Thread t = new Thread(runtime, "runtime");
    t.start();
    RecordingSocket next = new RecordingSocket(clock, renumbered);
    try {
      await(() -> runtime.status().state() == VrrpState.MASTER, "master");
      runtime.setFault("interface eth0", true, "interface eth0 down");
      await(() -> runtime.status().state() == VrrpState.FAULT, "fault");
      runtime.readdress(renumbered, next, a -> {});
      // a reload that read the address before the readdress ran: it must not undo it, nor fail
      runtime.reconfigure(spec(router(120), garp));
      await(() -> renumbered.equals(runtime.primaryAddress()), "the new address taken");
      await(() -> socket.closed, "the old socket closed");
      runtime.setFault("interface eth0", false, "interface eth0 created again");
      await(() -> runtime.status().state() == VrrpState.MASTER, "master again");
      await(() -> next.priorities.size() >= 2, "adverts on the new socket");
      // decoded with the new source address: checksummed with it, at the reload's priority
      assertTrue(next.priorities.stream().allMatch(p -> p == 120), "" + next.priorities);
      assertEquals(renumbered, runtime.primaryAddress(), "the reload kept the new address");
    } finally {
      assertTrue(runtime.stop(5, TimeUnit.SECONDS));
      t.join(5000);
    }
  }

  @Test
  void outsideFaultItKeepsItsAddressAndPortsAndClosesTheNewOnes() throws Exception {
    VrrpRuntime runtime = runtime(spec(router(150), new GarpSettings(1, 0, 0, 1)));
    Thread t = new Thread(runtime, "runtime");
    t.start();
    RecordingSocket next = new RecordingSocket(clock);
    try {
      await(() -> runtime.status().state() == VrrpState.MASTER, "master");
      runtime.readdress(ip("10.0.0.13"), next, a -> {});
      await(() -> next.closed, "the new socket closed");
      assertEquals(LOCAL, runtime.primaryAddress());
      socket.priorities.clear();
      await(() -> socket.priorities.size() >= 2, "adverts go on on the old socket");
      assertEquals(VrrpState.MASTER, runtime.status().state());
    } finally {
      assertTrue(runtime.stop(5, TimeUnit.SECONDS));
      t.join(5000);
    }
    assertFalse(t.isAlive(), "the runtime ended normally");
  }

  @Test
  void anInitialMasterFaultedBeforeItStartsIsNeverMaster() throws Exception {
    VrrpRuntime runtime = runtime(spec(router(150), new GarpSettings(1, 0, 0, 1)));
    runtime.setFaultBeforeStart("interface eth0", "interface eth0 down");
    Thread t = new Thread(runtime, "runtime");
    t.start();
    try {
      await(() -> runtime.status().state() == VrrpState.FAULT, "fault");
      Thread.sleep(100);
      assertEquals(
          List.of("INITIALIZE->FAULT"),
          transitions.stream().map(x -> x.from() + "->" + x.to()).toList(),
          "straight to FAULT: no MASTER first");
      assertEquals(0, announced.get(), "nothing announced");
      assertTrue(socket.priorities.isEmpty(), "nothing sent");
      assertThrows(IllegalStateException.class, () -> runtime.setFaultBeforeStart("x", "too late"));
      runtime.setFault("interface eth0", false, "interface eth0 up");
      await(() -> runtime.status().state() == VrrpState.MASTER, "master once the fault clears");
    } finally {
      assertTrue(runtime.stop(5, TimeUnit.SECONDS));
      t.join(5000);
    }
  }

  @Test
  void aHeldStartWaitsInInitializeAndStartsWithWhatWasQueuedMeanwhile() throws Exception {
    VrrpRuntime runtime = runtime(spec(router(150), new GarpSettings(1, 0, 0, 1)));
    runtime.holdStartBefore("tracked weight-0 check(s) api have no result yet");
    Thread t = new Thread(runtime, "runtime");
    t.start();
    try {
      Thread.sleep(400);
      assertEquals(VrrpState.INITIALIZE, runtime.status().state(), "held: keepalived's INIT");
      assertTrue(transitions.isEmpty() && socket.priorities.isEmpty(), "no transition, no advert");
      assertEquals(0, announced.get(), "nothing announced");
      assertThrows(IllegalStateException.class, () -> runtime.holdStartBefore("too late"));
      // the check's first result fails: the fault is queued, then the start released
      runtime.setFault("tracking", true, "check api failed");
      runtime.releaseStart();
      await(() -> runtime.status().state() == VrrpState.FAULT, "fault");
      Thread.sleep(100);
      assertEquals(
          List.of("INITIALIZE->FAULT"),
          transitions.stream().map(x -> x.from() + "->" + x.to()).toList(),
          "an initial master whose weight-0 check failed is never MASTER");
      runtime.releaseStart(); // a second release changes nothing
      runtime.setFault("tracking", false, "check api succeeded");
      await(() -> runtime.status().state() == VrrpState.MASTER, "master once the check succeeds");
    } finally {
      assertTrue(runtime.stop(5, TimeUnit.SECONDS));
      t.join(5000);
    }
  }

  @Test
  void aHoldThatIsNeverReleasedEndsAfterItsLongestWait() throws Exception {
    VrrpRuntime runtime = runtime(spec(router(150), new GarpSettings(1, 0, 0, 1)));
    runtime.holdStartBefore("tracked weight-0 check(s) api have no result yet");
    Thread t = new Thread(runtime, "runtime");
    t.start();
    try {
      Thread.sleep(200);
      assertEquals(VrrpState.INITIALIZE, runtime.status().state());
      // the check never reports (its monitor could not be built): 30 s later the instance starts
      clock.addAndGet(VrrpRuntime.MAX_START_HOLD_NANOS + 1);
      await(() -> runtime.status().state() == VrrpState.MASTER, "started after the longest hold");
    } finally {
      assertTrue(runtime.stop(5, TimeUnit.SECONDS));
      t.join(5000);
    }
  }

  @Test
  void aHeldStartReleasedWithNoFaultStartsAsConfigured() throws Exception {
    VrrpRuntime runtime = runtime(spec(router(150), new GarpSettings(1, 0, 0, 1)));
    runtime.holdStartBefore("tracked weight-0 check(s) api have no result yet");
    Thread t = new Thread(runtime, "runtime");
    t.start();
    try {
      Thread.sleep(200);
      assertEquals(VrrpState.INITIALIZE, runtime.status().state());
      runtime.releaseStart();
      await(() -> runtime.status().state() == VrrpState.MASTER, "initial master");
      assertEquals(
          List.of("INITIALIZE->MASTER"),
          transitions.stream().map(x -> x.from() + "->" + x.to()).toList());
    } finally {
      assertTrue(runtime.stop(5, TimeUnit.SECONDS));
      t.join(5000);
    }
  }

  @Test
  void anIdentityChangeIsRefusedOnTheCallersThread() {
    VrrpRuntime runtime = runtime(spec(router(150), new GarpSettings(1, 0, 0, 1)));
    GarpSettings garp = new GarpSettings(1, 0, 0, 1);
    assertThrows(
        IllegalArgumentException.class,
        () -> runtime.reconfigure(spec(router(150).advertIntervalCentis(50), garp)));
    assertThrows(
        IllegalArgumentException.class, () -> runtime.reconfigure(spec(router(255), garp)));
    VrrpInstanceSpec otherPrefix =
        new VrrpInstanceSpec(
            router(150).build(),
            "eth0",
            List.of(new VirtualAddress(VIP, 32, "eth0", Optional.empty())),
            Ipv4ChecksumMode.PSEUDO_HEADER,
            garp,
            0);
    assertFalse(spec(router(150), garp).reconfigurableTo(otherPrefix));
    assertThrows(IllegalArgumentException.class, () -> runtime.reconfigure(otherPrefix));
    assertTrue(spec(router(140), garp).reconfigurableTo(spec(router(90), garp)));
  }

  private VrrpRuntime runtime(VrrpInstanceSpec spec) {
    return new VrrpRuntime(
        spec,
        socket,
        new CountingVips(removed),
        a -> announced.incrementAndGet(),
        new VirtualRouterListener() {
          @Override
          public void onTransition(Transition transition) {
            transitions.add(transition);
          }
        },
        clock::get,
        new VrrpStats());
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(5);
    }
  }

  /** Records the priority of every advert sent; each wait advances the clock by up to 10 ms. */
  private static final class RecordingSocket implements VrrpSocket {
    private final AtomicLong clock;
    final ConcurrentLinkedQueue<Integer> priorities = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<InetAddress> destinations = new ConcurrentLinkedQueue<>();
    volatile boolean closed;

    /** Whose adverts it decodes: v3's checksum covers the source address. */
    private final InetAddress source;

    RecordingSocket(AtomicLong clock) {
      this(clock, LOCAL);
    }

    RecordingSocket(AtomicLong clock, InetAddress source) {
      this.clock = clock;
      this.source = source;
    }

    @Override
    public void send(byte[] vrrpMessage, InetAddress destination) {
      DecodeResult r =
          VrrpPacketCodec.decode(vrrpMessage, new IpHeaderInfo(source, destination, 255));
      priorities.add(
          r instanceof DecodeResult.Decoded d ? d.adv().priority() : Integer.valueOf(-1));
      destinations.add(destination);
    }

    @Override
    public ReceivedDatagram receive(long timeoutNanos) {
      LockSupport.parkNanos(1_000_000L);
      clock.addAndGet(Math.min(Math.max(timeoutNanos, 1_000_000L), 10_000_000L));
      return null;
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  private static final class CountingVips implements VipManager {
    private final AtomicInteger removed;

    CountingVips(AtomicInteger removed) {
      this.removed = removed;
    }

    @Override
    public boolean add(VirtualAddress address) {
      return true;
    }

    @Override
    public boolean remove(VirtualAddress address) {
      removed.incrementAndGet();
      return true;
    }

    @Override
    public void install(VirtualAddress address, int lifetimeSeconds) {}

    @Override
    public List<VirtualAddress> list(String interfaceName) {
      return List.of();
    }
  }
}
