package io.vipd.vrrp.sim;

import io.vipd.vrrp.packet.DecodeResult;
import io.vipd.vrrp.packet.IpHeaderInfo;
import io.vipd.vrrp.packet.Ipv4ChecksumMode;
import io.vipd.vrrp.packet.VrrpAdvertisement;
import io.vipd.vrrp.packet.VrrpPacketCodec;
import io.vipd.vrrp.packet.VrrpVersion;
import io.vipd.vrrp.router.VirtualRouterConfig;
import io.vipd.vrrp.router.VrrpState;
import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * A LAN of {@link SimNode}s in virtual time: adverts go to every other node (multicast) or to the
 * configured peers (unicast), each delivery subject to the current {@link LinkConditions} and
 * partitions, with every random draw taken from one seeded {@link Random} so that a seed replays
 * the same run exactly.
 *
 * <p>The driver advances time event by event: the earliest of the queued events (deliveries and
 * scripted actions) and the routers' {@code nextDeadlineNanos()}. Equal times are served in a fixed
 * order: queued events first, in the order they were queued, then router timers by node index.
 * After every event it checks that a node holds the virtual addresses exactly when it is MASTER.
 *
 * <p>Not thread-safe; a test owns it.
 */
public final class SimulatedLan {

  private static final int TRACE_LINES = 400;

  private final ManualClock clock = new ManualClock();
  private final Random random;
  private final List<SimNode> nodes = new ArrayList<>();
  private final PriorityQueue<Event> queue =
      new PriorityQueue<>(Comparator.comparingLong(Event::atNanos).thenComparingLong(Event::seq));
  private final Deque<String> trace = new ArrayDeque<>();
  private final long maxSteps;
  private LinkConditions conditions = LinkConditions.PERFECT;
  private int[] partitionOf = new int[0];
  private long seq;
  private long steps;
  private long deliveries;
  private boolean tracing;

  private record Event(long atNanos, long seq, Runnable action) {}

  /**
   * @param seed seeds every random draw of the run
   * @param maxSteps bound on events processed, to turn a livelock into a failure
   */
  public SimulatedLan(long seed, long maxSteps) {
    // Random(seed) for consecutive small seeds gives nearly equal first draws: scramble first.
    this.random = new Random(new SplittableRandom(seed).nextLong());
    this.maxSteps = maxSteps;
  }

  /** Keeps the last few hundred events as text for failure messages (slower). */
  public SimulatedLan tracing(boolean on) {
    this.tracing = on;
    return this;
  }

  /** Adds a router (not started). */
  public SimNode add(VirtualRouterConfig config) {
    SimNode node = new SimNode(this, nodes.size(), config);
    nodes.add(node);
    partitionOf = Arrays.copyOf(partitionOf, nodes.size());
    return node;
  }

  /** All nodes, by index. */
  public List<SimNode> nodes() {
    return List.copyOf(nodes);
  }

  /** The node at {@code index}. */
  public SimNode node(int index) {
    return nodes.get(index);
  }

  /** Nodes in MASTER state. */
  public List<SimNode> masters() {
    return nodes.stream().filter(n -> n.state() == VrrpState.MASTER).toList();
  }

  /** The virtual time in nanoseconds. */
  public long now() {
    return clock.nanoTime();
  }

  /** The clock (read-only use). */
  public ManualClock clock() {
    return clock;
  }

  /** Events processed so far. */
  public long steps() {
    return steps;
  }

  /** Deliveries made so far (after loss, counting duplicates). */
  public long deliveries() {
    return deliveries;
  }

  /** Sets the conditions for deliveries sent from now on. */
  public void setConditions(LinkConditions conditions) {
    trace(null, "conditions " + conditions);
    this.conditions = conditions;
  }

  /** The current conditions. */
  public LinkConditions conditions() {
    return conditions;
  }

  /** Splits the LAN: nodes in {@code side} hear only each other, the others likewise. */
  public void partition(Collection<Integer> side) {
    trace(null, "partition " + side);
    Arrays.fill(partitionOf, 0);
    for (int i : side) {
      partitionOf[i] = 1;
    }
  }

  /** Removes every partition. */
  public void heal() {
    trace(null, "heal");
    Arrays.fill(partitionOf, 0);
  }

  /** Runs {@code action} at {@code atNanos}, after deliveries already queued for that time. */
  public void at(long atNanos, Runnable action) {
    if (atNanos < now()) {
      throw new IllegalArgumentException("cannot schedule in the past: " + atNanos);
    }
    queue.add(new Event(atNanos, seq++, action));
  }

  /** Processes every event up to and including {@code endNanos}, then sets the clock there. */
  public void runUntil(long endNanos) {
    while (true) {
      long queued = queue.isEmpty() ? Long.MAX_VALUE : queue.peek().atNanos();
      SimNode due = null;
      long timer = Long.MAX_VALUE;
      for (SimNode n : nodes) {
        long d = n.router().nextDeadlineNanos();
        if (d < timer) {
          timer = d;
          due = n;
        }
      }
      long next = Math.min(queued, timer);
      if (next > endNanos) {
        break;
      }
      if (++steps > maxSteps) {
        throw new AssertionError("step budget of " + maxSteps + " exhausted at " + next + trace());
      }
      clock.advanceTo(Math.max(next, now()));
      if (queued <= timer) {
        queue.poll().action().run();
      } else {
        due.router().timerFired(now());
      }
      checkAddressOwnership();
    }
    clock.advanceTo(endNanos);
  }

  /**
   * Sends an advert from {@code from} with its configuration and {@code priority}, through the
   * codec: encoded as the runtime sends it, decoded as the runtime receives it.
   */
  void transmit(SimNode from, int priority) {
    VirtualRouterConfig c = from.config();
    VrrpAdvertisement adv = advertisement(c, priority);
    InetAddress source = c.primaryAddress();
    if (tracing) {
      trace(from, "send prio " + priority);
    }
    for (SimNode to : nodes) {
      if (to == from || !addressedTo(c, to)) {
        continue;
      }
      if (partitionOf[from.index()] != partitionOf[to.index()]
          || random.nextDouble() < conditions.lossProbability()) {
        continue;
      }
      InetAddress destination = destination(c, to);
      byte[] wire =
          VrrpPacketCodec.encode(adv, source, destination, Ipv4ChecksumMode.PSEUDO_HEADER);
      deliver(to, wire, source, destination);
      if (random.nextDouble() < conditions.duplicateProbability()) {
        deliver(to, wire, source, destination);
      }
    }
  }

  private void deliver(SimNode to, byte[] wire, InetAddress source, InetAddress destination) {
    long spread = conditions.maxDelayNanos() - conditions.minDelayNanos();
    long delay = conditions.minDelayNanos() + (spread == 0 ? 0 : random.nextLong(spread + 1));
    at(
        now() + delay,
        () -> {
          deliveries++;
          DecodeResult decoded =
              VrrpPacketCodec.decode(wire, new IpHeaderInfo(source, destination, 255));
          if (!(decoded instanceof DecodeResult.Decoded d)) {
            check(false, to, "the codec rejected an advert it encoded: " + decoded);
            return;
          }
          if (tracing) {
            trace(to, "recv prio " + d.adv().priority() + " from " + source.getHostAddress());
          }
          to.router().advertisementReceived(d.adv(), source, now());
        });
  }

  /** Where {@code from}'s advert to {@code to} is addressed: its group, or {@code to} (unicast). */
  private static InetAddress destination(VirtualRouterConfig from, SimNode to) {
    if (from.isUnicast()) {
      return to.config().primaryAddress();
    }
    return from.primaryAddress() instanceof java.net.Inet6Address
        ? VrrpPacketCodec.IPV6_GROUP
        : VrrpPacketCodec.IPV4_GROUP;
  }

  private static boolean addressedTo(VirtualRouterConfig from, SimNode to) {
    return !from.isUnicast() || from.unicastPeers().contains(to.config().primaryAddress());
  }

  private static VrrpAdvertisement advertisement(VirtualRouterConfig c, int priority) {
    if (c.version() == VrrpVersion.V2) {
      byte[] auth = c.authType() == VrrpAdvertisement.AUTH_NONE ? new byte[0] : c.authData();
      return VrrpAdvertisement.v2(
          c.virtualRouterId(),
          priority,
          c.advertIntervalCentis() / 100,
          c.virtualAddresses(),
          c.authType(),
          auth);
    }
    return VrrpAdvertisement.v3(
        c.virtualRouterId(), priority, c.advertIntervalCentis(), c.virtualAddresses());
  }

  private void checkAddressOwnership() {
    for (SimNode n : nodes) {
      check(n.holdsAddresses() == (n.state() == VrrpState.MASTER), n, "VIPs held != MASTER");
    }
  }

  /** Fails the run with the trace when {@code condition} is false. */
  void check(boolean condition, SimNode node, String what) {
    if (!condition) {
      throw new AssertionError(node + ": " + what + " at " + now() + trace());
    }
  }

  void trace(SimNode node, String line) {
    if (!tracing) {
      return;
    }
    if (trace.size() == TRACE_LINES) {
      trace.removeFirst();
    }
    trace.addLast(String.format("%,15d %s %s", now(), node == null ? "lan" : node, line));
  }

  /** The recorded trace, or a hint to enable it. */
  public String trace() {
    if (!tracing) {
      return " (no trace: replay the seed to see one)";
    }
    return "\n--- last " + trace.size() + " events (ns) ---\n" + String.join("\n", trace);
  }
}
