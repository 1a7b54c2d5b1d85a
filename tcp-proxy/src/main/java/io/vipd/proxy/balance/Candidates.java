package io.vipd.proxy.balance;

/**
 * The live view of a backend's servers that a {@link Balancer} picks from. Indexes are stable for
 * the life of the balancer and match the weights it was built with.
 *
 * <p>Implementations are read from whichever event loop calls {@link Balancer#pick}; values may
 * change between calls (health, active connections) and need only be eventually consistent.
 */
public interface Candidates {

  /** True if the server at {@code index} may receive a new connection (up, not yet tried). */
  boolean eligible(int index);

  /** Connections currently open or being opened to the server at {@code index}. */
  int activeConnections(int index);
}
