package io.vipd.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ReflectiveChannelFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.AbstractEpollStreamChannel;
import io.netty.channel.epoll.DeferredFlush;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.ProxyEpollServerSocketChannel;
import io.netty.channel.epoll.ProxyEpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.socket.InternetProtocolFamily;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.Socket;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.internal.PlatformDependent;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.channels.NotYetConnectedException;

/** Native epoll where the platform has it, NIO otherwise: the group and channel classes to use. */
final class Transport {
  /**
   * True where every new socket channel (epoll and NIO) already has TCP_NODELAY on: setting it
   * again would cost one {@code setsockopt} per connection for nothing. Off only on Android.
   */
  static final boolean TCP_NODELAY_BY_DEFAULT = PlatformDependent.canEnableTcpNoDelayByDefault();

  final boolean epoll;

  private final ChannelFactory<? extends Channel> defaultSocketFactory;
  private final ChannelFactory<? extends ServerChannel> defaultServerFactory;

  private static final ChannelFactory<ProxyEpollServerSocketChannel> IPV4_EPOLL_SERVER =
      () -> new ProxyEpollServerSocketChannel(InternetProtocolFamily.IPv4);

  private static final ChannelFactory<ProxyEpollSocketChannel> IPV4_EPOLL =
      () -> new ProxyEpollSocketChannel(InternetProtocolFamily.IPv4);

  private Transport(boolean epoll) {
    this.epoll = epoll;
    this.defaultSocketFactory =
        new ReflectiveChannelFactory<>(
            epoll ? ProxyEpollSocketChannel.class : NioSocketChannel.class);
    this.defaultServerFactory =
        new ReflectiveChannelFactory<>(
            epoll ? ProxyEpollServerSocketChannel.class : NioServerSocketChannel.class);
  }

  /**
   * Creates the listening channel for {@code bind}. With epoll and an IPv4 address the socket is
   * AF_INET, as haproxy's: on Netty's default dual-stack AF_INET6 socket every accepted IPv4
   * connection is an IPv6 socket carrying a mapped address, and pays the IPv6 layer's extra work at
   * accept and close. The wildcard 0.0.0.0 keeps the dual-stack socket (Netty binds it to [::]),
   * which also accepts IPv6 clients, as vipd always has; NIO, IPv6 and unresolved addresses keep
   * the default too.
   */
  ChannelFactory<? extends ServerChannel> serverChannelFactory(InetSocketAddress bind) {
    return epoll && specificIpv4(bind) ? IPV4_EPOLL_SERVER : defaultServerFactory;
  }

  /** An IPv4 address other than 0.0.0.0: its listener is AF_INET, others dual-stack. */
  private static boolean specificIpv4(InetSocketAddress bind) {
    return !bind.isUnresolved()
        && bind.getAddress() instanceof Inet4Address
        && !bind.getAddress().isAnyLocalAddress();
  }

  /**
   * Fails if a socket already listens on {@code bind} (see {@link
   * ProxyEpollServerSocketChannel#checkNotListenedOn}); epoll only. The probe has the family the
   * listener will have.
   */
  void checkNotListenedOn(InetSocketAddress bind, boolean freebind) throws IOException {
    ProxyEpollServerSocketChannel.checkNotListenedOn(
        specificIpv4(bind) ? InternetProtocolFamily.IPv4 : null, bind, freebind);
  }

  /**
   * Creates the channels that connect to {@code target}. With epoll and an IPv4 literal target the
   * socket is AF_INET: Netty's default is a dual-stack AF_INET6 socket, which costs an extra {@code
   * setsockopt(IPV6_V6ONLY)} per connection. NIO, IPv6 and unresolved targets keep the default.
   */
  ChannelFactory<? extends Channel> socketChannelFactory(InetSocketAddress target) {
    if (epoll && !target.isUnresolved() && target.getAddress() instanceof Inet4Address) {
      return IPV4_EPOLL;
    }
    return defaultSocketFactory;
  }

  /**
   * Sends the FIN on {@code ch}, a connected stream channel with nothing queued for it. Netty's
   * {@code shutdownOutput} builds an exception with a full stack trace every time, to fail the
   * writes still queued (the relay has none by then): on epoll, shut the socket down directly. The
   * socket records it, so Netty's {@code isOutputShutdown} and its flushes see it too.
   */
  static void shutdownOutput(Channel ch) {
    if (ch instanceof AbstractEpollStreamChannel) {
      Socket socket = (Socket) ((AbstractEpollStreamChannel) ch).fd(); // a LinuxSocket
      try {
        socket.shutdown(false, true);
      } catch (NotYetConnectedException e) {
        // ENOTCONN: the peer reset meanwhile. Its error event is still to be read, and reading it
        // ends the session as the server's (or client's) error, as before the FIN.
      } catch (IOException e) {
        ch.close();
      }
    } else {
      ((DuplexChannel) ch).shutdownOutput();
    }
  }

  /**
   * Flushes what was read from {@code from} to {@code to}. On epoll the flush waits until the loop
   * is done with the event that read it ({@link DeferredFlush}): if that event also brought {@code
   * from}'s FIN, the data and the FIN forwarded after it leave as one segment ({@link
   * ProxyEpollSocketChannel#corkUntilFin}). NIO flushes at once.
   */
  static void flushRead(Channel from, Channel to, boolean queued) {
    if (!(from instanceof ProxyEpollSocketChannel) || !(to instanceof ProxyEpollSocketChannel)) {
      to.flush();
      return;
    }
    ProxyEpollSocketChannel reader = (ProxyEpollSocketChannel) from;
    if (!reader.readReachedEndOfStream()) {
      DeferredFlush.afterEvent(reader, to);
      return;
    }
    DeferredFlush.cancelFor(to);
    if (queued) {
      ((ProxyEpollSocketChannel) to).corkUntilFin();
    }
    to.flush();
  }

  static Transport select(boolean preferNative) {
    return new Transport(preferNative && Epoll.isAvailable());
  }

  /** The relay's event loops (Netty's default I/O ratio: see {@link DeferredFlush}). */
  EventLoopGroup newGroup(int threads, String name) {
    DefaultThreadFactory factory = new DefaultThreadFactory(name, true);
    return epoll
        ? new EpollEventLoopGroup(threads, factory)
        : new NioEventLoopGroup(threads, factory);
  }
}
