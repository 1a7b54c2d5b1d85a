package io.vipd.health.check;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * Last handler of a TCP/TLS check's pipeline: drops whatever the server sends and turns errors and
 * an early close into the attempt's failure.
 */
class AttemptHandler extends ChannelInboundHandlerAdapter {

  final CheckAttempt attempt;

  AttemptHandler(CheckAttempt attempt) {
    this.attempt = attempt;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ReferenceCountUtil.release(msg);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    attempt.fail("connection closed (" + attempt.phase() + ")");
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    attempt.fail(cause);
  }
}
