package io.vipd.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.ConnectTimeoutException;
import io.netty.util.internal.SystemPropertyUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One proxied connection: the client channel, the server channel (connected on the client's event
 * loop), and the relay between them.
 *
 * <p>Thread ownership: every field is read and written only on the client channel's event loop,
 * which is also the server channel's; other threads go through {@link #closeFromAnyThread}.
 *
 * <p>Data path: each {@link ByteBuf} read on one side is written as is to the other (no copy) and
 * flushed once per read burst. Back-pressure: when a channel's pending writes pass the high
 * watermark it turns unwritable and its peer stops reading (auto-read off) until it drains below
 * the low watermark. Half-close: end of input on one side becomes {@code shutdownOutput} on the
 * other once pending writes are flushed; the session closes when both directions are done.
 */
final class ProxySession implements RelaySession {
  private static final Logger log = LoggerFactory.getLogger(ProxySession.class);

  /** When a local socket failure (fd exhaustion) was last logged: one line a second at most. */
  private static final AtomicLong lastLocalFailureLog = new AtomicLong(Long.MIN_VALUE / 2);

  private final ProxyContext context;
  private final Frontend frontend;
  private final Channel client;
  private final long acceptedNanos;
  private long connectNanos = -1;
  private final long sourceHash;

  /**
   * Servers already tried by this session; made on the first retry (most sessions never need it).
   */
  private BitSet triedPrimaries;

  private BitSet triedBackups;

  private static final BitSet NONE_TRIED = new BitSet();
  private final ChannelFutureListener channelClosed = f -> onChannelClosed();
  private final ChannelFutureListener connectDone = this::onConnectDone;

  /**
   * Client bytes read before the server connected (as haproxy, the client is read from accept on:
   * the TLS ClientHello is usually there before the server is). Replayed on connect, released if
   * the session ends first; past the high watermark the client's reads pause until the connect.
   */
  private ArrayDeque<ByteBuf> early;

  /**
   * The early bytes as the server's write queue will count them once replayed (Netty adds {@link
   * #QUEUED_BUFFER_OVERHEAD} per buffer), and the capacity of the buffers holding them.
   */
  private long earlyQueued;

  private long earlyCapacity;

  /** What Netty's write queue adds per buffer (ChannelOutboundBuffer reads the same property). */
  private static final int QUEUED_BUFFER_OVERHEAD =
      SystemPropertyUtil.getInt("io.netty.transport.outboundBufferEntrySizeOverhead", 96);

  /** Test hook: an early replay left the server side unwritable. */
  private boolean replayLeftServerUnwritable;

  private int attempts;
  private ServerState server;
  private ServerState lastTried;
  private Channel serverChannel;
  private ChannelFuture connecting;
  private long connectStartNanos;
  private boolean connected;
  private int openChannels;

  private long bytesIn;
  private long bytesOut;
  private boolean clientInputDone;
  private boolean serverInputDone;
  private CloseReason reason;
  private boolean closing;
  private boolean finished;

  private long clientActivityNanos;
  private long serverActivityNanos;
  private long flushedToClient;
  private long flushedToServer;

  /**
   * The session's one timer: the connect deadline while connecting, then the inactivity timeouts.
   * Netty's own connect timeout stays off (CONNECT_TIMEOUT_MILLIS 0): one scheduled task a session
   * instead of two, and none left referenced by an idle channel.
   */
  private ScheduledFuture<?> timer;

  private final Runnable onTimer = this::onTimer;

  ProxySession(ProxyContext context, Frontend frontend, Channel client) {
    this.context = context;
    this.frontend = frontend;
    this.client = client;
    this.acceptedNanos = context.nanoClock.getAsLong();
    InetSocketAddress remote = (InetSocketAddress) client.remoteAddress();
    this.sourceHash = remote == null ? 0 : sourceHash(remote.getAddress());
  }

  /** Called once as the client channel registers, on its event loop. */
  void start() {
    // First, so that closing the client if the rest throws ends the session (its slots go back).
    openChannels++;
    client.closeFuture().addListener(channelClosed);
    context.sessions.add(this);
    frontend.accepted.increment();
    context.events.onConnectionAccepted(
        frontend.name(), (InetSocketAddress) client.remoteAddress());
    client.pipeline().addLast(new RelayHandler(this, true));
    connect();
  }

  private void connect() {
    if (lastTried != null && triedPrimaries == null) {
      // the first retry: from now on the balancer must skip what was tried
      triedPrimaries = new BitSet();
      triedBackups = new BitSet();
      (lastTried.settings.backup() ? triedBackups : triedPrimaries).set(lastTried.index);
    }
    ServerState s =
        lastTried != null && !frontend.pool.settings().redispatch()
            ? lastTried // option redispatch off: every retry goes to the same server
            : frontend.pool.select(
                triedPrimaries == null ? NONE_TRIED : triedPrimaries,
                triedBackups == null ? NONE_TRIED : triedBackups,
                sourceHash);
    if (s == null) {
      close(CloseReason.NO_SERVER);
      return;
    }
    if (triedPrimaries != null) {
      (s.settings.backup() ? triedBackups : triedPrimaries).set(s.index);
    }
    attempts++;
    server = s;
    lastTried = s;
    s.active.incrementAndGet();
    connectStartNanos = context.nanoClock.getAsLong();
    InetSocketAddress address = s.settings.address();
    ChannelFuture f;
    try {
      Channel ch = context.newServerSideChannel(address);
      ch.pipeline().addLast(new RelayHandler(this, false));
      // We are on the session's event loop, so register() completes inline and connect() runs
      // right after it: the socket is never polled unconnected (a queued connect, as
      // Bootstrap.connect() does it, once let epoll report it and the session die of
      // NotYetConnectedException under load).
      f = client.eventLoop().register(ch);
      assert f.isDone() : "registered from the session's own event loop";
      if (!f.isSuccess()) {
        ch.unsafe().closeForcibly(); // not registered: the descriptor is still ours to close
      } else {
        f = ch.connect(address); // a failed attempt's channel is closed in onConnectDone
      }
    } catch (RuntimeException e) { // ChannelException: no socket at all (EMFILE, ENOBUFS)
      f = null;
    }
    if (f == null || (f.isDone() && !f.isSuccess() && !f.channel().isRegistered())) {
      // No socket, or one that could not be registered. Not the server's fault, and retrying
      // would only fail the same way: give up on this session now.
      s.active.decrementAndGet();
      server = null;
      long now = context.nanoClock.getAsLong();
      long last = lastLocalFailureLog.get();
      if (now - last > 1_000_000_000L && lastLocalFailureLog.compareAndSet(last, now)) {
        log.warn(
            "cannot open a connection to {} (closing the client; at most one such line a second):"
                + " {}",
            s.name(),
            f == null ? "no socket" : String.valueOf(f.cause()));
      }
      close(CloseReason.CONNECT_FAILED);
      return;
    }
    serverChannel = f.channel();
    openChannels++;
    serverChannel.closeFuture().addListener(channelClosed);
    if (!f.isDone()) {
      connecting = f;
      checkTimeouts(); // arms the connect deadline
    }
    f.addListener(connectDone);
  }

  /** The connect deadline passed: fail the attempt as Netty's own connect timeout would. */
  private void connectTimedOut() {
    ChannelFuture f = connecting;
    connecting = null;
    long millis = frontend.timeouts.connectNanos / 1_000_000;
    ConnectTimeoutException cause =
        new ConnectTimeoutException(
            "connection timed out after " + millis + " ms: " + server.settings.address());
    if (f instanceof ChannelPromise ? ((ChannelPromise) f).tryFailure(cause) : !f.isDone()) {
      f.channel().close();
    }
  }

  private void onConnectDone(ChannelFuture f) {
    ServerState s = server;
    connecting = null;
    if (f.isSuccess()) {
      if (closing) {
        f.channel().close();
        return;
      }
      connected = true;
      s.connections.increment();
      s.sessions.add(this);
      long now = context.nanoClock.getAsLong();
      connectNanos = now - connectStartNanos;
      context.events.onServerConnected(frontend.pool.name(), s.name(), connectNanos);
      if (!s.up && frontend.pool.settings().onMarkedDown() == OnMarkedDown.SHUTDOWN_SESSIONS) {
        // marked down while we were connecting: setServerUp did not see this session yet
        close(CloseReason.SERVER_MARKED_DOWN);
        return;
      }
      clientActivityNanos = now;
      serverActivityNanos = now;
      boolean replayed = early != null;
      replayEarly();
      replayLeftServerUnwritable = replayed && !serverChannel.isWritable();
      // The replay may have filled the server's write queue (its writability event already came
      // and went): the client is read again only while there is room, and not after its FIN.
      client.config().setAutoRead(serverChannel.isWritable() && !clientInputDone);
      serverChannel.config().setAutoRead(true);
      checkTimeouts();
      return;
    }
    // as Bootstrap.connect does: a failed attempt's channel is closed before the next one
    f.channel().close();
    s.active.decrementAndGet();
    server = null;
    serverChannel = null;
    if (closing) {
      // The client went away while we were connecting and the session's own close failed the
      // connect: nothing the server did, so neither counted nor reported (passive health).
      return;
    }
    s.connectFailures.increment();
    boolean timedOut = f.cause() instanceof ConnectTimeoutException;
    context.events.onConnectFailed(frontend.pool.name(), s.name(), timedOut, f.cause());
    if (attempts <= frontend.pool.settings().retries()) {
      connect();
    } else if (timedOut) {
      timeout(TimeoutKind.CONNECT);
    } else {
      close(CloseReason.CONNECT_FAILED);
    }
  }

  // ---- relay, called by RelayHandler on the event loop ----

  void forward(boolean fromClient, ByteBuf data) {
    if (fromClient && !connected && !closing) {
      if (early == null) {
        early = new ArrayDeque<>(2);
      }
      early.add(data);
      earlyQueued += data.readableBytes() + QUEUED_BUFFER_OVERHEAD;
      earlyCapacity += data.capacity(); // what is held: a 1-byte read still pins its buffer
      int high = context.waterMark.high();
      if (earlyQueued > high || earlyCapacity > 2L * high) {
        // Paused where the replay will make the server side unwritable, as the relay would have
        // paused if connected; on again once connected, if the server side has room.
        client.config().setAutoRead(false);
      }
      return;
    }
    Channel peer = fromClient ? serverChannel : client;
    if (closing || !connected || !peer.isActive()) {
      data.release();
      return;
    }
    int n = data.readableBytes();
    if (fromClient) {
      bytesIn += n;
      frontend.bytesIn.add(n);
      server.bytesIn.add(n);
    } else {
      bytesOut += n;
      frontend.bytesOut.add(n);
      server.bytesOut.add(n);
    }
    peer.write(data, peer.voidPromise());
  }

  void readComplete(boolean fromClient) {
    if (fromClient) {
      clientActivityNanos = context.nanoClock.getAsLong();
      if (connected) {
        flush(client, serverChannel);
      }
    } else {
      serverActivityNanos = context.nanoClock.getAsLong();
      flush(serverChannel, client);
    }
  }

  /** Flushes what was read from {@code from} to {@code to}. */
  private static void flush(Channel from, Channel to) {
    to.flush();
  }

  /** The channel on {@code fromClient}'s side changed writability: gate its peer's reads. */
  void writabilityChanged(boolean clientSide) {
    Channel self = clientSide ? client : serverChannel;
    Channel peer = clientSide ? serverChannel : client;
    boolean peerInputDone = clientSide ? serverInputDone : clientInputDone;
    if (self == null || peer == null || !connected || peerInputDone) {
      return;
    }
    peer.config().setAutoRead(self.isWritable());
  }

  private void replayEarly() {
    if (early != null) {
      for (ByteBuf b; (b = early.poll()) != null; ) {
        forward(true, b);
      }
      early = null;
      serverChannel.flush();
    }
    if (clientInputDone) {
      propagateFin(true);
    }
  }

  private void releaseEarly() {
    if (early != null) {
      for (ByteBuf b; (b = early.poll()) != null; ) {
        b.release();
      }
      early = null;
    }
  }

  /** {@code self}, the {@code fromClient} side's channel, read its peer's FIN. */
  void inputShutdown(boolean fromClient, Channel self) {
    // Its input is at end of stream: nothing more to read. Left on, auto-read makes Netty re-arm
    // EPOLLIN after this read burst (an epoll_ctl), and half-closure makes its EPOLLRDHUP handler
    // read the EOF a second time (a recvfrom). Netty consults half-closure only on reaching end of
    // stream, which this side already has, so the relay's half-close semantics do not change.
    ChannelConfig ended = self.config();
    ended.setAutoRead(false);
    ended.setOption(ChannelOption.ALLOW_HALF_CLOSURE, false);
    if (fromClient) {
      clientInputDone = true;
      if (!connected && !closing) {
        return; // replayed once the server is connected
      }
    } else {
      serverInputDone = true;
    }
    propagateFin(fromClient);
  }

  private void propagateFin(boolean fromClient) {
    if (clientInputDone && serverInputDone) {
      close(fromClient ? CloseReason.SERVER_CLOSED : CloseReason.CLIENT_CLOSED);
      return;
    }
    Channel peer = fromClient ? serverChannel : client;
    if (!connected || !peer.isActive()) {
      close(fromClient ? CloseReason.CLIENT_CLOSED : CloseReason.SERVER_CLOSED);
      return;
    }
    // shutdownOutput fails writes still queued, so flush them first
    peer.writeAndFlush(Unpooled.EMPTY_BUFFER)
        .addListener(
            f -> {
              if (f.isSuccess() && peer.isActive()) {
                Transport.shutdownOutput(peer);
                // Both directions now end with the peer's own FIN: let Netty close it on that EOF
                // instead of shutting its input down first (a shutdown and an epoll_ctl fewer).
                // Nothing is queued towards it any more, so the close drops nothing.
                peer.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, false);
              }
            });
    if (fromClient) {
      // client-fin may now be the shorter timeout
      checkTimeouts();
    }
  }

  void failed(boolean clientSide, Throwable cause) {
    log.debug("{} side of {} failed", clientSide ? "client" : "server", frontend.name(), cause);
    if (!clientSide && !connected && !closing) {
      return; // the connect attempt's own outcome decides (onConnectDone: retry or close)
    }
    abort(clientSide ? CloseReason.CLIENT_ERROR : CloseReason.SERVER_ERROR);
  }

  /** A channel went inactive: if we did not close it, the peer closed or reset it. */
  void channelInactive(boolean clientSide) {
    if (!clientSide && !connected) {
      return; // a failed connect attempt; onConnectDone handles it
    }
    if (clientSide ? serverInputDone : clientInputDone) {
      // the other side's FIN came first (the usual end after propagateFin): named as in there
      close(clientSide ? CloseReason.SERVER_CLOSED : CloseReason.CLIENT_CLOSED);
      return;
    }
    close(clientSide ? CloseReason.CLIENT_CLOSED : CloseReason.SERVER_CLOSED);
  }

  // ---- closing ----

  /** Thread-safe: hops onto the session's event loop and closes at once. */
  @Override
  public void closeFromAnyThread(CloseReason why) {
    client.eventLoop().execute(() -> abort(why));
  }

  /** Graceful: each side gets what is already queued for it, then closes. */
  private void close(CloseReason why) {
    if (reason == null) {
      reason = why;
    }
    if (closing) {
      return;
    }
    closing = true;
    closeOnFlush(client);
    if (serverChannel != null) {
      closeOnFlush(serverChannel);
    }
  }

  /** Immediate: drops whatever is queued (timeouts, errors, marked down, stop). */
  void abort(CloseReason why) {
    if (reason == null) {
      reason = why;
    }
    closing = true;
    client.close();
    if (serverChannel != null) {
      serverChannel.close();
    }
  }

  private static void closeOnFlush(Channel ch) {
    if (ch.isActive() && pending(ch) > 0) {
      ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    } else {
      ch.close(); // nothing queued (the usual end): no flush pass and promise first
    }
  }

  private void onChannelClosed() {
    if (--openChannels == 0) {
      if (client.isOpen()) {
        return; // between connect attempts
      }
      finish();
    }
  }

  private void finish() {
    if (finished) {
      return;
    }
    finished = true;
    releaseEarly();
    if (timer != null) {
      timer.cancel(false);
    }
    CloseReason why = reason == null ? CloseReason.CLIENT_CLOSED : reason;
    long lifetimeNanos = context.nanoClock.getAsLong() - acceptedNanos;
    // counts taken before this session is released
    ClosedSession closed = context.closedSessions ? closedSession(why, lifetimeNanos) : null;
    if (server != null) {
      server.active.decrementAndGet();
      server.sessions.remove(this);
    }
    frontend.limit.release();
    context.globalLimit.release();
    frontend.countClosed(why);
    context.sessions.remove(this);
    context.events.onConnectionClosed(
        frontend.name(), connected ? server.name() : null, why, bytesIn, bytesOut, lifetimeNanos);
    if (closed != null) {
      context.events.onSessionClosed(closed);
    }
  }

  private ClosedSession closedSession(CloseReason why, long lifetimeNanos) {
    boolean hasServer = connected && server != null;
    return new ClosedSession(
        frontend.name(),
        frontend.pool.name(),
        hasServer ? server.name() : null,
        (InetSocketAddress) client.remoteAddress(),
        System.currentTimeMillis() - lifetimeNanos / 1_000_000, // accepted: not read per accept
        hasServer ? connectNanos : -1,
        lifetimeNanos,
        bytesIn,
        bytesOut,
        why,
        Math.max(0, attempts - 1),
        context.sessions.size(),
        frontend.limit.active(),
        frontend.pool.activeSessions(),
        hasServer ? server.active.get() : 0);
  }

  // ---- timeouts ----

  private void checkTimeouts() {
    if (finished) {
      if (timer != null) {
        timer.cancel(false);
        timer = null;
      }
      return;
    }
    long now = context.nanoClock.getAsLong();
    if (!connected) {
      // connecting (or between attempts): only the connect deadline runs, if there is one
      long connectTimeout = frontend.timeouts.connectNanos;
      if (connecting == null || connectTimeout == 0) {
        arm(Long.MAX_VALUE);
        return;
      }
      long left = connectStartNanos + connectTimeout - now;
      if (left <= 0) {
        connectTimedOut();
        return;
      }
      arm(left);
      return;
    }
    long toClient = bytesOut - pending(client);
    if (toClient != flushedToClient) {
      flushedToClient = toClient;
      clientActivityNanos = now;
    }
    long toServer = bytesIn - pending(serverChannel);
    if (toServer != flushedToServer) {
      flushedToServer = toServer;
      serverActivityNanos = now;
    }
    // haproxy in mode tcp: with no content analyzer, a connection is a tunnel as soon as it is
    // established, so the tunnel timeout (when set) governs it from then on.
    boolean tunnel = connected;
    SessionTimeouts t = frontend.timeouts;
    TimeoutKind clientKind = t.clientKind(tunnel, clientInputDone);
    TimeoutKind serverKind = t.serverKind(tunnel);
    long clientNanos = t.nanos(clientKind);
    long serverNanos = t.nanos(serverKind);
    long next = Long.MAX_VALUE;
    if (clientNanos > 0) {
      long left = clientActivityNanos + clientNanos - now;
      if (left <= 0) {
        timeout(clientKind);
        return;
      }
      next = left;
    }
    if (serverNanos > 0) {
      long left = serverActivityNanos + serverNanos - now;
      if (left <= 0) {
        timeout(serverKind);
        return;
      }
      next = Math.min(next, left);
    }
    arm(next);
  }

  /**
   * Makes the timer fire within {@code nanos} (never, for Long.MAX_VALUE). A timer already due no
   * later is kept: firing early only means another check, and most sessions end before their first
   * deadline, so this saves a cancel and a schedule per session.
   */
  private void arm(long nanos) {
    if (timer != null) {
      if (nanos != Long.MAX_VALUE && timer.getDelay(TimeUnit.NANOSECONDS) <= nanos) {
        return;
      }
      timer.cancel(false);
      timer = null;
    }
    if (nanos != Long.MAX_VALUE) {
      timer = client.eventLoop().schedule(onTimer, nanos, TimeUnit.NANOSECONDS);
    }
  }

  private void onTimer() {
    timer = null;
    checkTimeouts();
  }

  private void timeout(TimeoutKind kind) {
    context.events.onTimeout(frontend.name(), kind);
    abort(SessionTimeouts.reason(kind));
  }

  private static long pending(Channel ch) {
    if (ch == null) {
      return 0;
    }
    ChannelOutboundBuffer out = ch.unsafe().outboundBuffer();
    return out == null ? 0 : out.totalPendingWriteBytes();
  }

  /** Test hook: client bytes held until the server connects, as queued. Event loop only. */
  long earlyBytes() {
    return early == null ? 0 : earlyQueued;
  }

  /** Test hook: connected to a server. Event loop only. */
  boolean isConnected() {
    return connected;
  }

  /** Test hook: the connect replayed early bytes and they filled the server's write queue. */
  boolean replayLeftServerUnwritable() {
    return replayLeftServerUnwritable;
  }

  /** Test hook: bytes queued towards the server (must stay near the high watermark). */
  long pendingToServer() {
    return pending(serverChannel);
  }

  /** Test hook: bytes queued towards the client (must stay near the high watermark). */
  long pendingToClient() {
    return pending(client);
  }

  @Override
  public String toString() {
    return "ProxySession{frontend="
        + frontend.name()
        + ", server="
        + (server == null ? null : server.name())
        + ", connected="
        + connected
        + ", in="
        + bytesIn
        + ", out="
        + bytesOut
        + ", clientAutoRead="
        + client.config().isAutoRead()
        + ", serverAutoRead="
        + (serverChannel == null ? null : serverChannel.config().isAutoRead())
        + ", clientWritable="
        + client.isWritable()
        + ", reason="
        + reason
        + "}";
  }

  @Override
  public io.netty.channel.EventLoop eventLoop() {
    return client.eventLoop();
  }

  Channel clientChannel() {
    return client;
  }

  /** Test hook: the current server-side channel, null between attempts. Event loop only. */
  Channel serverSideChannel() {
    return serverChannel;
  }

  private static long sourceHash(InetAddress address) {
    long h = 0xcbf29ce484222325L;
    for (byte b : address.getAddress()) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    return h;
  }
}
