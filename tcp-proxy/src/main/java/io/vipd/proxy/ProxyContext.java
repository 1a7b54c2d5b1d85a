package io.vipd.proxy;

import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelOption;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/** What every session of one running {@link ProxyServer} shares. */
final class ProxyContext {
  final ProxyEvents events;

  /** {@link ProxyEvents#wantsClosedSessions}, read once. */
  final boolean closedSessions;

  final Transport transport;
  final ConnectionLimit globalLimit;
  final AcceptRetries acceptRetries = new AcceptRetries();
  final LongSupplier nanoClock;
  final WriteBufferWaterMark waterMark;

  /**
   * One read of at most half the high watermark per readiness pass, each flushed before the next
   * (as haproxy reads into its buffer and sends it). Netty's defaults, up to 16 reads a pass of up
   * to 64 KiB each, queued hundreds of KiB towards the peer before the flush at the end of the
   * pass: past the 64 KiB watermark every time, so every bulk pass turned the other side's reads
   * off and on again (two epoll_ctl and an extra loop pass; 465 epoll_ctl for an 8 MiB echo,
   * against 5 now: RelaySystemCallsTest). Both limits matter: a 64 KiB read alone already passes a
   * 64 KiB watermark (Netty adds 96 bytes per queued buffer).
   */
  final RecvByteBufAllocator readAllocator;

  final Set<RelaySession> sessions = ConcurrentHashMap.newKeySet();

  ProxyContext(
      ProxyEvents events,
      Transport transport,
      ProxyOptions options,
      int globalMaxConnections,
      LongSupplier nanoClock) {
    this.events = events;
    this.closedSessions = events.wantsClosedSessions();
    this.transport = transport;
    this.globalLimit = new ConnectionLimit(globalMaxConnections);
    this.nanoClock = nanoClock;
    this.waterMark =
        new WriteBufferWaterMark(options.writeLowWaterMark(), options.writeHighWaterMark());
    this.readAllocator = readAllocator(options.writeHighWaterMark());
  }

  /**
   * The most one read takes: half the high watermark, within 2 to 64 KiB. On epoll it is also the
   * size of the one buffer a direction may hold when its reader is slow.
   */
  static int readSize(int highWaterMark) {
    return Math.max(2048, Math.min(64 * 1024, highWaterMark / 2));
  }

  static RecvByteBufAllocator readAllocator(int highWaterMark) {
    int max = readSize(highWaterMark);
    AdaptiveRecvByteBufAllocator a = new AdaptiveRecvByteBufAllocator(64, Math.min(2048, max), max);
    a.maxMessagesPerRead(1); // explicit: shared by every channel, never changed afterwards
    return a;
  }

  /**
   * A new, unregistered channel for one connect attempt to {@code target}, with the options of
   * every server-side connection. Made directly rather than by a Bootstrap clone per attempt. The
   * connect timeout is the session's (see ProxySession's timer), not Netty's.
   *
   * @throws ChannelException if no socket can be had (EMFILE, ENOBUFS)
   */
  Channel newServerSideChannel(InetSocketAddress target) {
    Channel ch = transport.socketChannelFactory().newChannel();
    try {
      ChannelConfig c = ch.config();
      c.setConnectTimeoutMillis(0);
      configureRelay(c);
      return ch;
    } catch (RuntimeException e) {
      ch.unsafe().closeForcibly();
      throw e;
    }
  }

  /**
   * The options of every relay connection, client or server side: write-buffer watermarks, the
   * shared read allocator, half-closure, and TCP_NODELAY where Netty would not set it by default.
   * An accepted epoll socket inherits TCP_NODELAY from its listener.
   */
  void configureRelay(ChannelConfig c) {
    c.setWriteBufferWaterMark(waterMark);
    c.setRecvByteBufAllocator(readAllocator);
    c.setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
    if (!Transport.TCP_NODELAY_BY_DEFAULT) {
      c.setOption(ChannelOption.TCP_NODELAY, true);
    }
  }
}
