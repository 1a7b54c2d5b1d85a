package io.vipd.proxy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/** Loopback servers with scripted behaviour for proxy tests. Close it to close them all. */
final class TestServers implements AutoCloseable {

  /** Sockets bound, never listening, held until the JVM exits: see {@link #closedPort()}. */
  private static final List<SocketChannel> REFUSING = new ArrayList<>();

  private final EventLoopGroup group = new NioEventLoopGroup(1);
  private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final List<StreamServer> blocking = new CopyOnWriteArrayList<>();

  /** Server that counts what it accepted, read and wrote. */
  static final class Server {
    final InetSocketAddress address;
    final Channel listener;
    final ChannelGroup children;
    final AtomicInteger accepted = new AtomicInteger();
    final AtomicLong received = new AtomicLong();
    final AtomicLong written = new AtomicLong();

    Server(InetSocketAddress address, Channel listener, ChannelGroup children) {
      this.address = address;
      this.listener = listener;
      this.children = children;
    }

    /** Closes every accepted connection (RST-free close). */
    void closeConnections() {
      children.close().awaitUninterruptibly();
    }
  }

  private Server start(Supplier<ChannelHandler> handler) {
    return start(InetAddress.getLoopbackAddress(), handler);
  }

  private Server start(InetAddress bind, Supplier<ChannelHandler> handler) {
    ChannelGroup children = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    Server[] holder = new Server[1];
    Channel listener =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInboundHandlerAdapter() {
                  @Override
                  public boolean isSharable() {
                    return true;
                  }

                  @Override
                  public void channelRegistered(ChannelHandlerContext ctx) {
                    holder[0].accepted.incrementAndGet();
                    children.add(ctx.channel());
                    channels.add(ctx.channel());
                    ctx.pipeline().replace(this, "behaviour", handler.get());
                    ctx.fireChannelRegistered();
                  }
                })
            .bind(new InetSocketAddress(bind, 0))
            .syncUninterruptibly()
            .channel();
    channels.add(listener);
    holder[0] = new Server((InetSocketAddress) listener.localAddress(), listener, children);
    return holder[0];
  }

  /** Says {@code name\n} on connect, then echoes; answers a half-close with a half-close. */
  Server echo(String name) {
    return echo(InetAddress.getLoopbackAddress(), name);
  }

  /** {@link #echo(String)} listening on {@code bind} (e.g. {@code ::1}). */
  Server echo(InetAddress bind, String name) {
    Server[] s = new Server[1];
    s[0] = start(bind, () -> new Echo(name, s[0]));
    return s[0];
  }

  /** Accepts and never reads or writes. */
  Server hang() {
    return start(
        () ->
            new ChannelInboundHandlerAdapter() {
              @Override
              public void channelActive(ChannelHandlerContext ctx) {
                ctx.channel().config().setAutoRead(false);
              }
            });
  }

  /**
   * Writes {@code total} bytes of a counting pattern ({@code i % 251}) to its first client with
   * blocking writes of {@code chunk} bytes, then closes. {@code written} counts bytes the kernel
   * accepted: it stops growing while nobody drains the connection.
   */
  StreamServer stream(int chunk, long total) throws IOException {
    StreamServer s = new StreamServer(chunk, total);
    blocking.add(s);
    return s;
  }

  /** A blocking one-connection streaming server on its own thread. */
  static final class StreamServer implements AutoCloseable {
    final InetSocketAddress address;
    final AtomicLong written = new AtomicLong();
    private final ServerSocket listener;
    private final Thread thread;

    StreamServer(int chunk, long total) throws IOException {
      listener = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
      address = (InetSocketAddress) listener.getLocalSocketAddress();
      thread =
          new Thread(
              () -> {
                try (Socket s = listener.accept()) {
                  OutputStream out = s.getOutputStream();
                  byte[] buf = new byte[chunk];
                  for (long sent = 0; sent < total; ) {
                    int n = (int) Math.min(chunk, total - sent);
                    for (int i = 0; i < n; i++) {
                      buf[i] = (byte) ((sent + i) % 251);
                    }
                    out.write(buf, 0, n);
                    sent += n;
                    written.set(sent);
                  }
                } catch (IOException e) {
                  // closed by the test
                }
              },
              "stream-server");
      thread.setDaemon(true);
      thread.start();
    }

    @Override
    public void close() {
      try {
        listener.close();
      } catch (IOException e) {
        // nothing to do
      }
    }
  }

  /** Says {@code name\n}, sends {@code bytes} bytes, then closes: a server dying mid-stream. */
  Server dieAfter(String name, int bytes) {
    return start(
        () ->
            new ChannelInboundHandlerAdapter() {
              @Override
              public void channelActive(ChannelHandlerContext ctx) {
                ByteBuf b = ctx.alloc().buffer();
                b.writeCharSequence(name + "\n", StandardCharsets.US_ASCII);
                b.writeZero(bytes);
                ctx.writeAndFlush(b).addListener(ChannelFutureListener.CLOSE);
              }
            });
  }

  /** Says {@code name\n} and half-closes at once; keeps counting what it receives. */
  Server finFirst(String name) {
    Server[] s = new Server[1];
    s[0] =
        start(
            () ->
                new ChannelInboundHandlerAdapter() {
                  @Override
                  public void channelActive(ChannelHandlerContext ctx) {
                    ctx.writeAndFlush(Unpooled.copiedBuffer(name + "\n", StandardCharsets.US_ASCII))
                        .addListener(f -> ((DuplexChannel) ctx.channel()).shutdownOutput());
                  }

                  @Override
                  public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    s[0].received.addAndGet(((ByteBuf) msg).readableBytes());
                    ReferenceCountUtil.release(msg);
                  }

                  @Override
                  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                    if (evt == ChannelInputShutdownEvent.INSTANCE) {
                      ctx.close();
                    }
                  }
                });
    return s[0];
  }

  /**
   * A loopback port that refuses connects for the rest of the test JVM: bound by a socket that
   * never listens, so no other process can start listening there and no connect picks it as its own
   * ephemeral port (a TCP self-connect), either of which would turn "refused" into "connected".
   */
  static synchronized InetSocketAddress closedPort() throws IOException {
    SocketChannel ch = SocketChannel.open();
    ch.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    REFUSING.add(ch);
    return (InetSocketAddress) ch.getLocalAddress();
  }

  /** A loopback port free a moment ago, for a listener the test is about to bind. */
  static InetSocketAddress freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return new InetSocketAddress(InetAddress.getLoopbackAddress(), s.getLocalPort());
    }
  }

  @Override
  public void close() {
    blocking.forEach(StreamServer::close);
    channels.close().awaitUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
  }

  private static final class Echo extends ChannelInboundHandlerAdapter {
    private final String name;
    private final Server server;

    Echo(String name, Server server) {
      this.name = name;
      this.server = server;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      if (name != null) {
        ctx.writeAndFlush(Unpooled.copiedBuffer(name + "\n", StandardCharsets.US_ASCII));
      }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      int n = ((ByteBuf) msg).readableBytes();
      server.received.addAndGet(n);
      server.written.addAndGet(n);
      ctx.write(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      ctx.flush();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt == ChannelInputShutdownEvent.INSTANCE) {
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER)
            .addListener(f -> ((DuplexChannel) ctx.channel()).shutdownOutput());
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
