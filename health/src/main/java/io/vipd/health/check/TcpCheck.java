package io.vipd.health.check;

import io.netty.channel.EventLoopGroup;
import io.vipd.health.CheckResult;
import io.vipd.health.HealthCheck;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Healthy when a TCP connection to the target completes (haproxy's plain {@code check}); the
 * connection is closed at once.
 */
public final class TcpCheck implements HealthCheck {

  private final Connector connector;

  /**
   * @param group the shared event loop group of the checks
   * @param target a resolved address
   */
  public TcpCheck(EventLoopGroup group, InetSocketAddress target) {
    this.connector = new Connector(group, target);
  }

  @Override
  public CompletableFuture<CheckResult> run(Duration timeout) {
    return connector.connect(timeout, (ch, a) -> {}, a -> a.succeed("connected")).future();
  }

  @Override
  public String describe() {
    InetSocketAddress t = connector.target();
    return "tcp://" + Connector.hostString(t) + ":" + t.getPort();
  }
}
