package io.vipd.proxy.balance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BalancerTest {

  /** Mutable candidates for tests: up flags and loads per index. */
  static final class Pool implements Candidates {
    final boolean[] up;
    final int[] active;

    Pool(int n) {
      up = new boolean[n];
      active = new int[n];
      java.util.Arrays.fill(up, true);
    }

    @Override
    public boolean eligible(int index) {
      return up[index];
    }

    @Override
    public int activeConnections(int index) {
      return active[index];
    }
  }

  private static Balancer build(BalanceAlgorithm a, int... weights) {
    List<String> keys = new java.util.ArrayList<>();
    for (int i = 0; i < weights.length; i++) {
      keys.add(String.valueOf((char) ('a' + i)));
    }
    return a.newBalancer(weights, keys, new SplittableRandom(7));
  }

  private static String sequence(Balancer b, Candidates c, int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append((char) ('a' + b.pick(c, 0)));
    }
    return sb.toString();
  }

  @Test
  void smoothRoundRobinOrderMatchesNginxAndHaproxyForWeights511() {
    Balancer b = build(BalanceAlgorithm.ROUNDROBIN, 5, 1, 1);
    assertEquals("aabacaa" + "aabacaa", sequence(b, new Pool(3), 14));
  }

  @Test
  void firstTakesTheFirstEligibleServerIgnoringWeightsButZero() {
    Balancer b = build(BalanceAlgorithm.FIRST, 0, 1, 5);
    Pool p = new Pool(3);
    assertEquals("bbbb", sequence(b, p, 4), "a has weight 0; b's weight 1 against 5 is ignored");
    p.up[1] = false; // b full (or down): the next one in order
    assertEquals("cc", sequence(b, p, 2));
    p.up[2] = false;
    assertEquals(Balancer.NONE, b.pick(p, 0));
  }

  @Test
  void roundRobinEqualWeightsRotate() {
    Balancer b = build(BalanceAlgorithm.ROUNDROBIN, 1, 1, 1, 1);
    assertEquals("abcdabcd", sequence(b, new Pool(4), 8));
  }

  @Test
  void roundRobinSkipsDownAndZeroWeightServers() {
    Balancer b = build(BalanceAlgorithm.ROUNDROBIN, 2, 1, 0);
    Pool p = new Pool(3);
    p.up[0] = false;
    assertEquals("bbbb", sequence(b, p, 4));
    p.up[1] = false;
    assertEquals(Balancer.NONE, b.pick(p, 0));
  }

  @Test
  void roundRobinDistributionFollowsWeights() {
    Balancer b = build(BalanceAlgorithm.ROUNDROBIN, 3, 2, 1);
    int[] counts = new int[3];
    Pool p = new Pool(3);
    for (int i = 0; i < 600; i++) {
      counts[b.pick(p, 0)]++;
    }
    assertEquals(300, counts[0]);
    assertEquals(200, counts[1]);
    assertEquals(100, counts[2]);
  }

  @Test
  void leastConnPicksLowestLoadPerWeight() {
    Balancer b = build(BalanceAlgorithm.LEASTCONN, 1, 1, 2);
    Pool p = new Pool(3);
    p.active[0] = 3;
    p.active[1] = 1;
    p.active[2] = 3; // (3+1)/2 = 2 == (1+1)/1: tie broken round-robin, both eventually chosen
    int picked = b.pick(p, 0);
    assertTrue(picked == 1 || picked == 2, "picked " + picked);
    p.active[2] = 2; // (2+1)/2 = 1.5 < 2
    assertEquals(2, b.pick(p, 0));
  }

  @Test
  void leastConnTiesGoRoundRobin() {
    Balancer b = build(BalanceAlgorithm.LEASTCONN, 1, 1, 1);
    assertEquals("abcabc", sequence(b, new Pool(3), 6));
  }

  @Test
  void leastConnFollowsLoadAsConnectionsOpen() {
    Balancer b = build(BalanceAlgorithm.LEASTCONN, 1, 3);
    Pool p = new Pool(2);
    for (int i = 0; i < 40; i++) {
      p.active[b.pick(p, 0)]++;
    }
    assertEquals(10, p.active[0]);
    assertEquals(30, p.active[1]);
  }

  @Test
  void sourceHashIsStableAndMovesOnlyTheRemovedServersClients() {
    Balancer b = build(BalanceAlgorithm.SOURCE, 1, 1, 1, 1, 1);
    Pool all = new Pool(5);
    int n = 5000;
    int[] before = new int[n];
    int[] counts = new int[5];
    for (int k = 0; k < n; k++) {
      before[k] = b.pick(all, k * 0x9E3779B97F4A7C15L);
      counts[before[k]]++;
      assertEquals(before[k], b.pick(all, k * 0x9E3779B97F4A7C15L), "same client, same server");
    }
    for (int c : counts) {
      assertTrue(c > 800 && c < 1200, "roughly even: " + java.util.Arrays.toString(counts));
    }
    Pool fourUp = new Pool(5);
    fourUp.up[2] = false;
    int moved = 0;
    for (int k = 0; k < n; k++) {
      int after = b.pick(fourUp, k * 0x9E3779B97F4A7C15L);
      assertNotEquals(2, after);
      if (before[k] != 2) {
        assertEquals(before[k], after, "client " + k + " of a surviving server moved");
      } else {
        moved++;
      }
    }
    assertEquals(counts[2], moved);
  }

  @Test
  void sourceHashRespectsWeights() {
    Balancer b = build(BalanceAlgorithm.SOURCE, 1, 3);
    Pool p = new Pool(2);
    int[] counts = new int[2];
    for (int k = 0; k < 8000; k++) {
      counts[b.pick(p, k * 0x9E3779B97F4A7C15L + 1)]++;
    }
    assertTrue(counts[1] > 5600 && counts[1] < 6400, java.util.Arrays.toString(counts));
  }

  @Test
  void randomTwoChoicesPrefersLessLoadedServer() {
    Balancer b = build(BalanceAlgorithm.RANDOM, 1, 1);
    Pool p = new Pool(2);
    p.active[0] = 10;
    int[] counts = new int[2];
    for (int i = 0; i < 1000; i++) {
      counts[b.pick(p, 0)]++;
    }
    // server a only wins when both draws land on it: about a quarter of the time
    assertTrue(counts[0] > 180 && counts[0] < 320, java.util.Arrays.toString(counts));
  }

  @Test
  void randomTwoChoicesBalancesLoadAndSkipsDown() {
    Balancer b = build(BalanceAlgorithm.RANDOM, 1, 1, 1, 1);
    Pool p = new Pool(4);
    p.up[3] = false;
    for (int i = 0; i < 300; i++) {
      p.active[b.pick(p, 0)]++;
    }
    assertEquals(0, p.active[3]);
    for (int i = 0; i < 3; i++) {
      assertTrue(Math.abs(p.active[i] - 100) <= 5, java.util.Arrays.toString(p.active));
    }
  }
}
