package io.vipd.proxy;

import io.netty.channel.EventLoop;
import java.io.IOException;
import java.net.SocketAddress;

/** One listening socket of a frontend, on one event loop. */
interface Listener {
  /** Where it listens. */
  SocketAddress localAddress();

  /** The loop that accepts its connections (and serves them, on epoll). */
  EventLoop eventLoop();

  /**
   * Stops taking connections, the socket kept open and bound (haproxy's {@code disable frontend}):
   * new connections are refused by the kernel. Does nothing if already disabled.
   *
   * @throws IOException if the transport cannot do it (NIO) or the socket refuses
   */
  void disable() throws IOException;

  /**
   * Takes connections again after {@link #disable}. Does nothing if not disabled.
   *
   * @throws IOException if the socket cannot listen again
   */
  void enable() throws IOException;

  /**
   * Whether {@link #handOver} works here: on epoll; NIO's acceptor keeps its frontend, whose
   * renamed successor must then bind anew.
   */
  boolean canHandOver();

  /**
   * A reload gives the socket, still listening, to another frontend (one renamed, or one that takes
   * over the address another leaves): connections it accepts from now on are sessions of {@code
   * to}. The socket is never closed, so nothing waiting in its accept queue is reset.
   *
   * @throws UnsupportedOperationException if {@link #canHandOver} is false
   */
  void handOver(Frontend to);

  /** Stops listening and waits until the socket is closed. */
  void close();
}
