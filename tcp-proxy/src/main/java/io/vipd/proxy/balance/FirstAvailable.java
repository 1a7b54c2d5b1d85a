package io.vipd.proxy.balance;

/**
 * haproxy's {@code first}: the first eligible server in configuration order takes the connection,
 * so that as few servers as possible are used; a server at its maxconn is not eligible, and the
 * next one takes over. Weights are ignored, as in haproxy, except that weight 0 receives nothing.
 * Stateless, hence thread-safe.
 */
final class FirstAvailable implements Balancer {
  private final int[] weights;

  FirstAvailable(int[] weights) {
    this.weights = weights.clone();
  }

  @Override
  public int pick(Candidates candidates, long sourceHash) {
    for (int i = 0; i < weights.length; i++) {
      if (weights[i] != 0 && candidates.eligible(i)) {
        return i;
      }
    }
    return NONE;
  }

  @Override
  public int size() {
    return weights.length;
  }
}
