package io.vipd.health.check;

import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslHandler;
import io.vipd.health.CheckResult;
import io.vipd.health.HealthCheck;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Healthy when a complete TLS 1.2/1.3 handshake succeeds (JDK provider), with the trust given by
 * {@link TlsOptions}; unlike haproxy's {@code ssl-hello-chk} this is a real handshake, so a server
 * that only accepts TCP, speaks plain text or presents an untrusted certificate fails. The
 * connection is closed (close_notify) right after.
 */
public final class TlsCheck implements HealthCheck {

  private final Connector connector;
  private final ClientTls tls;

  /**
   * @param group the shared event loop group of the checks
   * @param target a resolved address
   * @param options trust and client identity; the {@code SslContext} is built here, once
   * @throws IllegalArgumentException if a certificate or key file cannot be used
   */
  public TlsCheck(EventLoopGroup group, InetSocketAddress target, TlsOptions options) {
    this.connector = new Connector(group, target);
    this.tls = new ClientTls(options, Connector.hostString(target));
  }

  @Override
  public CompletableFuture<CheckResult> run(Duration timeout) {
    int port = connector.target().getPort();
    return connector
        .connect(
            timeout,
            (ch, attempt) -> {
              SslHandler ssl = tls.newHandler(ch.alloc(), port);
              ch.pipeline().addLast(ssl, new AttemptHandler(attempt));
              ssl.handshakeFuture()
                  .addListener(
                      f -> {
                        if (f.isSuccess()) {
                          attempt.succeed(
                              "TLS handshake ok (" + ClientTls.describeSession(ssl) + ")");
                        } else {
                          attempt.failAfterConnect(f.cause());
                        }
                      });
            },
            attempt -> attempt.phase("TLS handshake"))
        .future();
  }

  @Override
  public String describe() {
    InetSocketAddress t = connector.target();
    return "tls://" + Connector.hostString(t) + ":" + t.getPort();
  }
}
