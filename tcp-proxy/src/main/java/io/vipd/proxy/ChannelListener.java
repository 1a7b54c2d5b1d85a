package io.vipd.proxy;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.io.IOException;
import java.net.SocketAddress;

/** A listening Netty channel (the NIO transport's). */
final class ChannelListener implements Listener {
  private final Channel channel;

  ChannelListener(Channel channel) {
    this.channel = channel;
  }

  @Override
  public SocketAddress localAddress() {
    return channel.localAddress();
  }

  @Override
  public EventLoop eventLoop() {
    return channel.eventLoop();
  }

  /** Java's server socket channels cannot stop listening and listen again on the same socket. */
  @Override
  public void disable() throws IOException {
    throw new IOException("disabling a frontend needs the native epoll transport");
  }

  @Override
  public void enable() {
    // never disabled
  }

  @Override
  public boolean canHandOver() {
    return false;
  }

  @Override
  public void handOver(Frontend to) {
    throw new UnsupportedOperationException("NIO listeners keep their frontend");
  }

  @Override
  public void close() {
    channel.close().awaitUninterruptibly();
  }
}
