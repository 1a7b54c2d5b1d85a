package io.netty.channel.epoll;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelId;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.InternetProtocolFamily;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.unix.InputShutdownMarker;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.vipd.health.ChildProcesses;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.AlreadyConnectedException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * vipd's relay socket: Netty's {@link EpollSocketChannel} without the system calls a proxy pays on
 * every connection for nothing, and without Netty's drain of a paused socket after its peer's FIN
 * (see {@code epollInReady} below). strace under the load lab's new-connection test counts about 36
 * system calls per proxied connection with Netty's channel, about 18.4 with this one and 17.8 for
 * haproxy 2.6; this one leaves out, per connection:
 *
 * <ul>
 *   <li>{@code getsockname} for the local address, at accept and after connect: read when asked;
 *   <li>{@code getpeername} after a connect: the peer is the address connected to (see {@link
 *       #connect(SocketAddress)});
 *   <li>{@code getsockopt(SO_SNDBUF)} at creation and {@code getsockopt(SO_LINGER)} at close (see
 *       {@link ProxyEpollSocketChannelConfig});
 *   <li>every {@code epoll_ctl(MOD)} around a connect: an outgoing socket is registered for the
 *       connect's completion and for input, an accepted one for input (the relay reads a client
 *       from accept on), and EPOLLOUT is left in the kernel's interest once Netty stops waiting for
 *       it (see {@link #clearFlag});
 *   <li>{@code shutdown(SHUT_RD)} and two {@code epoll_ctl(MOD)} on reading the peer's FIN with
 *       half-closure on: after end of stream there is nothing left for the kernel to stop, and
 *       edge-triggered EPOLLIN/EPOLLRDHUP do not fire again for it (a stray wake-up is absorbed by
 *       Netty's own input-shutdown checks);
 *   <li>{@code epoll_ctl(DEL)} before {@code close}, unless a child process is being started (see
 *       {@link #doDeregister});
 *   <li>the {@code recvfrom} that returns end of stream, when the peer's FIN came in the same epoll
 *       event as its last bytes and the read of those emptied the socket (see {@code
 *       endOfStreamWithoutRead} below).
 * </ul>
 *
 * <p>Its epoll registration waits for the end of the loop iteration that opened it ({@link
 * DeferredRegistration}), so that events the loop still holds for a closed socket whose number it
 * reuses do not reach it.
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

  /** Where a pending {@link #connect(SocketAddress)} goes: the remote address once active. */
  private volatile InetSocketAddress connectingTo;

  /** Set by {@link #doClose} on the event loop: the deregistration that follows is a close's. */
  private boolean closing;

  /**
   * Registered with the loop, not yet with its epoll set (see {@link DeferredRegistration}): flag
   * changes wait for the registration, which takes the flags as they are then. Event loop only.
   */
  private boolean epollPending;

  /** An outgoing socket of {@code family} (null: the platform's preferred), to {@code connect}. */
  public ProxyEpollSocketChannel(InternetProtocolFamily family) {
    super(LinuxSocket.newSocketStream(family), false);
    parent = null;
    config = new ProxyEpollSocketChannelConfig(this, true);
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
    // TCP_NODELAY comes from the listener (see ProxyEpollServerSocketChannel)
    config =
        new ProxyEpollSocketChannelConfig(this, !(parent instanceof ProxyEpollServerSocketChannel));
    active = true;
    flags |= Native.EPOLLIN; // cleared by auto-read off, as Netty's channels do
  }

  @Override
  protected ChannelId newId() {
    return new RelayChannelId();
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
    SocketAddress a = super.remoteAddress0(); // Netty's: after a connect of its own
    if (a == null) {
      a = remote;
      if (a == null && isActive()) {
        a = connectingTo;
      }
    }
    return a;
  }

  /**
   * Connects to {@code remoteAddress}. An {@link InetSocketAddress} travels down the pipeline
   * wrapped as a {@link ConnectTarget}: Netty asks the kernel for the peer's address ({@code
   * getpeername}) when a connect to an {@code InetSocketAddress} completes, and the relay already
   * knows it.
   */
  @Override
  public ChannelFuture connect(SocketAddress remoteAddress) {
    return super.connect(
        remoteAddress instanceof InetSocketAddress
            ? new ConnectTarget((InetSocketAddress) remoteAddress)
            : remoteAddress);
  }

  @Override
  protected boolean doConnect(SocketAddress remoteAddress, SocketAddress localAddress)
      throws Exception {
    if (localAddress != null || !(remoteAddress instanceof ConnectTarget)) {
      return super.doConnect(remoteAddress, localAddress); // Netty's path, with its bind
    }
    InetSocketAddress target = ((ConnectTarget) remoteAddress).address;
    checkResolvable(target);
    if (remoteAddress0() != null) {
      throw new AlreadyConnectedException();
    }
    boolean connected = doConnect0(target);
    if (connected) {
      remote = target;
      clearFlag(Native.EPOLLOUT); // no connect to wait for: flushes must not wait either
    } else {
      connectingTo = target;
    }
    return connected;
  }

  /**
   * Netty stops waiting for writability (a connect completed, a queued write drained): its flag
   * goes, but the kernel's interest keeps EPOLLOUT until the next {@code epoll_ctl(MOD)} made for
   * another reason. Edge-triggered, that costs no extra wake-ups: EPOLLOUT is reported alongside
   * events that come anyway, and Netty answers it with a flush of nothing queued.
   */
  @Override
  void clearFlag(int flag) throws IOException {
    if (flag == Native.EPOLLOUT || epollPending) {
      flags &= ~flag;
      return;
    }
    super.clearFlag(flag);
  }

  @Override
  protected void setFlag(int flag) throws IOException {
    if (epollPending) {
      flags |= flag;
      return;
    }
    super.setFlag(flag);
  }

  /** As Netty's, except that the epoll registration waits for the end of the loop iteration. */
  @Override
  protected void doRegister() {
    epollInReadyRunnablePending = false;
    epollPending = true;
    DeferredRegistration.add(this);
  }

  /** Adds this socket to its loop's epoll set, unless it was closed first. On the event loop. */
  void registerWithEpoll() {
    if (!epollPending) {
      return;
    }
    epollPending = false;
    try {
      ((EpollEventLoop) eventLoop()).add(this);
    } catch (IOException e) {
      pipeline().fireExceptionCaught(e);
      unsafe().close(unsafe().voidPromise());
    }
  }

  /**
   * True if the read pass that just ended (called from {@code channelReadComplete}) reached end of
   * stream: the peer's FIN came with, or right after, the data just read, and Netty shuts this
   * side's input down next.
   */
  public boolean readReachedEndOfStream() {
    return ((EpollRecvByteAllocatorHandle) unsafe().recvBufAllocHandle()).lastBytesRead() < 0;
  }

  /**
   * Holds back a partly filled last segment (TCP_CORK) until the FIN this socket is about to send:
   * the data flushed next and the FIN leave in one segment, as haproxy sends them, instead of a
   * data segment, its acknowledgement and a FIN. Only for a socket whose FIN follows at once (the
   * socket's {@code shutdown} or {@code close} pushes what is held); full segments are not held.
   */
  public void corkUntilFin() {
    if (!socket.isOpen()) {
      return; // closed on this loop: its number may already be another socket's
    }
    try {
      socket.setTcpCork(true);
    } catch (IOException e) {
      // reset meanwhile: the data goes out (or fails) as it would have without the cork
    }
  }

  @Override
  protected void doClose() throws Exception {
    // A lingering close runs off the event loop (prepareToClose) and keeps Netty's order.
    closing = isRegistered() && eventLoop().inEventLoop();
    super.doClose(); // deregisters (below), then closes the socket if it is still open
  }

  /**
   * When closing, and no child process is being started ({@link ChildProcesses}), the socket is
   * closed first: Netty then leaves out its {@code epoll_ctl(DEL)}, since closing the last
   * reference to a socket takes it out of the epoll set. While a child is being started it may hold
   * a reference, so Netty's order stays: DEL, then close. (Another thread's system call in progress
   * on the descriptor holds one too, for its duration; vipd makes none on relay sockets outside
   * their event loop.)
   */
  @Override
  protected void doDeregister() throws Exception {
    if (epollPending) {
      epollPending = false; // never added: in neither the epoll set nor the loop's map
      return;
    }
    try {
      if (closing) {
        long stamp = ChildProcesses.enterClose();
        if (stamp != 0) {
          try {
            socket.close();
          } finally {
            ChildProcesses.exitClose(stamp);
          }
        }
      }
    } finally {
      super.doDeregister(); // out of the loop's map whatever the close did
    }
  }

  @Override
  protected AbstractEpollUnsafe newUnsafe() {
    return new ProxyUnsafe();
  }

  /**
   * A relay channel's id: a number unique in this process. Netty's default id is made to tell
   * channels apart across machines and processes (28 bytes of machine, process, sequence, clock and
   * random parts: three clock reads per channel); nothing in vipd reads a relay channel's id.
   */
  private static final class RelayChannelId implements ChannelId {
    private static final long serialVersionUID = 1L;
    private static final AtomicLong NEXT = new AtomicLong();
    private final long value = NEXT.incrementAndGet();

    @Override
    public String asShortText() {
      return Long.toHexString(value);
    }

    @Override
    public String asLongText() {
      return "relay-" + Long.toHexString(value);
    }

    @Override
    public int compareTo(ChannelId o) {
      return o instanceof RelayChannelId
          ? Long.compare(value, ((RelayChannelId) o).value)
          : asLongText().compareTo(o.asLongText());
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof RelayChannelId && ((RelayChannelId) o).value == value;
    }

    @Override
    public int hashCode() {
      return Long.hashCode(value);
    }

    @Override
    public String toString() {
      return asShortText();
    }
  }

  /** An {@link InetSocketAddress} to connect to, in a type Netty does not look the peer up for. */
  private static final class ConnectTarget extends SocketAddress {
    private static final long serialVersionUID = 1L;
    final InetSocketAddress address;

    ConnectTarget(InetSocketAddress address) {
      this.address = address;
    }

    @Override
    public String toString() {
      return address.toString(); // Netty's connect errors name the address
    }
  }

  private final class ProxyUnsafe extends EpollStreamUnsafe {
    @Override
    protected Executor prepareToClose() {
      if (isOpen() && config.lingersOnClose()) {
        // As EpollSocketChannel: a lingering close blocks, so it runs off the event loop.
        try {
          if (epollPending) {
            epollPending = false;
          } else {
            ((EpollEventLoop) eventLoop()).remove(ProxyEpollSocketChannel.this);
          }
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
      boolean finOfSameEvent = DeferredFlush.beforeInput(ProxyEpollSocketChannel.this);
      EpollRecvByteAllocatorHandle handle = recvBufAllocHandle();
      if (!readPending
          && !config.isAutoRead()
          && handle.isReceivedRdHup()
          && !socket.isInputShutdown()) {
        maybeMoreDataToRead = true;
        return;
      }
      if (finOfSameEvent && drained(handle) && isActive() && !socket.isInputShutdown()) {
        endOfStreamWithoutRead(handle);
        return;
      }
      super.epollInReady();
    }

    /**
     * The last read (of the data pass before this one) returned fewer bytes than it had room for:
     * it emptied the socket's receive queue. A read takes everything queued that fits.
     */
    private boolean drained(EpollRecvByteAllocatorHandle handle) {
      int last = handle.lastBytesRead();
      return last > 0 && last < handle.attemptedBytesRead();
    }

    /**
     * The pass for a FIN that came in the same event as the data just read: the FIN was queued
     * before that read began (epoll reported it with the data), after all the data it follows, and
     * the read emptied the queue, so the next read could only return end of stream. That read is
     * left out, one {@code recvfrom} per connection whose peer sends its last bytes and its FIN
     * together (an HTTP reply with "Connection: close"); haproxy leaves it out the same way (a
     * short read with POLL_HUP is its read0). What follows is Netty's own end-of-stream path: read
     * complete, then input shutdown. Two cases differ from a read. A reset that came in the same
     * event reads as the FIN (the data is forwarded, then a FIN); its error is reported by the next
     * write to the socket, or the session ends as any half-closed one does. TCP urgent data makes a
     * read stop short at its mark; bytes after it are then dropped, as haproxy drops them.
     */
    private void endOfStreamWithoutRead(EpollRecvByteAllocatorHandle handle) {
      ProxyEpollSocketChannelConfig cfg = config;
      handle.reset(cfg);
      epollInBefore();
      handle.lastBytesRead(-1); // what the left-out read would have returned
      readPending = false;
      try {
        handle.readComplete();
        pipeline().fireChannelReadComplete();
        shutdownInput(false);
      } catch (Throwable t) { // as Netty's read loop: reported, not thrown at the event loop
        pipeline().fireExceptionCaught(t);
      } finally {
        epollInFinally(cfg);
      }
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
