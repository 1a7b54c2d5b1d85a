package io.vipd.health.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.concurrent.ScheduledFuture;
import io.vipd.health.check.CheckExecutors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import javax.net.ssl.SSLException;

/**
 * A stand-in kube-apiserver on loopback for tests: HTTP/1.1 over TLS (or plain), an ephemeral port
 * unless {@link Builder#bind} says otherwise, with
 *
 * <ul>
 *   <li>{@code /readyz}, {@code /healthz}, {@code /livez}: 200 {@code ok}, or 500 with a
 *       readyz-like body after {@link #setReady(boolean) setReady(false)};
 *   <li>{@code /watch}: a long-lived chunked response that sends one JSON line every {@code
 *       watchInterval} until the client goes away, like {@code kubectl get -w};
 *   <li>anything else: 404.
 * </ul>
 *
 * The certificates come from a {@link TestPki} made at start in a temporary directory (deleted on
 * close); {@link #pki()} gives the CA for clients. Optionally requires a client certificate signed
 * by that CA. Runs on its own single-thread event loop; thread-safe; {@link AutoCloseable}.
 */
public final class ApiServerFixture implements AutoCloseable {

  /** Response header naming the node that answered, when {@link Builder#servedBy} is set. */
  public static final String SERVED_BY = "X-Served-By";

  private final EventLoopGroup group;
  private final Channel serverChannel;
  private final Path dir;
  private final TestPki pki;
  private final boolean tls;
  private final Duration watchInterval;
  private volatile boolean ready = true;
  private final BooleanSupplier readiness;
  private final String servedBy;
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong connections = new AtomicLong();
  private final AtomicInteger openWatches = new AtomicInteger();
  private volatile String lastHostHeader;

  private ApiServerFixture(Builder b) {
    this.tls = b.tls;
    this.watchInterval = b.watchInterval;
    this.readiness = b.readiness;
    this.servedBy = b.servedBy;
    try {
      this.dir = Files.createTempDirectory("vipd-apiserver-fixture-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.pki = TestPki.generate(dir, "vipd-test-ca");
    SslContext sslContext = tls ? serverContext(pki, b.requireClientCertificate) : null;
    this.group = CheckExecutors.newEventLoopGroup(1, "apiserver-fixture");
    Class<? extends ServerSocketChannel> channelClass =
        group instanceof EpollEventLoopGroup
            ? EpollServerSocketChannel.class
            : NioServerSocketChannel.class;
    this.serverChannel =
        new ServerBootstrap()
            .group(group)
            .channel(channelClass)
            .childHandler(
                new ChannelInitializer<>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    connections.incrementAndGet();
                    if (sslContext != null) {
                      ch.pipeline().addLast(sslContext.newHandler(ch.alloc()));
                    }
                    ch.pipeline()
                        .addLast(
                            new HttpServerCodec(),
                            new HttpObjectAggregator(64 * 1024),
                            new Handler());
                  }
                })
            .bind(b.bind)
            .syncUninterruptibly()
            .channel();
  }

  /** Starts a TLS fixture with default settings. */
  public static ApiServerFixture start() {
    return builder().start();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Options for the fixture. */
  public static final class Builder {
    private boolean tls = true;
    private boolean requireClientCertificate;
    private Duration watchInterval = Duration.ofMillis(100);
    private InetSocketAddress bind = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private BooleanSupplier readiness = () -> true;
    private String servedBy;

    private Builder() {}

    /** Where to listen; default loopback, ephemeral port. */
    public Builder bind(InetSocketAddress address) {
      this.bind = address;
      return this;
    }

    /**
     * A further readiness condition, asked on every request (on the event loop, so it must be
     * quick): the health endpoints answer 200 only while it and {@link #setReady} are both true.
     */
    public Builder readiness(BooleanSupplier condition) {
      this.readiness = condition;
      return this;
    }

    /** Sends {@code X-Served-By: NAME} with every response, so clients see which node answered. */
    public Builder servedBy(String name) {
      this.servedBy = name;
      return this;
    }

    /** Serve plain HTTP instead of HTTPS. */
    public Builder plainHttp() {
      this.tls = false;
      return this;
    }

    /** Require a client certificate signed by the fixture's CA (mutual TLS). */
    public Builder requireClientCertificate() {
      this.requireClientCertificate = true;
      return this;
    }

    /** Time between two lines of {@code /watch}. */
    public Builder watchInterval(Duration interval) {
      this.watchInterval = interval;
      return this;
    }

    public ApiServerFixture start() {
      return new ApiServerFixture(this);
    }
  }

  /** The bound loopback address. */
  public InetSocketAddress address() {
    return (InetSocketAddress) serverChannel.localAddress();
  }

  public int port() {
    return address().getPort();
  }

  public boolean isTls() {
    return tls;
  }

  /** The certificates: {@code caCert()} is what clients trust. */
  public TestPki pki() {
    return pki;
  }

  /** Makes {@code /readyz}, {@code /healthz} and {@code /livez} answer 200 (true) or 500. */
  public void setReady(boolean ready) {
    this.ready = ready;
  }

  /** HTTP requests served so far. */
  public long requestCount() {
    return requests.get();
  }

  /** TCP connections accepted so far. */
  public long connectionCount() {
    return connections.get();
  }

  /** The {@code Host} header of the latest request, or null before the first. */
  public String lastHostHeader() {
    return lastHostHeader;
  }

  /** {@code /watch} streams currently open. */
  public int openWatches() {
    return openWatches.get();
  }

  @Override
  public void close() {
    serverChannel.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static SslContext serverContext(TestPki pki, boolean requireClientCertificate) {
    try {
      SslContextBuilder builder =
          SslContextBuilder.forServer(pki.serverCert().toFile(), pki.serverKey().toFile())
              .sslProvider(SslProvider.JDK)
              .protocols("TLSv1.3", "TLSv1.2");
      if (requireClientCertificate) {
        builder.trustManager(pki.caCert().toFile()).clientAuth(ClientAuth.REQUIRE);
      }
      return builder.build();
    } catch (SSLException e) {
      throw new IllegalStateException(e);
    }
  }

  private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      requests.incrementAndGet();
      lastHostHeader = request.headers().get(HttpHeaderNames.HOST);
      if (request.decoderResult().isFailure()) {
        respond(ctx, HttpResponseStatus.BAD_REQUEST, "bad request\n", false);
        return;
      }
      boolean keepAlive = HttpUtil.isKeepAlive(request);
      String path = new QueryStringDecoder(request.uri()).path();
      switch (path) {
        case "/readyz", "/healthz", "/livez" -> {
          if (ready && readiness.getAsBoolean()) {
            respond(ctx, HttpResponseStatus.OK, "ok", keepAlive);
          } else {
            respond(
                ctx,
                HttpResponseStatus.INTERNAL_SERVER_ERROR,
                "[-]etcd failed: reason withheld\n" + path.substring(1) + " check failed\n",
                keepAlive);
          }
        }
        case "/watch" -> startWatch(ctx);
        default -> respond(ctx, HttpResponseStatus.NOT_FOUND, "not found\n", keepAlive);
      }
    }

    private void respond(
        ChannelHandlerContext ctx, HttpResponseStatus status, String body, boolean keepAlive) {
      FullHttpResponse response =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1, status, Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
      response
          .headers()
          .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
          .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
      if (servedBy != null) {
        response.headers().set(SERVED_BY, servedBy);
      }
      if (!keepAlive) {
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      }
      var written = ctx.writeAndFlush(response);
      if (!keepAlive) {
        written.addListener(ChannelFutureListener.CLOSE);
      }
    }

    private void startWatch(ChannelHandlerContext ctx) {
      HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
      head.headers()
          .set(HttpHeaderNames.CONTENT_TYPE, "application/json")
          .set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
      if (servedBy != null) {
        head.headers().set(SERVED_BY, servedBy);
      }
      ctx.writeAndFlush(head);
      openWatches.incrementAndGet();
      AtomicLong sequence = new AtomicLong();
      ScheduledFuture<?> ticker =
          ctx.executor()
              .scheduleAtFixedRate(
                  () -> {
                    String line =
                        "{\"type\":\"BOOKMARK\",\"seq\":" + sequence.incrementAndGet() + "}\n";
                    ctx.writeAndFlush(
                        new DefaultHttpContent(
                            Unpooled.copiedBuffer(line, StandardCharsets.UTF_8)));
                  },
                  watchInterval.toNanos(),
                  watchInterval.toNanos(),
                  TimeUnit.NANOSECONDS);
      ctx.channel()
          .closeFuture()
          .addListener(
              f -> {
                ticker.cancel(false);
                openWatches.decrementAndGet();
              });
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close(); // handshake failures and resets are expected in tests
    }
  }
}
