package io.netty.channel.epoll;

import io.netty.channel.Channel;
import io.netty.channel.SingleThreadEventLoop;
import io.netty.util.concurrent.FastThreadLocal;

/**
 * One flush per event loop held back until the loop moves on from the event that read its data: to
 * its next read of any socket, or to the end of the loop iteration (a tail task). If the same event
 * also carries the sender's FIN (EPOLLRDHUP beside EPOLLIN: Netty reads it in a pass of its own
 * right after the data), the relay sees the end of stream before the data has left and sends both
 * in one segment (see {@link ProxyEpollSocketChannel#corkUntilFin}), as haproxy does. Nothing waits
 * longer than the rest of the ready events of one epoll wait and the tasks that follow them.
 *
 * <p>Event-loop confined: one instance per loop thread.
 */
public final class DeferredFlush implements Runnable {
  private static final FastThreadLocal<DeferredFlush> LOOP =
      new FastThreadLocal<>() {
        @Override
        protected DeferredFlush initialValue() {
          return new DeferredFlush();
        }
      };

  private Channel from;
  private Channel to;
  private boolean scheduled;

  private DeferredFlush() {}

  /**
   * Flushes {@code to} once the loop is done with the event {@code from} is reading. On the loop of
   * both.
   */
  public static void afterEvent(ProxyEpollSocketChannel from, Channel to) {
    DeferredFlush d = LOOP.get();
    if (d.to != null && d.to != to) {
      d.flushNow();
    }
    d.from = from;
    d.to = to;
    if (!d.scheduled) {
      d.scheduled = true;
      // A tail task: run once the loop has handled this batch of events and its tasks. As a
      // plain task it made Netty time the batch's tasks (two clock reads per wake-up); and
      // running tasks without that time budget (ioRatio 100) to save them let a task that
      // reschedules itself starve the loop's I/O.
      ((SingleThreadEventLoop) from.eventLoop()).executeAfterEventLoopIteration(d);
    }
  }

  /** Drops the held flush if it is {@code to}'s: the caller flushes {@code to} itself, now. */
  public static void cancelFor(Channel to) {
    DeferredFlush d = LOOP.getIfExists();
    if (d != null && d.to == to) {
      d.from = null;
      d.to = null;
    }
  }

  /**
   * Called as the loop starts reading {@code ch}. A held flush goes now, unless this is the pass
   * that reads the FIN of the same event ({@code ch} is the socket it was read from, and EPOLLRDHUP
   * has been seen on it): a further read pass of that socket (Netty continues a read in a task)
   * must not find the previous read still queued, or the peer's queue would pass its high watermark
   * every other read.
   *
   * @return true if this is that pass, or a further one of the same socket in the same loop
   *     iteration: no other socket was read and no epoll wait came since {@code ch}'s last read,
   *     and the FIN was reported before that read began
   */
  static boolean beforeInput(ProxyEpollSocketChannel ch) {
    DeferredFlush d = LOOP.getIfExists();
    if (d == null || d.to == null) {
      return false;
    }
    if (d.from == ch
        && ((AbstractEpollChannel.AbstractEpollUnsafe) ch.unsafe())
            .recvBufAllocHandle()
            .isReceivedRdHup()) {
      return true;
    }
    d.flushNow();
    return false;
  }

  private void flushNow() {
    Channel ch = to;
    from = null;
    to = null;
    ch.flush();
  }

  @Override
  public void run() {
    scheduled = false;
    if (to != null) {
      flushNow();
    }
  }
}
