package io.vipd.vrrp.sim;

import io.vipd.vrrp.packet.RxDropReason;
import io.vipd.vrrp.packet.VrrpVersion;
import io.vipd.vrrp.router.VirtualRouterConfig;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * One seeded random schedule: 2..5 routers (v2 or v3, IPv4 or IPv6, multicast or unicast, preempt
 * on everywhere or off everywhere, frequent equal priorities, sometimes an owner, initial masters,
 * preempt delays, v3 interval mixes), then a perturbation phase (loss, duplication, delay and
 * reordering, partitions, restarts, stops, priority changes, faults), then a healed quiet phase.
 *
 * <p>The invariant checked after the quiet phase: if no router is eligible (running and not
 * faulted) there is no master; otherwise exactly one master, stable (no transition at all during a
 * final window of three Master_Down_Intervals), and with preempt on it has the highest effective
 * priority among the eligible routers. Equal priorities are not broken by address at this point:
 * RFC 9568 6.4.2 makes a backup accept an advert of equal priority, so a running master of the top
 * priority is never displaced by an equal backup with a greater address; the address decides only
 * between two masters (covered by a named scenario). Throughout the run: a node holds the virtual
 * addresses exactly when MASTER, and no advert is dropped except by a v2 address owner.
 */
final class RandomScenario {

  private static final long MS = 1_000_000L;
  private static final long SECOND = 1_000 * MS;

  private final long seed;
  private final Random random;
  private final List<VirtualRouterConfig> configs = new ArrayList<>();
  private final boolean preempt;
  private final long perturbationNanos;
  private final long maxIntervalNanos;
  private final long healedMaxDelayNanos;
  private final long maxPreemptDelayNanos;
  private final StringBuilder description = new StringBuilder();
  private final Set<String> features = new java.util.TreeSet<>();

  RandomScenario(long seed) {
    this.seed = seed;
    // Random(seed) for consecutive small seeds gives nearly equal first draws: scramble first.
    this.random = new Random(new SplittableRandom(seed).nextLong());
    int n = 2 + random.nextInt(4);
    VrrpVersion version = random.nextBoolean() ? VrrpVersion.V2 : VrrpVersion.V3;
    boolean ipv6 = version == VrrpVersion.V3 && random.nextInt(4) == 0;
    boolean unicast = random.nextInt(3) == 0;
    this.preempt = random.nextInt(10) < 7;
    long preemptDelay = preempt && random.nextInt(5) == 0 ? (1 + random.nextInt(3)) * SECOND : 0;
    List<InetAddress> addresses = distinctAddresses(n, ipv6);
    int owner = random.nextInt(10) == 0 ? random.nextInt(n) : -1;
    byte[] password =
        version == VrrpVersion.V2 && random.nextBoolean() ? new byte[] {'4', '2'} : null;
    int baseInterval =
        version == VrrpVersion.V2 ? 100 * (1 + random.nextInt(2)) : pick(25, 50, 100);
    for (int i = 0; i < n; i++) {
      int interval =
          version == VrrpVersion.V3 && random.nextInt(4) == 0
              ? pick(25, 50, 100, 200)
              : baseInterval;
      List<InetAddress> peers = new ArrayList<>(addresses);
      peers.remove(i);
      VirtualRouterConfig.Builder b =
          VirtualRouterConfig.builder("VI_" + i, 51, addresses.get(i))
              .version(version)
              .priority(i == owner ? 255 : 50 * (1 + random.nextInt(4)))
              .advertIntervalCentis(interval)
              .preempt(preempt)
              .preemptDelayNanos(preemptDelay)
              .initialMaster(random.nextInt(5) == 0)
              .advertOnLowerPriority(random.nextInt(5) != 0)
              .virtualAddresses(List.of(ip(ipv6 ? "fd00::100" : "10.0.0.100")))
              .unicastPeers(unicast ? peers : List.of());
      if (password != null) {
        b.password(password);
      }
      configs.add(b.build());
    }
    this.maxIntervalNanos =
        configs.stream().mapToLong(VirtualRouterConfig::advertIntervalNanos).max().orElseThrow();
    long minIntervalNanos =
        configs.stream().mapToLong(VirtualRouterConfig::advertIntervalNanos).min().orElseThrow();
    this.healedMaxDelayNanos = minIntervalNanos / 4;
    this.maxPreemptDelayNanos = preemptDelay;
    this.perturbationNanos = (10 + random.nextInt(21)) * SECOND;
    description.append(
        String.format(
            "seed %d: %d routers %s %s %s preempt=%s delay=%dms perturb=%ds%n",
            seed,
            n,
            version,
            ipv6 ? "IPv6" : "IPv4",
            unicast ? "unicast" : "multicast",
            preempt,
            preemptDelay / MS,
            perturbationNanos / SECOND));
    configs.forEach(c -> description.append("  ").append(c).append('\n'));
    features.add(n + " routers");
    features.add(version.toString());
    features.add(ipv6 ? "IPv6" : "IPv4");
    features.add(unicast ? "unicast" : "multicast");
    features.add(preempt ? "preempt" : "nopreempt");
    if (preemptDelay > 0) {
      features.add("preempt delay");
    }
    if (owner >= 0) {
      features.add("owner");
    }
    if (password != null) {
      features.add("password");
    }
    if (configs.stream().mapToInt(VirtualRouterConfig::advertIntervalCentis).distinct().count()
        > 1) {
      features.add("mixed intervals");
    }
    if (configs.stream().anyMatch(VirtualRouterConfig::initialMaster)) {
      features.add("initial master");
    }
  }

  /** The kinds of configuration this schedule covers, for the suite's coverage check. */
  Set<String> features() {
    return Set.copyOf(features);
  }

  /**
   * Runs the schedule; throws {@link AssertionError} naming the seed on any violation.
   *
   * @return what the run did, for the suite's summary
   */
  Outcome run(boolean trace) {
    SimulatedLan lan = new SimulatedLan(random.nextLong(), 200_000).tracing(trace);
    configs.forEach(lan::add);
    try {
      schedule(lan);
      long settle = maxPreemptDelayNanos + (configs.size() + 3) * masterDownBound() + SECOND;
      long windowStart = perturbationNanos + settle;
      lan.runUntil(windowStart);
      int transitionsBefore = transitionCount(lan);
      lan.runUntil(windowStart + 3 * masterDownBound());
      check(transitionCount(lan) == transitionsBefore, lan, "transitions in the stable window");
      checkElected(lan);
      checkDrops(lan);
      return new Outcome(lan.steps(), transitionCount(lan), lan.masters().size(), lan.now());
    } catch (AssertionError | RuntimeException e) {
      throw new AssertionError(
          "simulation failed; replay with -Dvipd.sim.seed="
              + seed
              + "\n"
              + description
              + e.getMessage(),
          e);
    }
  }

  /** Counts from one run. */
  record Outcome(long steps, int transitions, int masters, long simulatedNanos) {}

  /** A bound on any router's Master_Down_Interval: 3 * interval + skew < 4 * interval. */
  private long masterDownBound() {
    return 4 * Math.max(maxIntervalNanos, SECOND);
  }

  private void schedule(SimulatedLan lan) {
    boolean together = random.nextInt(5) < 2;
    for (SimNode node : lan.nodes()) {
      lan.at(together ? 0 : random.nextInt(3000) * MS, () -> ifStopped(node, node::start));
    }
    int perturbations = 3 + random.nextInt(13);
    for (int k = 0; k < perturbations; k++) {
      long at = (long) (random.nextDouble() * perturbationNanos);
      SimNode node = lan.node(random.nextInt(lan.nodes().size()));
      schedulePerturbation(lan, at, node);
    }
    lan.at(
        perturbationNanos,
        () -> {
          lan.heal();
          LinkConditions c = lan.conditions();
          lan.setConditions(
              new LinkConditions(
                  0,
                  c.duplicateProbability(),
                  Math.min(c.minDelayNanos(), healedMaxDelayNanos),
                  Math.min(c.maxDelayNanos(), healedMaxDelayNanos)));
        });
  }

  private void schedulePerturbation(SimulatedLan lan, long at, SimNode node) {
    int kind = random.nextInt(9);
    switch (kind) {
      case 0 -> {
        LinkConditions c = randomConditions();
        lan.at(at, () -> lan.setConditions(c));
      }
      case 1 -> {
        Set<Integer> side = randomSide(lan.nodes().size());
        lan.at(at, () -> lan.partition(side));
      }
      case 2 -> lan.at(at, lan::heal);
      case 3 -> {
        long back = Math.min(perturbationNanos, at + random.nextInt(3000) * MS);
        lan.at(at, () -> ifRunning(node, node::shutdown));
        lan.at(back, () -> ifStopped(node, node::start));
      }
      case 4 -> lan.at(at, () -> ifRunning(node, node::shutdown));
      case 5 -> lan.at(at, () -> ifStopped(node, node::start));
      case 6, 7 -> {
        int priority = 1 + random.nextInt(254);
        lan.at(at, () -> node.setTrackedPriority(priority));
      }
      default -> {
        boolean fault = random.nextBoolean();
        lan.at(at, () -> node.setFault(fault));
      }
    }
  }

  private LinkConditions randomConditions() {
    long maxDelay = (long) (random.nextDouble() * 2 * healedMaxDelayNanos * 4);
    long minDelay = random.nextBoolean() ? 0 : maxDelay / 2;
    return new LinkConditions(
        random.nextDouble() * 0.6, random.nextDouble() * 0.3, minDelay, maxDelay);
  }

  private Set<Integer> randomSide(int n) {
    List<Integer> all = new ArrayList<>(IntStream.range(0, n).boxed().toList());
    java.util.Collections.shuffle(all, random);
    return Set.copyOf(all.subList(0, 1 + random.nextInt(n - 1)));
  }

  private static void ifRunning(SimNode node, Runnable action) {
    if (node.running()) {
      action.run();
    }
  }

  private static void ifStopped(SimNode node, Runnable action) {
    if (!node.running()) {
      action.run();
    }
  }

  private void checkElected(SimulatedLan lan) {
    List<SimNode> eligible = lan.nodes().stream().filter(n -> n.running() && !n.faulted()).toList();
    List<SimNode> masters = lan.masters();
    if (eligible.isEmpty()) {
      check(masters.isEmpty(), lan, "a master with no eligible router: " + masters);
      return;
    }
    check(masters.size() == 1, lan, "expected exactly one master, got " + masters);
    if (preempt) {
      SimNode best =
          eligible.stream()
              .max(Comparator.comparingInt(n -> n.router().effectivePriority()))
              .orElseThrow();
      check(
          masters.get(0).router().effectivePriority() == best.router().effectivePriority(),
          lan,
          "master " + masters.get(0) + " but " + best + " has a higher priority");
    }
  }

  private void checkDrops(SimulatedLan lan) {
    for (SimNode n : lan.nodes()) {
      for (RxDropReason reason : n.drops().keySet()) {
        check(
            reason == RxDropReason.ADDRESS_OWNER && n.config().isAddressOwner(),
            lan,
            n + " dropped adverts: " + n.drops());
      }
    }
  }

  private static int transitionCount(SimulatedLan lan) {
    return lan.nodes().stream().mapToInt(n -> n.transitions().size()).sum();
  }

  private static void check(boolean condition, SimulatedLan lan, String what) {
    if (!condition) {
      throw new AssertionError(
          what + " at " + lan.now() + " ns; nodes " + lan.nodes() + lan.trace());
    }
  }

  private int pick(int... values) {
    return values[random.nextInt(values.length)];
  }

  private List<InetAddress> distinctAddresses(int n, boolean ipv6) {
    List<Integer> hosts = new ArrayList<>(IntStream.rangeClosed(1, 254).boxed().toList());
    java.util.Collections.shuffle(hosts, random);
    return hosts.subList(0, n).stream()
        .map(h -> ip(ipv6 ? "fe80::" + Integer.toHexString(h) : "10.0.0." + h))
        .toList();
  }

  private static InetAddress ip(String literal) {
    try {
      return InetAddress.getByName(literal); // a literal: no DNS lookup
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(literal, e);
    }
  }
}
