package io.vipd.proxy;

import io.netty.channel.Channel;
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
  private final List<Channel> channels;

  Listeners(List<Channel> channels) {
    if (channels.isEmpty()) {
      throw new IllegalArgumentException("no listening channel");
    }
    this.channels = List.copyOf(channels);
  }

  /** Where they listen (all on the same address). */
  SocketAddress localAddress() {
    return channels.get(0).localAddress();
  }

  int size() {
    return channels.size();
  }

  /** These and {@code more}, listening on the same address. */
  Listeners with(Listeners more) {
    List<Channel> all = new ArrayList<>(channels);
    all.addAll(more.channels);
    return new Listeners(all);
  }

  /** The listening channels (tests). */
  List<Channel> channels() {
    return channels;
  }

  /** Closes them all and waits. */
  void close() {
    for (Channel ch : channels) {
      ch.close().awaitUninterruptibly();
    }
  }
}
