package io.vipd.proxy;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
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

  @Override
  public void close() {
    channel.close().awaitUninterruptibly();
  }
}
