package io.vipd.proxy;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.internal.PlatformDependent;

/** Native epoll where the platform has it, NIO otherwise: the group and channel classes to use. */
final class Transport {
  /**
   * True where every new socket channel (epoll and NIO) already has TCP_NODELAY on: setting it
   * again would cost one {@code setsockopt} per connection for nothing. Off only on Android.
   */
  static final boolean TCP_NODELAY_BY_DEFAULT = PlatformDependent.canEnableTcpNoDelayByDefault();

  final boolean epoll;
  final Class<? extends ServerChannel> serverChannel;
  final Class<? extends SocketChannel> socketChannel;

  private Transport(boolean epoll) {
    this.epoll = epoll;
    this.serverChannel = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    this.socketChannel = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
  }

  static Transport select(boolean preferNative) {
    return new Transport(preferNative && Epoll.isAvailable());
  }

  EventLoopGroup newGroup(int threads, String name) {
    DefaultThreadFactory factory = new DefaultThreadFactory(name, true);
    return epoll
        ? new EpollEventLoopGroup(threads, factory)
        : new NioEventLoopGroup(threads, factory);
  }
}
