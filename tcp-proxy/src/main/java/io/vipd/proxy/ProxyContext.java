package io.vipd.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/** What every session of one running {@link ProxyServer} shares. */
final class ProxyContext {
  final ProxyEvents events;
  final Transport transport;
  final ConnectionLimit globalLimit;
  final LongSupplier nanoClock;
  final WriteBufferWaterMark waterMark;
  final Set<ProxySession> sessions = ConcurrentHashMap.newKeySet();

  ProxyContext(
      ProxyEvents events,
      Transport transport,
      ProxyOptions options,
      int globalMaxConnections,
      LongSupplier nanoClock) {
    this.events = events;
    this.transport = transport;
    this.globalLimit = new ConnectionLimit(globalMaxConnections);
    this.nanoClock = nanoClock;
    this.waterMark =
        new WriteBufferWaterMark(options.writeLowWaterMark(), options.writeHighWaterMark());
  }

  /**
   * A new, unregistered channel for one connect attempt to {@code target}, with the options of
   * every server-side connection. Made directly rather than by a Bootstrap clone per attempt. The
   * connect timeout is the session's (see ProxySession's timer), not Netty's.
   *
   * @throws ChannelException if no socket can be had (EMFILE, ENOBUFS)
   */
  Channel newServerSideChannel(InetSocketAddress target) {
    Channel ch = transport.socketChannelFactory(target).newChannel();
    try {
      ChannelConfig c = ch.config();
      c.setConnectTimeoutMillis(0);
      c.setWriteBufferWaterMark(waterMark);
      c.setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
      if (!Transport.TCP_NODELAY_BY_DEFAULT) {
        c.setOption(ChannelOption.TCP_NODELAY, true);
      }
      return ch;
    } catch (RuntimeException e) {
      ch.unsafe().closeForcibly();
      throw e;
    }
  }
}
