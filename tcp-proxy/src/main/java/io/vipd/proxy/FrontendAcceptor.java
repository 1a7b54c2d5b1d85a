package io.vipd.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one handler of a frontend's listener: admits or refuses each accepted connection (frontend,
 * then global maxconn) and starts its session on the event loop it is registered with.
 *
 * <p>It does what Netty's {@code ServerBootstrap} acceptor and a {@code ChannelInitializer} would
 * do together, less their per-connection work: no option map applied, no initializer added to and
 * removed from each pipeline. A refused connection is closed before it is ever registered (no
 * {@code epoll_ctl}), which matters when maxconn sheds a flood.
 */
final class FrontendAcceptor extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(FrontendAcceptor.class);

  private final ProxyContext context;
  private final Frontend frontend;
  private final EventLoopGroup childLoops;

  /**
   * @param childLoops where accepted connections live: the listener's own loop when each loop has
   *     listeners of its own, else the whole group (round robin)
   */
  FrontendAcceptor(ProxyContext context, Frontend frontend, EventLoopGroup childLoops) {
    this.context = context;
    this.frontend = frontend;
    this.childLoops = childLoops;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    Channel child = (Channel) msg;
    if (!frontend.limit.tryAcquire()) {
      refuse(child);
      return;
    }
    if (!context.globalLimit.tryAcquire()) {
      frontend.limit.release();
      refuse(child);
      return;
    }
    try {
      context.configureRelay(child.config());
    } catch (RuntimeException e) {
      release(child, "cannot configure", e);
      return;
    }
    // The listener goes on the promise before the registration starts: the registration then
    // notifies it on the child's loop, inside Netty's register0, before channelRegistered and
    // channelActive and before the first read, as a ChannelInitializer would run. A listener added
    // after the registration may find it already done on another loop, and would then run on this
    // thread, or later on the child's loop after reads began with no handler to take the bytes.
    EventLoop loop = childLoops.next();
    ChannelPromise registered = new DefaultChannelPromise(child, loop);
    registered.addListener(this::start); // also told of a failure (a loop shut down meanwhile)
    loop.register(registered);
  }

  private void start(io.netty.util.concurrent.Future<? super Void> registered) {
    Channel child = ((ChannelFuture) registered).channel();
    if (!registered.isSuccess()) {
      release(child, "cannot register", registered.cause());
      return;
    }
    try {
      new ProxySession(context, frontend, child).start();
    } catch (RuntimeException e) {
      // Netty would only log it: the child would stay open with no session to serve or close it
      log.warn("frontend {}: cannot start a session: {}", frontend.name(), e.toString());
      child.close(); // ends the session, which gives its slots back
    }
  }

  /** A connection admitted but not started: its slots go back, its socket is closed. */
  private void release(Channel child, String what, Throwable cause) {
    frontend.limit.release();
    context.globalLimit.release();
    log.warn("frontend {}: {} an accepted connection: {}", frontend.name(), what, cause.toString());
    child.unsafe().closeForcibly();
  }

  private void refuse(Channel child) {
    try {
      frontend.refused.increment();
      context.events.onConnectionRefused(
          frontend.name(), (InetSocketAddress) child.remoteAddress());
    } finally {
      child.unsafe().closeForcibly(); // never registered: closed at once, no event to deliver
    }
  }

  /**
   * accept(2) failed (EMFILE, ENFILE, ENOBUFS): stop accepting rather than spin on a listener that
   * stays readable, and try again as soon as a session ends or after 100 ms ({@link
   * AcceptRetries}); the pending connections wait in the backlog meanwhile.
   */
  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (!AcceptRetries.mustWait(cause)) {
      // that connection's own error (aborted before it was accepted): the next may be fine
      log.debug("frontend {}: accept failed: {}", frontend.name(), cause.toString());
      return;
    }
    ChannelConfig config = ctx.channel().config();
    if (!config.isAutoRead()) {
      return; // already waiting
    }
    config.setAutoRead(false);
    EventLoop loop = ctx.channel().eventLoop();
    Runnable resume =
        new Runnable() {
          @Override
          public void run() {
            context.acceptRetries.cancel(this);
            config.setAutoRead(true); // from any thread: Netty posts it to the loop
          }
        };
    context.acceptRetries.await(resume);
    loop.schedule(resume, AcceptRetries.RETRY_MILLIS, TimeUnit.MILLISECONDS);
    frontend.acceptFailures.failed(frontend.name(), cause);
  }
}
