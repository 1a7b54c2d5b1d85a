package io.netty.channel.epoll;

import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.InternetProtocolFamily;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.unix.NativeInetAddress;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * A listening socket whose accepted connections are {@link ProxyEpollSocketChannel}s, which skip
 * the accept-time {@code getsockname} and {@code getsockopt(SO_SNDBUF)} of Netty's own. Options:
 * those of {@link EpollServerChannelConfig} (backlog, SO_REUSEADDR, SO_RCVBUF, TCP_FASTOPEN),
 * {@link EpollChannelOption#IP_FREEBIND}, which is how a backup binds the VIP it does not hold, and
 * {@link EpollChannelOption#SO_REUSEPORT}, which gives each event loop a listener of its own.
 *
 * <p>The listener itself has TCP_NODELAY on: Linux copies it to every socket accepted from it,
 * which saves the relay a {@code setsockopt} per connection ({@code ProxySocketOptionsTest} reads
 * it back from an accepted socket).
 */
public final class ProxyEpollServerSocketChannel extends AbstractEpollServerChannel
    implements ServerSocketChannel {
  private final Config config;

  public ProxyEpollServerSocketChannel() {
    this(null);
  }

  public ProxyEpollServerSocketChannel(InternetProtocolFamily family) {
    super(LinuxSocket.newSocketStream(family), false);
    config = new Config(this);
    try {
      socket.setTcpNoDelay(true);
    } catch (IOException e) {
      try {
        socket.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw new ChannelException(e);
    }
  }

  /**
   * Fails ("Address already in use") if a socket listens on {@code address}, whatever its options:
   * probed by binding a socket of {@code family} (null: the platform's preferred, dual-stack) that
   * has SO_REUSEADDR and, if asked, IP_FREEBIND, but not SO_REUSEPORT. Listeners that all set
   * SO_REUSEPORT share an address, so without this a frontend would silently share its port with
   * another frontend or process (a haproxy still running, a second vipd) instead of failing.
   */
  public static void checkNotListenedOn(
      InternetProtocolFamily family, InetSocketAddress address, boolean freebind)
      throws IOException {
    LinuxSocket probe = LinuxSocket.newSocketStream(family);
    try {
      probe.setReuseAddress(true);
      if (freebind) {
        probe.setIpFreeBind(true);
      }
      probe.bind(address);
    } finally {
      probe.close();
    }
  }

  @Override
  protected void doBind(SocketAddress localAddress) throws Exception {
    super.doBind(localAddress);
    int tcpFastopen = config.getTcpFastopen();
    if (tcpFastopen > 0 && Epoll.isTcpFastOpenServerSideAvailable()) {
      socket.setTcpFastOpen(tcpFastopen);
    }
    socket.listen(config.getBacklog());
    active = true;
  }

  @Override
  protected Channel newChildChannel(int fd, byte[] address, int offset, int len) {
    return new ProxyEpollSocketChannel(
        this, new LinuxSocket(fd), NativeInetAddress.address(address, offset, len));
  }

  @Override
  public EpollServerChannelConfig config() {
    return config;
  }

  @Override
  public InetSocketAddress localAddress() {
    return (InetSocketAddress) super.localAddress();
  }

  @Override
  public InetSocketAddress remoteAddress() {
    return (InetSocketAddress) super.remoteAddress();
  }

  /** The server options plus IP_FREEBIND and SO_REUSEPORT. */
  private static final class Config extends EpollServerChannelConfig {
    Config(ProxyEpollServerSocketChannel channel) {
      super(channel);
    }

    @SuppressWarnings("unchecked")
    @Override
    public <T> T getOption(ChannelOption<T> option) {
      try {
        if (option == EpollChannelOption.IP_FREEBIND) {
          return (T) Boolean.valueOf(socket().isIpFreeBind());
        }
        if (option == EpollChannelOption.SO_REUSEPORT) {
          return (T) Boolean.valueOf(socket().isReusePort());
        }
      } catch (IOException e) {
        throw new ChannelException(e);
      }
      return super.getOption(option);
    }

    @Override
    public <T> boolean setOption(ChannelOption<T> option, T value) {
      if (option == EpollChannelOption.IP_FREEBIND || option == EpollChannelOption.SO_REUSEPORT) {
        validate(option, value);
        try {
          if (option == EpollChannelOption.IP_FREEBIND) {
            socket().setIpFreeBind((Boolean) value);
          } else {
            socket().setReusePort((Boolean) value);
          }
        } catch (IOException e) {
          throw new ChannelException(e);
        }
        return true;
      }
      return super.setOption(option, value);
    }
  }
}
