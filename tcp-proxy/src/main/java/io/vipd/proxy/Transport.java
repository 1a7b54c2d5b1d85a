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

/** Native epoll where the platform has it, NIO otherwise: the group and channel classes to use. */
final class Transport {
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
