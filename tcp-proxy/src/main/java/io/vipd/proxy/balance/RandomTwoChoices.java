package io.vipd.proxy.balance;

import java.util.random.RandomGenerator;

/**
 * haproxy's {@code balance random(2)}: draw two servers at random in proportion to their weights
 * and keep the one with fewer active connections relative to weight. Stateless apart from the
 * random generator, which must be thread-safe if picks come from several threads.
 */
final class RandomTwoChoices implements Balancer {
  private final int[] weights;
  private final RandomGenerator random;

  RandomTwoChoices(int[] weights, RandomGenerator random) {
    this.weights = weights.clone();
    this.random = random;
  }

  @Override
  public int pick(Candidates candidates, long sourceHash) {
    long total = 0;
    for (int i = 0; i < weights.length; i++) {
      if (weights[i] > 0 && candidates.eligible(i)) {
        total += weights[i];
      }
    }
    if (total == 0) {
      return NONE;
    }
    int first = draw(candidates, total);
    int second = draw(candidates, total);
    if (first == NONE || second == NONE) {
      return first == NONE ? second : first;
    }
    long firstLoad = (candidates.activeConnections(first) + 1L) * weights[second];
    long secondLoad = (candidates.activeConnections(second) + 1L) * weights[first];
    return secondLoad < firstLoad ? second : first;
  }

  private int draw(Candidates candidates, long total) {
    long ticket = random.nextLong(total);
    int last = NONE;
    for (int i = 0; i < weights.length; i++) {
      if (weights[i] > 0 && candidates.eligible(i)) {
        last = i;
        ticket -= weights[i];
        if (ticket < 0) {
          return i;
        }
      }
    }
    // eligibility changed under us between the two loops; any eligible server will do
    return last;
  }

  @Override
  public int size() {
    return weights.length;
  }
}
