package io.vipd.proxy;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One backend's {@code rebalance-rate}: each {@link #run} closes sessions of the servers furthest
 * over their share ({@link Rebalance}), at most {@code rate} a second, so that their clients
 * reconnect to the others. Their clients reconnect and the balancer places them: {@code leastconn}
 * sends each to the server furthest under its share; with {@code roundrobin} more are closed before
 * the shares settle. Not thread-safe: its pool runs it under its monitor.
 */
final class Rebalancer {
  /** How often the pool runs it. */
  static final long TICK_MILLIS = 200;

  /**
   * How long it waits after closing sessions, for their clients to reconnect, before it judges the
   * shares again (it would otherwise count them as gone and close more).
   */
  static final long SETTLE_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** The longest it waits when its closed clients did not go where expected. */
  static final long MAX_SETTLE_NANOS = TimeUnit.SECONDS.toNanos(30);

  private final int rate;

  /** Sessions it may still close: its rate, earned tick by tick. */
  private double budget;

  /** How long it waits after the next round: doubled while rounds move nobody. */
  private long settle = SETTLE_NANOS;

  /** The server the last round expected clients to reconnect to, and its sessions then. */
  private ServerState receiver;

  private int receiverHad;

  /** Until when it lets closed sessions reconnect (the pool's clock), if it does. */
  private long settledAt;

  private boolean settling;

  Rebalancer(int rate) {
    this.rate = rate;
  }

  /**
   * One tick: among {@code group} (the servers that take new connections, primaries or backups),
   * shares follow the weights in effect, so a slow start paces it.
   *
   * @param now the pool's clock
   */
  void run(ServerState[] group, long now) {
    budget = Math.min(budget + rate * TICK_MILLIS / 1000.0, rate);
    if (settling && now - settledAt < 0) {
      return;
    }
    settling = false;
    if (receiver != null) {
      // The last round's clients were expected there. If it gained none (full at its maxconn,
      // refusing, clients slow to come back, a balancer that sends them elsewhere), wait longer
      // before closing more: twice as long each time, up to MAX_SETTLE_NANOS.
      boolean moved = receiver.sessions.size() > receiverHad;
      settle = moved ? SETTLE_NANOS : Math.min(2 * settle, MAX_SETTLE_NANOS);
      receiver = null;
      if (!moved) {
        settleUntil(now + settle);
        return;
      }
    }
    int[] sessions = new int[group.length];
    int[] weights = new int[group.length];
    for (int i = 0; i < group.length; i++) {
      ServerState s = group[i];
      sessions[i] = s.sessions.size();
      weights[i] = s.usable() ? SlowStart.weight(s.weight, s.rampStep) : 0;
    }
    Set<RelaySession> closing = new HashSet<>();
    while (budget >= 1) {
      int over = Rebalance.mostOver(sessions, weights);
      if (over < 0) {
        break;
      }
      RelaySession victim = null;
      for (RelaySession session : group[over].sessions) {
        if (closing.add(session)) {
          victim = session;
          break;
        }
      }
      if (victim == null) {
        break;
      }
      victim.closeFromAnyThread(CloseReason.REBALANCED);
      // its client reconnects: counted where leastconn would send it
      sessions[over]--;
      int under = Rebalance.mostUnder(sessions, weights);
      if (receiver == null) {
        receiver = group[under];
        receiverHad = group[under].sessions.size();
      }
      sessions[under]++;
      budget--;
    }
    if (!closing.isEmpty()) {
      settleUntil(now + settle);
    }
  }

  private void settleUntil(long until) {
    settledAt = until;
    settling = true;
  }
}
