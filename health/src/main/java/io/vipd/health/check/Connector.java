package io.vipd.health.check;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/** Opens one connection per run for a network check; the bootstrap is configured once. */
final class Connector {

  private static final ChannelInitializer<Channel> NO_HANDLERS =
      new ChannelInitializer<>() {
        @Override
        protected void initChannel(Channel ch) {}
      };

  private final EventLoopGroup group;
  private final Bootstrap template;
  private final InetSocketAddress target;

  /**
   * @param target an already resolved address: name resolution would block the event loop
   */
  Connector(EventLoopGroup group, InetSocketAddress target) {
    this.group = Objects.requireNonNull(group, "group");
    this.target = Objects.requireNonNull(target, "target");
    if (target.isUnresolved()) {
      throw new IllegalArgumentException("resolve the address before building a check: " + target);
    }
    this.template =
        new Bootstrap()
            .group(group)
            .channel(CheckExecutors.socketChannelClass(group))
            .option(ChannelOption.TCP_NODELAY, true)
            .handler(NO_HANDLERS);
  }

  InetSocketAddress target() {
    return target;
  }

  /**
   * Starts a connection on one loop of the group.
   *
   * @param init adds the run's handlers to a new channel's pipeline
   * @param onConnected runs on the loop when the connection is established, before channelActive
   */
  CheckAttempt connect(
      Duration timeout,
      BiConsumer<Channel, CheckAttempt> init,
      Consumer<CheckAttempt> onConnected) {
    EventLoop loop = group.next();
    CheckAttempt attempt = new CheckAttempt(loop, timeout);
    Bootstrap bootstrap =
        template
            .clone(loop)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(1, timeout.toMillis()))
            .handler(
                new ChannelInitializer<>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    init.accept(ch, attempt);
                  }
                });
    ChannelFuture connected = bootstrap.connect(target);
    attempt.channel(connected.channel());
    connected.addListener(
        f -> {
          if (!f.isSuccess()) {
            attempt.fail(f.cause());
          } else if (isSelfConnect(connected.channel())) {
            // Linux lets a connect to a local port in the ephemeral range, where nothing listens,
            // pick that very port as its source: TCP simultaneous open "succeeds" with itself.
            attempt.fail("connection refused (nothing listening; connected to itself)");
          } else {
            attempt.connected();
            onConnected.accept(attempt);
          }
        });
    return attempt;
  }

  private static boolean isSelfConnect(Channel ch) {
    return ch.localAddress() != null && ch.localAddress().equals(ch.remoteAddress());
  }

  static String hostString(InetSocketAddress address) {
    return address.getHostString();
  }
}
