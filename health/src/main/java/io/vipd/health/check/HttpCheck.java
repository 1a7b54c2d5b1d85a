package io.vipd.health.check;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslHandler;
import io.vipd.health.CheckResult;
import io.vipd.health.HealthCheck;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * HTTP or HTTPS {@code GET} of a path (default {@code /readyz}); healthy when the status equals the
 * expected one (default 200), like haproxy's {@code option httpchk} with {@code http-check expect
 * status}. One connection per run ({@code Connection: close}), closed as soon as the status line is
 * in (or, for a wrong status, after up to 200 bytes of body, which go into the detail: {@code "HTTP
 * 500 (expected 200): [-]etcd failed"}).
 */
public final class HttpCheck implements HealthCheck {

  /** The kube-apiserver readiness endpoint. */
  public static final String DEFAULT_PATH = "/readyz";

  /** The status that means healthy unless told otherwise. */
  public static final int DEFAULT_STATUS = 200;

  private final Connector connector;
  private final ClientTls tls;
  private final String hostHeader;
  private final String path;
  private final int expectStatus;

  /**
   * @param group the shared event loop group of the checks
   * @param target a resolved address
   * @param hostHeader value of the {@code Host} header; null means {@code host:port} of the target
   * @param path request target, starting with {@code /}
   * @param expectStatus the status that means healthy
   * @param tls null for plain HTTP, otherwise HTTPS with these options (context built here, once)
   * @throws IllegalArgumentException if a certificate or key file cannot be used
   */
  public HttpCheck(
      EventLoopGroup group,
      InetSocketAddress target,
      String hostHeader,
      String path,
      int expectStatus,
      TlsOptions tls) {
    this.connector = new Connector(group, target);
    this.path = Objects.requireNonNull(path, "path");
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("path must start with /: " + path);
    }
    this.expectStatus = expectStatus;
    String host = Connector.hostString(target);
    this.hostHeader =
        hostHeader != null
            ? hostHeader
            : (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + target.getPort();
    this.tls = tls == null ? null : new ClientTls(tls, host);
  }

  /** {@code GET /readyz} expecting 200, over HTTPS with {@code tls}. */
  public static HttpCheck readyz(EventLoopGroup group, InetSocketAddress target, TlsOptions tls) {
    return new HttpCheck(group, target, null, DEFAULT_PATH, DEFAULT_STATUS, tls);
  }

  @Override
  public CompletableFuture<CheckResult> run(Duration timeout) {
    return connector
        .connect(
            timeout,
            this::initChannel,
            attempt -> attempt.phase(tls != null ? "TLS handshake" : "waiting for response"))
        .future();
  }

  private void initChannel(Channel ch, CheckAttempt attempt) {
    if (tls != null) {
      SslHandler ssl = tls.newHandler(ch.alloc(), connector.target().getPort());
      ch.pipeline().addLast(ssl);
      ssl.handshakeFuture()
          .addListener(
              f -> {
                if (f.isSuccess()) {
                  attempt.phase("waiting for response");
                } else {
                  attempt.failAfterConnect(f.cause());
                }
              });
    }
    ch.pipeline()
        .addLast(
            new HttpClientCodec(), new HttpStatusHandler(attempt, expectStatus, this::newRequest));
  }

  private FullHttpRequest newRequest() {
    FullHttpRequest request =
        new DefaultFullHttpRequest(
            HttpVersion.HTTP_1_1, HttpMethod.GET, path, Unpooled.EMPTY_BUFFER);
    request
        .headers()
        .set(HttpHeaderNames.HOST, hostHeader)
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
        .set(HttpHeaderNames.ACCEPT, "*/*")
        .set(HttpHeaderNames.USER_AGENT, "vipd-health")
        .set(HttpHeaderNames.CONTENT_LENGTH, 0);
    return request;
  }

  @Override
  public String describe() {
    InetSocketAddress t = connector.target();
    String host = Connector.hostString(t);
    return (tls != null ? "https://" : "http://")
        + (host.indexOf(':') >= 0 ? "[" + host + "]" : host)
        + ":"
        + t.getPort()
        + path;
  }
}
