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
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
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
final class ProxySession extends SessionBase {
  private static final Logger log = LoggerFactory.getLogger(ProxySession.class);

  private final Channel client;
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

  private Channel serverChannel;

  /** The connect in flight; Netty's own connect timeout stays off (the session's timer runs it). */
  private ChannelFuture connecting;

  private int openChannels;

  private boolean clientInputDone;
  private boolean serverInputDone;
  private boolean closing;

  private long flushedToClient;
  private long flushedToServer;

  ProxySession(ProxyContext context, Frontend frontend, Channel client) {
    super(context, frontend, (InetSocketAddress) client.remoteAddress());
    this.client = client;
  }

  /** Called once as the client channel registers, on its event loop. */
  void start() {
    // First, so that closing the client if the rest throws ends the session (its slots go back).
    openChannels++;
    client.closeFuture().addListener(channelClosed);
    recordStart();
    client.pipeline().addLast(new RelayHandler(this, true));
    connect();
  }

  @Override
  void connectAgain() {
    connect();
  }

  private void connect() {
    ServerState s = nextServer();
    if (s == null) {
      if (!waitInQueue()) {
        close(CloseReason.NO_SERVER);
      }
      return;
    }
    connectPicked(() -> connectTo(s));
  }

  private void connectTo(ServerState s) {
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
      // No socket, or one that could not be registered: give up on this session now.
      localFailure(f == null ? "no socket" : f.cause());
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
  @Override
  void connectTimedOut(ConnectTimeoutException cause) {
    ChannelFuture f = connecting;
    connecting = null;
    if (f instanceof ChannelPromise ? ((ChannelPromise) f).tryFailure(cause) : !f.isDone()) {
      f.channel().close();
    }
  }

  private void onConnectDone(ChannelFuture f) {
    ServerState s = target;
    connecting = null;
    if (f.isSuccess()) {
      if (closing) {
        f.channel().close();
        return;
      }
      CloseReason ended = onServerConnected();
      if (ended != null) {
        close(ended);
        return;
      }
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
    endAttempt();
    serverChannel = null;
    if (closing) {
      // The client went away while we were connecting and the session's own close failed the
      // connect: nothing the server did, so neither counted nor reported (passive health).
      return;
    }
    boolean timedOut = f.cause() instanceof ConnectTimeoutException;
    if (connectFailed(s, f.cause(), timedOut)) {
      connect();
    } else if (timedOut) {
      timedOut(TimeoutKind.CONNECT);
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
    countBytes(fromClient, data.readableBytes());
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
    // half-closed: client-fin and server-fin may now be the shorter timeouts, counted from the FIN
    long now = context.nanoClock.getAsLong();
    clientActivityNanos = now;
    serverActivityNanos = now;
    checkTimeouts();
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

  @Override
  boolean drainingAfterReset() {
    return false; // this relay closes both sides at a reset
  }

  /** Immediate: drops whatever is queued (timeouts, errors, marked down, stop). */
  @Override
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
    releaseEarly();
    recordEnd();
  }

  // ---- timeouts ----

  @Override
  boolean connecting() {
    return connecting != null;
  }

  @Override
  boolean clientInputDone() {
    return clientInputDone;
  }

  @Override
  boolean serverInputDone() {
    return serverInputDone;
  }

  /** Bytes that left a side's write queue since the last check are that side's activity. */
  @Override
  void refreshActivity(long now) {
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

  /** Bytes queued towards the server (a test hook too: must stay near the high watermark). */
  @Override
  long pendingToServer() {
    return pending(serverChannel);
  }

  /** Bytes queued towards the client (a test hook too: must stay near the high watermark). */
  @Override
  long pendingToClient() {
    return pending(client);
  }

  @Override
  public String toString() {
    return "ProxySession{frontend="
        + frontend.name()
        + ", server="
        + (target == null ? null : target.name())
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
}
