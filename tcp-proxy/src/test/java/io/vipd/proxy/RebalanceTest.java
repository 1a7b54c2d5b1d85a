package io.vipd.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The rebalancer's choice: the server furthest over its weighted share, beyond a tolerance. */
class RebalanceTest {

  @Test
  void theServerFurthestOverItsShareGivesUpASession() {
    assertEquals(0, Rebalance.mostOver(new int[] {10, 0}, new int[] {1, 1}));
    assertEquals(1, Rebalance.mostOver(new int[] {4, 9, 2}, new int[] {1, 1, 1}));
  }

  @Test
  void withinTwoSessionsOrTenPercentOfItsShareAServerIsNotOver() {
    assertEquals(-1, Rebalance.mostOver(new int[] {6, 4}, new int[] {1, 1}), "1 over: settled");
    assertEquals(0, Rebalance.mostOver(new int[] {7, 3}, new int[] {1, 1}), "2 over: not yet");
    assertEquals(
        -1, Rebalance.mostOver(new int[] {1040, 960}, new int[] {1, 1}), "40 over, 4 % of 1000");
    assertEquals(0, Rebalance.mostOver(new int[] {1110, 890}, new int[] {1, 1}), "11 %");
  }

  @Test
  void sharesFollowTheWeights() {
    assertEquals(-1, Rebalance.mostOver(new int[] {30, 10}, new int[] {3, 1}), "3:1 is the share");
    assertEquals(1, Rebalance.mostOver(new int[] {20, 20}, new int[] {3, 1}));
  }

  @Test
  void serversOfWeightZeroTakeNoPartAndTwoAreNeeded() {
    assertEquals(
        -1,
        Rebalance.mostOver(new int[] {10, 0, 0}, new int[] {1, 0, 0}),
        "only one server takes new connections: moving sessions is pointless");
    assertEquals(
        1,
        Rebalance.mostOver(new int[] {50, 10, 0}, new int[] {0, 1, 1}),
        "a drained server's sessions are not another's to move");
  }

  @Test
  void theServerFurthestUnderItsShareIsWhereAReconnectingClientGoes() {
    assertEquals(1, Rebalance.mostUnder(new int[] {10, 0}, new int[] {1, 1}));
    assertEquals(2, Rebalance.mostUnder(new int[] {20, 10, 12}, new int[] {2, 1, 3}));
    assertEquals(1, Rebalance.mostUnder(new int[] {0, 5}, new int[] {0, 1}), "weight 0 is out");
  }
}
