package io.vipd.proxy;

import io.netty.bootstrap.Bootstrap;
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

  /** Options of every server-side connection; cloned onto the client's event loop per attempt. */
  private final Bootstrap connectTemplate;

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
    this.connectTemplate =
        new Bootstrap() // the channel factory depends on the target: see connectBootstrap
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 0)
            .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
            .option(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark);
    if (!Transport.TCP_NODELAY_BY_DEFAULT) {
      connectTemplate.option(ChannelOption.TCP_NODELAY, true);
    }
  }

  /**
   * A bootstrap for one connect attempt to {@code target} from a session on {@code loop}. The
   * connect timeout is the session's (see ProxySession's timer), not Netty's.
   */
  Bootstrap connectBootstrap(io.netty.channel.EventLoop loop, InetSocketAddress target) {
    return connectTemplate.clone(loop).channelFactory(transport.socketChannelFactory(target));
  }
}
