package io.vipd.proxy;

import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.RelayBufferBudget;
import io.netty.channel.epoll.RelayEventLoop;
import io.netty.channel.epoll.RelayEventLoopGroup;
import io.netty.channel.epoll.RelaySockets;
import io.netty.channel.epoll.RelayWaits;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.internal.PlatformDependent;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;

/**
 * The relay's transport: on Linux with Netty's native epoll library, vipd's own event loops and
 * sessions over plain sockets ({@link RelayEventLoop}, {@link EpollListener}, {@link
 * EpollSession}); elsewhere Netty's NIO channels ({@link ProxySession}).
 */
final class Transport {
  /**
   * True where every new NIO socket channel already has TCP_NODELAY on: setting it again would cost
   * one {@code setsockopt} per connection for nothing. Off only on Android.
   */
  static final boolean TCP_NODELAY_BY_DEFAULT = PlatformDependent.canEnableTcpNoDelayByDefault();

  final boolean epoll;

  private static final ChannelFactory<NioServerSocketChannel> NIO_SERVER =
      NioServerSocketChannel::new;
  private static final ChannelFactory<NioSocketChannel> NIO_SOCKET = NioSocketChannel::new;

  private Transport(boolean epoll) {
    this.epoll = epoll;
  }

  /**
   * Epoll where asked for and available. The epoll relay reads and writes through buffers' memory
   * addresses, which needs Netty's Unsafe access (off with {@code -Dio.netty.noUnsafe}).
   */
  static Transport select(boolean preferNative) {
    return new Transport(preferNative && Epoll.isAvailable() && PlatformDependent.hasUnsafe());
  }

  /**
   * True for an IPv4 address other than 0.0.0.0: an epoll listener on it is AF_INET, as haproxy's.
   * On a dual-stack AF_INET6 socket every accepted IPv4 connection is an IPv6 socket carrying a
   * mapped address, and pays the IPv6 layer's extra work at accept and close. The wildcard 0.0.0.0
   * keeps the dual-stack socket (bound to [::]), which also accepts IPv6 clients.
   */
  static boolean specificIpv4(InetSocketAddress bind) {
    return !bind.isUnresolved()
        && bind.getAddress() instanceof Inet4Address
        && !bind.getAddress().isAnyLocalAddress();
  }

  /**
   * Fails if a socket already listens on {@code bind} (see {@link
   * RelaySockets#checkNotListenedOn}); epoll only. The probe has the family the listener will have.
   */
  void checkNotListenedOn(InetSocketAddress bind, boolean freebind) throws IOException {
    RelaySockets.checkNotListenedOn(specificIpv4(bind), bind, freebind);
  }

  /** The listening channels of the NIO transport. */
  ChannelFactory<? extends ServerChannel> serverChannelFactory() {
    return NIO_SERVER;
  }

  /** The channels that connect to servers on the NIO transport. */
  ChannelFactory<? extends Channel> socketChannelFactory() {
    return NIO_SOCKET;
  }

  /** Sends the FIN on {@code ch}, a connected NIO stream channel with nothing queued for it. */
  static void shutdownOutput(Channel ch) {
    ((DuplexChannel) ch).shutdownOutput();
  }

  /**
   * The relay's read buffer budget: {@code relayBuffers} if set, else three quarters of the direct
   * memory limit (the rest for the checks' channels and the stats socket).
   */
  static RelayBufferBudget bufferBudget(int relayBuffers, int readSize) {
    return relayBuffers > 0
        ? new RelayBufferBudget(relayBuffers)
        : RelayBufferBudget.ofBytes(PlatformDependent.maxDirectMemory(), 0.75, readSize);
  }

  /**
   * The relay's event loops: on epoll, vipd's own ({@link RelayEventLoop}, no Netty channels),
   * reading at most {@code readSize} bytes at once and waiting for events as {@code waits} says;
   * else Netty's NIO loops (which always sleep in their selector when idle).
   */
  EventLoopGroup newGroup(
      int threads, String name, int readSize, RelayWaits waits, RelayBufferBudget budget) {
    DefaultThreadFactory factory = new DefaultThreadFactory(name, true);
    if (!epoll) {
      return new NioEventLoopGroup(threads, factory);
    }
    return new RelayEventLoopGroup(
        threads, factory, readSize, PooledByteBufAllocator.DEFAULT, budget, waits);
  }
}
