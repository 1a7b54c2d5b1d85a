package io.netty.channel.epoll;

import io.netty.channel.SingleThreadEventLoop;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.ArrayList;

/**
 * Holds the epoll registration of relay sockets opened during a loop iteration (an accept, a
 * connect to a server) until the iteration ends (a tail task), just before the loop's next epoll
 * wait.
 *
 * <p>Why: the loop finds a socket by its number, and a socket closed while the loop works through
 * one batch of ready events gives its number back at once. A socket opened later in the same batch
 * gets the lowest free number, often that one, and the events the batch still holds for the closed
 * socket would reach the new one. A stale EPOLLRDHUP is the harmful one: it marks the new socket as
 * having seen its peer's FIN, and Netty then re-reads it in a task that reschedules itself until an
 * end of stream that never comes, a whole core for the life of the connection. Until the socket is
 * registered, an event under its number finds no channel, and Netty drops it.
 *
 * <p>Nothing is lost by waiting: a socket can have no events of its own in a batch harvested before
 * it existed, and an epoll_ctl(ADD) reports what is already ready (data that came first, a connect
 * already complete) at the next wait. Event-loop confined: one instance per loop thread.
 */
final class DeferredRegistration implements Runnable {
  private static final FastThreadLocal<DeferredRegistration> LOOP =
      new FastThreadLocal<>() {
        @Override
        protected DeferredRegistration initialValue() {
          return new DeferredRegistration();
        }
      };

  private final ArrayList<ProxyEpollSocketChannel> pending = new ArrayList<>();
  private boolean scheduled;

  private DeferredRegistration() {}

  /** Registers {@code ch} with its loop's epoll set at the end of this iteration. On its loop. */
  static void add(ProxyEpollSocketChannel ch) {
    DeferredRegistration d = LOOP.get();
    d.pending.add(ch);
    if (!d.scheduled) {
      d.scheduled = true;
      ((SingleThreadEventLoop) ch.eventLoop()).executeAfterEventLoopIteration(d);
    }
  }

  @Override
  public void run() {
    scheduled = false;
    for (int i = 0; i < pending.size(); i++) {
      pending.get(i).registerWithEpoll(); // a channel closed meanwhile skips itself
    }
    pending.clear();
  }
}
