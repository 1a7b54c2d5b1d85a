package io.vipd.proxy.balance;

/**
 * Least connections relative to weight, as haproxy's {@code leastconn}: the server with the lowest
 * {@code (active + 1) / weight} wins. Ties are broken round-robin by a rotating start index so
 * equal servers share new connections evenly even when all are idle.
 */
final class LeastConnections implements Balancer {
  private final int[] weights;
  private int next;

  LeastConnections(int[] weights) {
    this.weights = weights.clone();
  }

  @Override
  public synchronized int pick(Candidates candidates, long sourceHash) {
    int n = weights.length;
    int best = NONE;
    long bestLoad = 0;
    int bestWeight = 1;
    for (int k = 0; k < n; k++) {
      int i = (next + k) % n;
      if (weights[i] == 0 || !candidates.eligible(i)) {
        continue;
      }
      long load = candidates.activeConnections(i) + 1L;
      // load/weight < bestLoad/bestWeight without division
      if (best == NONE || load * bestWeight < bestLoad * weights[i]) {
        best = i;
        bestLoad = load;
        bestWeight = weights[i];
      }
    }
    if (best != NONE) {
      next = (best + 1) % n;
    }
    return best;
  }

  @Override
  public int size() {
    return weights.length;
  }
}
