package io.vipd.proxy.balance;

/**
 * Chooses the server for a new connection. Pure logic: no I/O, no Netty, no clock.
 *
 * <p>A balancer is built for one fixed list of servers (their weights and keys); health and load
 * arrive with each call through {@link Candidates}. Implementations are thread-safe: picks may come
 * from every event loop at once.
 */
public interface Balancer {

  /** Returned by {@link #pick} when no server is eligible. */
  int NONE = -1;

  /**
   * Picks one eligible server.
   *
   * @param candidates which servers are eligible and how loaded they are
   * @param sourceHash a hash of the client address; only {@link BalanceAlgorithm#SOURCE} uses it
   * @return the index of the chosen server, or {@link #NONE}
   */
  int pick(Candidates candidates, long sourceHash);

  /** Number of servers this balancer was built for. */
  int size();

  /**
   * Takes over where {@code previous}, the balancer this one replaces for the same servers (a
   * weight changed), left off, so that the order goes on instead of restarting: a rebuild every few
   * seconds (a slow start's steps) would otherwise give the first server every connection that
   * comes between two. Nothing for balancers without such state.
   */
  default void continueFrom(Balancer previous) {}
}
