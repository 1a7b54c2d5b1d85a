package io.vipd.daemon.demo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Waits for the first master, shows where the VIP is in every namespace, and pings it from node 1
 * and from the client on the LAN.
 */
final class ElectionStep implements DemoStep {

  private static final Duration ELECTION_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration STABLE = Duration.ofMillis(500);

  @Override
  public void run(DemoContext ctx) throws DemoFailure {
    DemoLan lan = ctx.lan();
    int preferred = lan.nodes();
    ctx.say()
        .step(
            "waiting for the election: the highest priority ("
                + DemoContext.priority(preferred)
                + ", node "
                + preferred
                + ") should take the VIP");
    long start = System.nanoTime();
    long deadline = start + ELECTION_TIMEOUT.toNanos();
    Set<Integer> seen = Set.of();
    List<String> history = new ArrayList<>();
    while (!seen.equals(Set.of(preferred))) {
      if (System.nanoTime() > deadline) {
        throw new DemoFailure(
            "node "
                + preferred
                + " did not take the VIP within "
                + ELECTION_TIMEOUT.toMillis()
                + " ms (held by "
                + seen
                + ")");
      }
      Sleep.of(DemoContext.POLL);
      Set<Integer> now = lan.holders(DemoContext.VIP);
      if (!now.equals(seen) && !now.isEmpty() && !now.equals(Set.of(preferred))) {
        history.add("nodes " + now + " after " + DemoContext.millisSince(start) + " ms");
      }
      seen = now;
    }
    long ms = DemoContext.millisSince(start);
    if (!history.isEmpty()) {
      // Nodes start one after another: an earlier one may win before the preferred one is up.
      ctx.say()
          .detail(
              "the VIP was first held by "
                  + String.join(", then ", history)
                  + " (started earlier); node "
                  + preferred
                  + " has a higher priority and preempted");
    }
    ctx.say().detail("node " + preferred + " holds " + DemoContext.VIP + " after " + ms + " ms");
    assertStable(ctx, preferred, STABLE);
    ctx.holder(preferred);
    ctx.say()
        .detail(
            "and keeps it ("
                + STABLE.toMillis()
                + " ms watched); ip -o -4 addr show dev "
                + DemoLan.INTERFACE
                + " in each node namespace:");
    for (int i = 1; i <= lan.nodes(); i++) {
      ctx.say().detail("  node " + i + ": " + String.join(" ", addresses(lan, i)));
    }
    ctx.summary("node " + preferred + " was elected and held it after " + ms + " ms");

    if (!ctx.havePing()) {
      ctx.say()
          .detail(
              "ping is not installed, so the demo cannot show the VIP answering"
                  + " (apt-get install iputils-ping)");
      return;
    }
    ctx.say().step("pinging the VIP from node 1 (" + DemoLan.address(1) + ")");
    if (!ctx.ping(lan.namespace(1))) {
      throw new DemoFailure("node 1 cannot ping the VIP " + DemoContext.VIP);
    }
    ctx.say().detail("answered");
    ctx.awaitReachableAt(preferred, Duration.ofSeconds(3));
    ctx.say()
        .detail(
            "a client on the LAN ("
                + DemoLan.CLIENT
                + ") reaches the VIP at node "
                + preferred
                + "'s MAC "
                + DemoLan.mac(preferred));
  }

  private static void assertStable(DemoContext ctx, int node, Duration period) throws DemoFailure {
    long deadline = System.nanoTime() + period.toNanos();
    while (System.nanoTime() < deadline) {
      Set<Integer> now = ctx.lan().holders(DemoContext.VIP);
      if (!now.equals(Set.of(node))) {
        throw new DemoFailure("the VIP moved from node " + node + " to nodes " + now);
      }
      Sleep.of(Duration.ofMillis(50));
    }
  }

  private static List<String> addresses(DemoLan lan, int node) throws DemoFailure {
    List<String> out =
        lan.ip(lan.namespace(node), "-o", "-4", "addr", "show", "dev", DemoLan.INTERFACE)
            .lines()
            .map(ElectionStep::address)
            .filter(a -> !a.isEmpty())
            .toList();
    return out.isEmpty() ? List.of("(none)") : out;
  }

  /** The "a.b.c.d/len" word after "inet" in one line of {@code ip -o addr}. */
  private static String address(String line) {
    String[] w = line.trim().split("\\s+");
    for (int i = 0; i + 1 < w.length; i++) {
      if (w[i].equals("inet")) {
        return w[i + 1];
      }
    }
    return "";
  }
}
