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

  /** Stops listening and waits until the socket is closed. */
  void close();
}
