package io.vipd.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vipd.proxy.balance.BalanceAlgorithm;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A server's slow start in the pool, on a clock the test moves: which server new connections get.
 */
class BackendPoolSlowStartTest {
  private static final Duration PERIOD = Duration.ofSeconds(20);

  private final AtomicLong clock = new AtomicLong(1_000_000_000L);

  private BackendPool pool(BalanceAlgorithm balance, Duration slowstart) {
    BackendSettings settings =
        new BackendSettings(
                "be",
                balance,
                List.of(server("a"), server("b")),
                ProxyTimeouts.DEFAULTS,
                0,
                true,
                OnMarkedDown.NONE)
            .withSlowstart(slowstart);
    return new BackendPool(settings, new SplittableRandom(1), clock::get);
  }

  private static ServerSettings server(String name) {
    return ServerSettings.of(name, new InetSocketAddress("127.0.0.1", 1));
  }

  /** How many of {@code n} new connections go to server b. */
  private static int toB(BackendPool pool, int n) {
    int b = 0;
    for (int i = 0; i < n; i++) {
      b += pool.select(new BitSet(), new BitSet(), i).name().equals("b") ? 1 : 0;
    }
    return b;
  }

  private static int throttle(BackendPool pool, String server) {
    List<ServerStatus> out = new java.util.ArrayList<>();
    pool.addStatus(out);
    return out.stream().filter(s -> s.server().equals(server)).findFirst().orElseThrow().throttle();
  }

  private void advance(Duration d) {
    clock.addAndGet(d.toNanos());
  }

  @Test
  void roundRobinGivesAServerBackUpItsShareInSteps() {
    BackendPool pool = pool(BalanceAlgorithm.ROUNDROBIN, PERIOD);
    assertEquals(10, toB(pool, 20), "at start no slow start: an even share");
    pool.setServerUp("b", false);
    assertEquals(0, toB(pool, 20));
    pool.setServerUp("b", true);
    assertEquals(5, throttle(pool, "b"), "haproxy's throttle, in percent");
    assertEquals(100, throttle(pool, "a"));
    assertEquals(1, toB(pool, 21), "first step: 1 of 20 + 1");
    advance(PERIOD.dividedBy(2));
    assertEquals(50, throttle(pool, "b"), "moved on though no connection came meanwhile");
    assertEquals(10, toB(pool, 30), "half-way: weight 10 against 20");
    advance(PERIOD.dividedBy(2));
    assertEquals(10, toB(pool, 20), "the period over: an even share again");
  }

  /**
   * A slow start rebuilds the balancer at each of its steps; the round-robin order goes on across
   * them. It restarted from zero, so with a connection or two per step every one went to the first
   * server (a here), none to the second.
   */
  @Test
  void theRoundRobinOrderGoesOnAcrossTheStepsOfASlowStart() {
    BackendPool pool =
        new BackendPool(
            new BackendSettings(
                    "be",
                    BalanceAlgorithm.ROUNDROBIN,
                    List.of(server("a"), server("b"), server("c")),
                    ProxyTimeouts.DEFAULTS,
                    0,
                    true,
                    OnMarkedDown.NONE)
                .withSlowstart(PERIOD),
            new SplittableRandom(1),
            clock::get);
    pool.setServerUp("c", false);
    pool.setServerUp("c", true); // c ramps up: a rebuild at each of its 20 steps
    java.util.Map<String, Integer> picks = new java.util.TreeMap<>();
    for (int step = 0; step < 10; step++) {
      String name = pool.select(new BitSet(), new BitSet(), step).name();
      picks.merge(name, 1, Integer::sum);
      advance(PERIOD.dividedBy(20));
    }
    assertTrue(picks.getOrDefault("b", 0) >= 4, "b gets its share: " + picks);
    assertTrue(picks.getOrDefault("a", 0) <= 6, "a does not get them all: " + picks);
  }

  @Test
  void leastConnDoesNotFloodAServerBackUp() {
    BackendPool pool = pool(BalanceAlgorithm.LEASTCONN, PERIOD);
    pool.state("a").active.set(30);
    pool.setServerUp("b", false);
    pool.setServerUp("b", true);
    // without slow start every new connection would go to b until it held 30 as well; here b is
    // chosen while (its active + 1) / 1 stays below a's (30 + 1) / 20
    int b = 0;
    for (int i = 0; i < 10; i++) {
      ServerState s = pool.select(new BitSet(), new BitSet(), i);
      s.active.incrementAndGet();
      b += s.name().equals("b") ? 1 : 0;
    }
    assertEquals(1, b);
  }

  @Test
  void aServerThatGoesDownDuringItsSlowStartStartsAgainWhenBackUp() {
    BackendPool pool = pool(BalanceAlgorithm.ROUNDROBIN, PERIOD);
    pool.setServerUp("b", false);
    pool.setServerUp("b", true);
    advance(PERIOD.dividedBy(2));
    pool.setServerUp("b", false);
    advance(PERIOD);
    pool.setServerUp("b", true);
    assertEquals(1, toB(pool, 21), "from the first step again");
  }

  @Test
  void aServerBackFromDrainOrMaintenanceRampsUpToo() {
    BackendPool pool = pool(BalanceAlgorithm.ROUNDROBIN, PERIOD);
    for (ServerAdminState away : List.of(ServerAdminState.DRAIN, ServerAdminState.MAINT)) {
      pool.setServerAdminState("b", away);
      assertEquals(0, toB(pool, 20));
      advance(PERIOD);
      pool.setServerAdminState("b", ServerAdminState.READY);
      assertEquals(1, toB(pool, 21), "back from " + away + ": from the first step");
      advance(PERIOD);
      assertEquals(10, toB(pool, 20));
    }
  }

  @Test
  void aReloadKeepsARampGoingAndOneThatTurnsSlowStartOffEndsIt() {
    BackendPool pool = pool(BalanceAlgorithm.ROUNDROBIN, PERIOD);
    pool.setServerUp("b", false);
    pool.setServerUp("b", true);
    advance(PERIOD.dividedBy(2));
    BackendPool reloaded = new BackendPool(pool.settings(), pool);
    assertEquals(10, toB(reloaded, 30), "half-way still");
    BackendPool off = new BackendPool(pool.settings().withSlowstart(Duration.ZERO), reloaded);
    assertEquals(10, toB(off, 20));
  }

  @Test
  void withoutSlowStartAServerBackUpTakesItsShareAtOnce() {
    BackendPool pool = pool(BalanceAlgorithm.ROUNDROBIN, Duration.ZERO);
    pool.setServerUp("b", false);
    pool.setServerUp("b", true);
    assertEquals(10, toB(pool, 20));
  }

  /** How many connections server {@code name} takes before it is full. */
  private static int slots(BackendPool pool, String name) {
    ServerState s = pool.state(name);
    int n = 0;
    while (n < 1000 && s.tryAcquire()) {
      n++;
    }
    s.active.addAndGet(-n);
    return n;
  }

  @Test
  void aServerBackUpHasItsMaxconnRampedWithItsWeightAsInHaproxy() {
    BackendSettings settings =
        new BackendSettings(
                "be",
                BalanceAlgorithm.ROUNDROBIN,
                List.of(
                    new ServerSettings("a", new InetSocketAddress("127.0.0.1", 1), 1, false, 40)),
                ProxyTimeouts.DEFAULTS,
                0,
                true,
                OnMarkedDown.NONE)
            .withSlowstart(PERIOD);
    BackendPool pool = new BackendPool(settings, new SplittableRandom(1), clock::get);
    assertEquals(40, slots(pool, "a"), "not applied at start");
    pool.setServerUp("a", false);
    pool.setServerUp("a", true);
    assertEquals(2, slots(pool, "a"), "first step: 5 % of 40");
    advance(PERIOD.dividedBy(2));
    pool.select(new BitSet(), new BitSet(), 0); // the steps move on selection
    assertEquals(20, slots(pool, "a"), "half-way");
    assertEquals(40, pool.serverMaxconn("a"), "the configured maxconn is unchanged");
    advance(PERIOD);
    pool.select(new BitSet(), new BitSet(), 0);
    assertEquals(40, slots(pool, "a"), "the period over");
    pool.setServerMaxconn("a", 3);
    assertEquals(3, slots(pool, "a"), "set at runtime");
    pool.setServerMaxconn("a", 0);
    assertEquals(1000, slots(pool, "a"), "0: no limit");
  }
}
