package io.vipd.health.check;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * Sends the request when the channel becomes active and judges the response status; with a wrong
 * status it keeps up to {@link #MAX_BODY} bytes of body for the detail.
 */
final class HttpStatusHandler extends AttemptHandler {

  static final int MAX_BODY = 200;

  private final int expectStatus;
  private final Supplier<FullHttpRequest> request;
  private int wrongStatus;
  private StringBuilder body;

  HttpStatusHandler(CheckAttempt attempt, int expectStatus, Supplier<FullHttpRequest> request) {
    super(attempt);
    this.expectStatus = expectStatus;
    this.request = request;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    // Written now; an SslHandler ahead of us holds it until the handshake is done.
    ctx.writeAndFlush(request.get())
        .addListener(
            f -> {
              if (!f.isSuccess()) {
                attempt.fail(f.cause());
              }
            });
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (msg instanceof HttpResponse) {
        onResponse((HttpResponse) msg);
      }
      if (msg instanceof HttpContent && body != null) {
        onBody((HttpContent) msg);
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  private void onResponse(HttpResponse response) {
    if (response.decoderResult().isFailure()) {
      attempt.fail("invalid HTTP response: " + response.decoderResult().cause().getMessage());
      return;
    }
    int status = response.status().code();
    if (status == expectStatus) {
      attempt.succeed("HTTP " + status);
    } else {
      wrongStatus = status;
      body = new StringBuilder();
    }
  }

  private void onBody(HttpContent content) {
    int room = MAX_BODY - body.length();
    int readable = content.content().readableBytes();
    if (room > 0 && readable > 0) {
      body.append(
          content
              .content()
              .toString(
                  content.content().readerIndex(),
                  Math.min(room, readable),
                  StandardCharsets.UTF_8));
    }
    if (content instanceof LastHttpContent || body.length() >= MAX_BODY) {
      failWrongStatus();
    }
  }

  private void failWrongStatus() {
    String text = body.toString().replaceAll("\\s+", " ").trim();
    attempt.fail(
        "HTTP "
            + wrongStatus
            + " (expected "
            + expectStatus
            + ")"
            + (text.isEmpty() ? "" : ": " + text));
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (body != null) {
      failWrongStatus();
    } else {
      super.channelInactive(ctx);
    }
  }
}
