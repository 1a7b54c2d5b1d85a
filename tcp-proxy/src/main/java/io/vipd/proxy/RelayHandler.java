package io.vipd.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * The only handler in both pipelines of a session: turns channel events into calls on its {@link
 * ProxySession}. One instance per channel; runs on the session's event loop.
 */
final class RelayHandler extends ChannelInboundHandlerAdapter {
  private final ProxySession session;
  private final boolean clientSide;

  RelayHandler(ProxySession session, boolean clientSide) {
    this.session = session;
    this.clientSide = clientSide;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf) {
      session.forward(clientSide, (ByteBuf) msg);
    } else {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    session.readComplete(clientSide);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    session.writabilityChanged(clientSide);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt == ChannelInputShutdownEvent.INSTANCE) {
      session.inputShutdown(clientSide, ctx.channel());
    }
    ReferenceCountUtil.release(evt);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    session.channelInactive(clientSide);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    session.failed(clientSide, cause);
  }
}
