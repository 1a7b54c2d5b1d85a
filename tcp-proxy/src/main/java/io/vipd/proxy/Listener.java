package io.vipd.proxy;

import io.netty.channel.EventLoop;
import java.net.SocketAddress;

/** One listening socket of a frontend, on one event loop. */
interface Listener {
  /** Where it listens. */
  SocketAddress localAddress();

  /** The loop that accepts its connections (and serves them, on epoll). */
  EventLoop eventLoop();

  /** Stops listening and waits until the socket is closed. */
  void close();
}
