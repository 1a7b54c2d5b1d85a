package io.netty.channel.epoll;

import io.netty.channel.Channel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.InternetProtocolFamily;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.unix.InputShutdownMarker;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.AlreadyConnectedException;
import java.util.concurrent.Executor;

/**
 * vipd's relay socket: Netty's {@link EpollSocketChannel} without the system calls a proxy pays on
 * every connection for nothing, and without Netty's drain of a paused socket after its peer's FIN
 * (see {@code epollInReady} below). strace under the load lab's new-connection test counts about 36
 * system calls per proxied connection with Netty's channel, 23.5 with this one and 19 for haproxy;
 * this one leaves out, per connection:
 *
 * <ul>
 *   <li>{@code getsockname} for the local address, at accept and after connect: read when asked;
 *   <li>{@code getsockopt(SO_SNDBUF)} at creation and {@code getsockopt(SO_LINGER)} at close (see
 *       {@link ProxyEpollSocketChannelConfig});
 *   <li>{@code epoll_ctl(MOD)}s that only announce what the relay always wants: an outgoing socket
 *       is registered for the connect's completion and for input, an accepted one for input (the
 *       relay reads a client from accept on), so around a connect only clearing EPOLLOUT is left;
 *   <li>{@code shutdown(SHUT_RD)} and two {@code epoll_ctl(MOD)} on reading the peer's FIN with
 *       half-closure on: after end of stream there is nothing left for the kernel to stop, and
 *       edge-triggered EPOLLIN/EPOLLRDHUP do not fire again for it (a stray wake-up is absorbed by
 *       Netty's own input-shutdown checks).
 * </ul>
 *
 * <p>It keeps Netty's {@code epoll_ctl(DEL)} before {@code close}. Closing alone removes a socket
 * from the epoll set only with the last reference to it, and a process being spawned (a notify
 * script, an exec check) holds references to every descriptor until it execs; meanwhile the old
 * socket's events would arrive under a descriptor number the event loop may have given to a new
 * connection.
 *
 * <p>It lives in Netty's package because the channel internals it builds on are package-private;
 * everything else is Netty's own code path. Pinned to the Netty version in the root POM: {@code
 * RelaySystemCallsTest} counts the system calls it saves; the relay tests cover the behaviour it
 * keeps.
 */
public final class ProxyEpollSocketChannel extends AbstractEpollStreamChannel
    implements SocketChannel {
  /**
   * What an outgoing socket is registered for: the connect's completion (EPOLLOUT) and input, so
   * that neither costs an {@code epoll_ctl(MOD)} of its own. Registered before {@code connect}, the
   * unconnected socket may report EPOLLOUT|EPOLLHUP once if an epoll wait comes between the two;
   * Netty then flushes nothing (nothing is queued before the connect) and reads nothing (no EPOLLIN
   * is reported). Auto-read off clears EPOLLIN again, as on Netty's channels.
   */
  private static final int OUTGOING_INTEREST = Native.EPOLLOUT | Native.EPOLLIN;

  private final ProxyEpollSocketChannelConfig config;
  private final Channel parent;
  private volatile SocketAddress local;
  private volatile SocketAddress remote;

  /** An outgoing socket of {@code family} (null: the platform's preferred), to {@code connect}. */
  public ProxyEpollSocketChannel(InternetProtocolFamily family) {
    super(LinuxSocket.newSocketStream(family), false);
    parent = null;
    config = new ProxyEpollSocketChannelConfig(this);
    flags |= OUTGOING_INTEREST;
  }

  /** An outgoing socket of the platform's preferred family (dual-stack IPv6 where it can). */
  public ProxyEpollSocketChannel() {
    this(null);
  }

  /** An accepted socket: connected to {@code remote}, the address accept(2) returned. */
  ProxyEpollSocketChannel(Channel parent, LinuxSocket fd, InetSocketAddress remote) {
    super(fd, false); // "inactive": Netty's active constructors read both addresses
    this.parent = parent;
    this.remote = remote;
    config = new ProxyEpollSocketChannelConfig(this);
    active = true;
    flags |= Native.EPOLLIN; // cleared by auto-read off, as Netty's channels do
  }

  @Override
  public ProxyEpollSocketChannelConfig config() {
    return config;
  }

  @Override
  public ServerSocketChannel parent() {
    return (ServerSocketChannel) parent;
  }

  @Override
  public InetSocketAddress localAddress() {
    return (InetSocketAddress) super.localAddress();
  }

  @Override
  public InetSocketAddress remoteAddress() {
    return (InetSocketAddress) super.remoteAddress();
  }

  @Override
  protected SocketAddress localAddress0() {
    SocketAddress a = super.localAddress0(); // set by a bind
    if (a == null) {
      a = local;
      if (a == null && socket.isOpen()) {
        a = socket.localAddress();
        if (!socket.isOpen()) {
          return null; // closed meanwhile (another thread): the number may be another socket's
        }
        local = a;
      }
    }
    return a;
  }

  @Override
  protected SocketAddress remoteAddress0() {
    SocketAddress a = super.remoteAddress0(); // set once a pending connect completes
    return a != null ? a : remote;
  }

  @Override
  protected boolean doConnect(SocketAddress remoteAddress, SocketAddress localAddress)
      throws Exception {
    if (localAddress != null || !(remoteAddress instanceof InetSocketAddress)) {
      return super.doConnect(remoteAddress, localAddress); // Netty's path, with its bind
    }
    InetSocketAddress target = (InetSocketAddress) remoteAddress;
    checkResolvable(target);
    if (remoteAddress0() != null) {
      throw new AlreadyConnectedException();
    }
    boolean connected = doConnect0(target);
    if (connected) {
      remote = target;
      clearFlag(Native.EPOLLOUT); // no connect to wait for: flushes must not wait either
    }
    return connected;
  }

  @Override
  protected AbstractEpollUnsafe newUnsafe() {
    return new ProxyUnsafe();
  }

  private final class ProxyUnsafe extends EpollStreamUnsafe {
    @Override
    protected Executor prepareToClose() {
      if (isOpen() && config.lingersOnClose()) {
        // As EpollSocketChannel: a lingering close blocks, so it runs off the event loop.
        try {
          ((EpollEventLoop) eventLoop()).remove(ProxyEpollSocketChannel.this);
        } catch (Throwable ignore) {
          // closed meanwhile: nothing to remove
        }
        return GlobalEventExecutor.INSTANCE;
      }
      return null;
    }

    /**
     * Netty reads a socket whose peer has sent its FIN (EPOLLRDHUP) to end of stream whatever
     * auto-read says, rescheduling itself after every pass: a side the relay has paused (its peer
     * stalled) would move up to its whole kernel receive buffer into the stalled peer's queue. A
     * paused side is not read here; when auto-read returns, Netty's beginRead sees that more may be
     * waiting and reads on. Meanwhile the FIN itself is not read either, so the session's
     * client-fin timeout starts only then, and a reset arriving during the pause is seen at the
     * resume (or the session ends by its inactivity timeout), as with any paused side.
     */
    @Override
    void epollInReady() {
      if (!readPending
          && !config.isAutoRead()
          && recvBufAllocHandle().isReceivedRdHup()
          && !socket.isInputShutdown()) {
        maybeMoreDataToRead = true;
        return;
      }
      super.epollInReady();
    }

    @Override
    void shutdownInput(boolean rdHup) {
      if (config.isAllowHalfClosure() && InputShutdownMarker.mark(socket)) {
        readPending = false;
        flags &= ~(Native.EPOLLIN | Native.EPOLLRDHUP); // see the class comment
        pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        return;
      }
      super.shutdownInput(rdHup);
    }
  }
}
