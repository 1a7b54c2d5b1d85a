package io.vipd.health.check;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;

/** A client {@link SslContext} built once from {@link TlsOptions}, and handlers made from it. */
final class ClientTls {

  private final SslContext context;
  private final String peerHost;
  private final boolean verifyHostname;

  /**
   * @throws IllegalArgumentException if a file cannot be read or parsed (a configuration error)
   */
  ClientTls(TlsOptions options, String targetHost) {
    this.peerHost = options.serverName() != null ? options.serverName() : targetHost;
    this.verifyHostname = options.verifyHostname();
    SslContextBuilder builder =
        SslContextBuilder.forClient().sslProvider(SslProvider.JDK).protocols("TLSv1.3", "TLSv1.2");
    try {
      if (options.insecure()) {
        builder.trustManager(InsecureTrustManagerFactory.INSTANCE);
      } else if (options.caFile() != null) {
        builder.trustManager(options.caFile().toFile());
      }
      if (options.clientCertFile() != null) {
        builder.keyManager(options.clientCertFile().toFile(), options.clientKeyFile().toFile());
      }
      this.context = builder.build();
    } catch (SSLException | RuntimeException e) {
      throw new IllegalArgumentException("cannot build TLS client context: " + e.getMessage(), e);
    }
  }

  /** A new client handler for one connection to {@code port}. */
  SslHandler newHandler(ByteBufAllocator alloc, int port) {
    SslHandler handler = context.newHandler(alloc, peerHost, port);
    if (verifyHostname) {
      SSLEngine engine = handler.engine();
      SSLParameters parameters = engine.getSSLParameters();
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
      engine.setSSLParameters(parameters);
    }
    return handler;
  }

  static String describeSession(SslHandler handler) {
    SSLSession session = handler.engine().getSession();
    return session.getProtocol() + ", " + session.getCipherSuite();
  }
}
