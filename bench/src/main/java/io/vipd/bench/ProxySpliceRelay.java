package io.vipd.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.AbstractEpollStreamChannel;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollMode;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import java.net.InetSocketAddress;

/**
 * A bare splice(2) relay for comparison with the proxy's ByteBuf relay: accepts, connects to one
 * server on the same event loop, then lets the kernel move bytes both ways through a pipe with
 * {@link AbstractEpollStreamChannel#spliceTo}. No timeouts, counters, back-pressure tuning or
 * half-close handling: only the data path, to measure what splice could win.
 */
final class ProxySpliceRelay implements AutoCloseable {
  private final Channel listener;

  ProxySpliceRelay(EventLoopGroup group, InetSocketAddress server) {
    listener =
        new ServerBootstrap()
            .group(group)
            .channel(EpollServerSocketChannel.class)
            .childOption(EpollChannelOption.EPOLL_MODE, EpollMode.LEVEL_TRIGGERED)
            .childOption(ChannelOption.AUTO_READ, false)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInboundHandlerAdapter() {
                  @Override
                  public boolean isSharable() {
                    return true;
                  }

                  @Override
                  public void channelActive(ChannelHandlerContext ctx) {
                    connect((EpollSocketChannel) ctx.channel(), server);
                  }
                })
            .bind(new InetSocketAddress("127.0.0.1", 0))
            .syncUninterruptibly()
            .channel();
  }

  private static void connect(EpollSocketChannel client, InetSocketAddress server) {
    new Bootstrap()
        .group(client.eventLoop())
        .channel(EpollSocketChannel.class)
        .option(EpollChannelOption.EPOLL_MODE, EpollMode.LEVEL_TRIGGERED)
        .option(ChannelOption.AUTO_READ, false)
        .option(ChannelOption.TCP_NODELAY, true)
        .handler(new ChannelInboundHandlerAdapter())
        .connect(server)
        .addListener(
            f -> {
              if (!f.isSuccess()) {
                client.close();
                return;
              }
              EpollSocketChannel upstream =
                  (EpollSocketChannel) ((io.netty.channel.ChannelFuture) f).channel();
              client.spliceTo(upstream, Integer.MAX_VALUE);
              upstream.spliceTo(client, Integer.MAX_VALUE);
              // splice tasks run from the read path: both channels must be reading
              client.config().setAutoRead(true);
              upstream.config().setAutoRead(true);
              client.closeFuture().addListener(x -> upstream.close());
              upstream.closeFuture().addListener(x -> client.close());
            });
  }

  InetSocketAddress address() {
    return (InetSocketAddress) listener.localAddress();
  }

  @Override
  public void close() {
    listener.close().syncUninterruptibly();
  }
}
