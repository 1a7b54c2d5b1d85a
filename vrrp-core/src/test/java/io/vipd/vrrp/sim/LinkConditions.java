package io.vipd.vrrp.sim;

/**
 * How the simulated LAN treats each single delivery (one sender to one receiver): it is lost with
 * {@code lossProbability}, otherwise delivered after a delay drawn uniformly from {@code
 * [minDelayNanos, maxDelayNanos]}, and with {@code duplicateProbability} delivered a second time
 * after a second, independent delay. Independent delays reorder deliveries.
 */
public record LinkConditions(
    double lossProbability, double duplicateProbability, long minDelayNanos, long maxDelayNanos) {

  /** No loss, no duplicates, no delay. */
  public static final LinkConditions PERFECT = new LinkConditions(0, 0, 0, 0);

  public LinkConditions {
    if (lossProbability < 0 || lossProbability > 1) {
      throw new IllegalArgumentException("lossProbability must be 0..1: " + lossProbability);
    }
    if (duplicateProbability < 0 || duplicateProbability > 1) {
      throw new IllegalArgumentException(
          "duplicateProbability must be 0..1: " + duplicateProbability);
    }
    if (minDelayNanos < 0 || maxDelayNanos < minDelayNanos) {
      throw new IllegalArgumentException(
          "need 0 <= minDelay <= maxDelay: " + minDelayNanos + ", " + maxDelayNanos);
    }
  }

  /** No loss, no duplicates, a fixed delay. */
  public static LinkConditions fixedDelay(long delayNanos) {
    return new LinkConditions(0, 0, delayNanos, delayNanos);
  }

  /** The same conditions with another loss probability. */
  public LinkConditions withLoss(double probability) {
    return new LinkConditions(probability, duplicateProbability, minDelayNanos, maxDelayNanos);
  }
}
