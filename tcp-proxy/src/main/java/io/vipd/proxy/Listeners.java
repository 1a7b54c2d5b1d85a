package io.vipd.proxy;

import java.io.IOException;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * A frontend's listening sockets: on epoll, one or more per event loop (SO_REUSEPORT: the kernel
 * spreads new connections over them, and each loop accepts and serves its own, with no hand-over
 * between loops; more than one per loop when one accept queue each cannot hold the frontend's
 * connection limit, see {@link AcceptQueues}), else one.
 */
final class Listeners {
  private final List<Listener> listeners;

  Listeners(List<Listener> listeners) {
    if (listeners.isEmpty()) {
      throw new IllegalArgumentException("no listening socket");
    }
    this.listeners = List.copyOf(listeners);
  }

  /** Where they listen (all on the same address). */
  SocketAddress localAddress() {
    return listeners.get(0).localAddress();
  }

  int size() {
    return listeners.size();
  }

  /** These and {@code more}, listening on the same address. */
  Listeners with(Listeners more) {
    List<Listener> all = new ArrayList<>(listeners);
    all.addAll(more.listeners);
    return new Listeners(all);
  }

  /** The listening sockets (tests). */
  List<Listener> all() {
    return listeners;
  }

  /**
   * Disables them all (see {@link Listener#disable}); if one cannot be, those done are enabled
   * again and the failure is thrown.
   */
  void disable() throws IOException {
    for (int i = 0; i < listeners.size(); i++) {
      try {
        listeners.get(i).disable();
      } catch (IOException e) {
        for (int j = 0; j < i; j++) {
          try {
            listeners.get(j).enable();
          } catch (IOException again) {
            e.addSuppressed(again);
          }
        }
        throw e;
      }
    }
  }

  /** Enables them all; every one is tried, and the first failure is thrown. */
  void enable() throws IOException {
    IOException failed = null;
    for (Listener l : listeners) {
      try {
        l.enable();
      } catch (IOException e) {
        if (failed == null) {
          failed = e;
        } else {
          failed.addSuppressed(e);
        }
      }
    }
    if (failed != null) {
      throw failed;
    }
  }

  /** Whether every one can be handed over (see {@link Listener#canHandOver}). */
  boolean canHandOver() {
    return listeners.stream().allMatch(Listener::canHandOver);
  }

  /** Hands every one over to {@code to} (see {@link Listener#handOver}). */
  void handOver(Frontend to) {
    listeners.forEach(l -> l.handOver(to));
  }

  /** Closes them all and waits. */
  void close() {
    for (Listener l : listeners) {
      l.close();
    }
  }
}
