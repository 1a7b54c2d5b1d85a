package io.vipd.vrrp.port;

import java.io.Closeable;
import java.io.IOException;

/**
 * Watches one interface going up and down (keepalived's FAULT trigger). The current state is known
 * from the moment the monitor is opened; {@link #poll} reports changes after that. Not thread-safe:
 * one thread polls (typically a small dedicated thread that forwards changes to the VRRP runtime's
 * command queue).
 */
public interface LinkMonitor extends Closeable {

  /** The state as last observed (initially the state when the monitor was opened). */
  LinkState current();

  /**
   * Waits up to {@code timeoutNanos} for the interface's up/down state to change.
   *
   * @param timeoutNanos longest wait in nanoseconds; 0 polls without waiting
   * @return the new state, or {@code null} when it did not change in time
   */
  LinkState poll(long timeoutNanos) throws IOException;

  /** Stops watching. Idempotent. */
  @Override
  void close() throws IOException;
}
