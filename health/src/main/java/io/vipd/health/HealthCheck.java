package io.vipd.health;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * One kind of probe (TCP connect, TLS handshake, HTTP GET, command, file) against one target.
 *
 * <p>Why a {@link CompletableFuture}: the checks finish on different threads (a Netty event loop,
 * the JDK's process reaper, a small blocking executor), and a future lets the caller hop back onto
 * its own thread, compose and apply a backstop timeout without the check knowing who calls it.
 *
 * <p>Contract for implementations:
 *
 * <ul>
 *   <li>{@link #run} never blocks the calling thread (it may be an event loop) and never throws;
 *   <li>the returned future always completes normally, within {@code timeout} plus scheduling
 *       slack, with a {@link CheckResult} that says why it failed;
 *   <li>everything a run opened (channel, process tree, temporary file) is released when it ends;
 *   <li>a run is cheap enough to repeat every 100 ms (expensive setup such as an {@code SslContext}
 *       happens once, in the constructor).
 * </ul>
 *
 * Implementations are thread-safe; callers that want hysteresis run them through a {@link
 * HealthMonitor}, which never overlaps two runs of the same check.
 */
public interface HealthCheck extends AutoCloseable {

  /**
   * Starts one probe.
   *
   * @param timeout the whole run (connect, handshake, response, process) must end within this
   * @return a future that completes normally with the result
   */
  CompletableFuture<CheckResult> run(Duration timeout);

  /** What this check probes, for logs and status, e.g. {@code https://127.0.0.1:6443/readyz}. */
  String describe();

  /** Releases what the check holds between runs; the default holds nothing. */
  @Override
  default void close() {}
}
