package io.vipd.proxy.balance;

import java.util.Arrays;

/**
 * Smooth weighted round-robin, the algorithm of nginx's upstream module: on every pick each
 * eligible server's current weight grows by its weight, the largest wins and loses the total. The
 * sequence spreads heavy servers out (5,1,1 gives a a b a c a a) instead of bursting them.
 *
 * <p>Ineligible servers keep their current weight, so a server that comes back resumes where it
 * was. Picks are serialised by this object's monitor: the critical section is a short loop.
 */
final class SmoothWeightedRoundRobin implements Balancer {
  private final int[] weights;
  private final long[] current;

  SmoothWeightedRoundRobin(int[] weights) {
    this.weights = weights.clone();
    this.current = new long[weights.length];
  }

  @Override
  public synchronized int pick(Candidates candidates, long sourceHash) {
    int best = NONE;
    long total = 0;
    for (int i = 0; i < weights.length; i++) {
      if (weights[i] == 0 || !candidates.eligible(i)) {
        continue;
      }
      current[i] += weights[i];
      total += weights[i];
      if (best == NONE || current[i] > current[best]) {
        best = i;
      }
    }
    if (best != NONE) {
      current[best] -= total;
    }
    return best;
  }

  @Override
  public int size() {
    return weights.length;
  }

  /** Keeps each server's current weight, as nginx keeps it when a weight changes. */
  @Override
  public void continueFrom(Balancer previous) {
    if (previous instanceof SmoothWeightedRoundRobin p && p.current.length == current.length) {
      long[] carried;
      synchronized (p) {
        carried = p.current.clone();
      }
      synchronized (this) {
        System.arraycopy(carried, 0, current, 0, current.length);
      }
    }
  }

  @Override
  public synchronized String toString() {
    return "SmoothWeightedRoundRobin" + Arrays.toString(current);
  }
}
