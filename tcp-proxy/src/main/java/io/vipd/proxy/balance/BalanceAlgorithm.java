package io.vipd.proxy.balance;

import java.util.List;
import java.util.random.RandomGenerator;

/** The balancing algorithms, named after haproxy's {@code balance} keywords. */
public enum BalanceAlgorithm {
  /** Smooth weighted round-robin (nginx's SWRR): weights 5,1,1 give a a b a c a a. */
  ROUNDROBIN,
  /** Fewest active connections relative to weight; ties go round-robin. */
  LEASTCONN,
  /** Weighted rendezvous hash of the client address: a server going down moves only its clients. */
  SOURCE,
  /** Power of two choices: two weighted random draws, the less loaded one wins. */
  RANDOM,
  /**
   * The first server in configuration order with room (below its maxconn): as few servers as
   * possible are used. Weights are ignored, except 0.
   */
  FIRST;

  /**
   * Builds a balancer of this kind.
   *
   * @param weights weight of each server, {@code >= 0}; weight 0 never receives traffic
   * @param keys stable identity of each server (its name), used to hash for {@link #SOURCE}
   * @param random randomness for {@link #RANDOM}; must be thread-safe (e.g. a {@code
   *     ThreadLocalRandom}-backed generator) if picks come from several threads
   */
  public Balancer newBalancer(int[] weights, List<String> keys, RandomGenerator random) {
    if (weights.length != keys.size()) {
      throw new IllegalArgumentException("weights and keys differ in length");
    }
    for (int w : weights) {
      if (w < 0) {
        throw new IllegalArgumentException("negative weight " + w);
      }
    }
    switch (this) {
      case ROUNDROBIN:
        return new SmoothWeightedRoundRobin(weights);
      case LEASTCONN:
        return new LeastConnections(weights);
      case SOURCE:
        return new RendezvousSourceHash(weights, keys);
      case RANDOM:
        return new RandomTwoChoices(weights, random);
      case FIRST:
        return new FirstAvailable(weights);
      default:
        throw new AssertionError(this);
    }
  }
}
