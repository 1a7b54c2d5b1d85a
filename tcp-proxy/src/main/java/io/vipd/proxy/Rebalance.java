package io.vipd.proxy;

/**
 * Which server should give up an established session so that each holds its share of the backend's
 * sessions, its weight's part of their total: the L4 counterpart of the apiserver's {@code
 * --goaway-chance}, for long-lived watches that never come back to a server that was away (an
 * upgrade, a failover). Pure arithmetic; a server only counts as over its share beyond a tolerance,
 * so that the balance settles instead of churning.
 */
final class Rebalance {
  /**
   * How far over its share a server must be: this fraction of the share, and 2 sessions at least.
   */
  static final double TOLERANCE = 0.1;

  private Rebalance() {}

  /**
   * The server furthest under its share (where {@code leastconn} sends a reconnecting client).
   *
   * @return its index, or -1 if no server takes part
   */
  static int mostUnder(int[] sessions, int[] weights) {
    long total = 0;
    long weightSum = 0;
    for (int i = 0; i < sessions.length; i++) {
      if (weights[i] > 0) {
        total += sessions[i];
        weightSum += weights[i];
      }
    }
    int most = -1;
    double mostDeficit = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < sessions.length; i++) {
      if (weights[i] == 0) {
        continue;
      }
      double deficit = (double) total * weights[i] / weightSum - sessions[i];
      if (deficit > mostDeficit) {
        most = i;
        mostDeficit = deficit;
      }
    }
    return most;
  }

  /**
   * The server furthest over its share.
   *
   * @param sessions established sessions of each server
   * @param weights the weight of each in effect; 0 leaves a server out (it takes no new connection,
   *     so moving sessions to it is pointless, and its own sessions are not another's to move)
   * @return its index, or -1 if every server is within its share (or fewer than two take part)
   */
  static int mostOver(int[] sessions, int[] weights) {
    long total = 0;
    long weightSum = 0;
    int taking = 0;
    for (int i = 0; i < sessions.length; i++) {
      if (weights[i] > 0) {
        total += sessions[i];
        weightSum += weights[i];
        taking++;
      }
    }
    if (taking < 2) {
      return -1;
    }
    int most = -1;
    double mostExcess = 0;
    for (int i = 0; i < sessions.length; i++) {
      if (weights[i] == 0) {
        continue;
      }
      double share = (double) total * weights[i] / weightSum;
      double excess = sessions[i] - share;
      if (excess >= Math.max(2, share * TOLERANCE) && excess > mostExcess) {
        most = i;
        mostExcess = excess;
      }
    }
    return most;
  }
}
