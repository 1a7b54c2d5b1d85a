package io.vipd.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import java.net.InetSocketAddress;

/**
 * Admits or refuses each accepted client connection (frontend then global maxconn) and starts its
 * session. Shared by all child channels of one frontend; runs on the child's event loop.
 */
final class FrontendInitializer extends ChannelInitializer<Channel> {
  private final ProxyContext context;
  private final Frontend frontend;

  FrontendInitializer(ProxyContext context, Frontend frontend) {
    this.context = context;
    this.frontend = frontend;
  }

  @Override
  public boolean isSharable() {
    return true;
  }

  @Override
  protected void initChannel(Channel ch) {
    if (!frontend.limit.tryAcquire()) {
      refuse(ch);
      return;
    }
    if (!context.globalLimit.tryAcquire()) {
      frontend.limit.release();
      refuse(ch);
      return;
    }
    new ProxySession(context, frontend, ch).start();
  }

  private void refuse(Channel ch) {
    frontend.refused.increment();
    context.events.onConnectionRefused(frontend.name(), (InetSocketAddress) ch.remoteAddress());
    ch.close();
  }
}
