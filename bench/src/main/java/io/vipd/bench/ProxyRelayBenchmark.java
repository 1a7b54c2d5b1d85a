package io.vipd.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.vipd.proxy.BackendSettings;
import io.vipd.proxy.FrontendSettings;
import io.vipd.proxy.ProxyEvents;
import io.vipd.proxy.ProxyOptions;
import io.vipd.proxy.ProxyServer;
import io.vipd.proxy.ProxySettings;
import io.vipd.proxy.ServerSettings;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Bulk throughput through loopback: a blocking client writes {@link #CHUNK_BYTES} per operation
 * into one long-lived connection; the operation ends when a discarding server has received it.
 * {@code relay=direct} is the no-proxy baseline, {@code proxy} the vipd relay (epoll, ByteBufs
 * forwarded as is), {@code splice} a bare splice(2) relay. MB/s = 16 / (ms per op) * 1000.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ProxyRelayBenchmark {
  static final int CHUNK_BYTES = 16 << 20;

  @Param({"direct", "proxy", "splice"})
  public String relay;

  private EventLoopGroup serverGroup;
  private EventLoopGroup spliceGroup;
  private Channel sink;
  private ProxyServer proxy;
  private ProxySpliceRelay splice;
  private Socket client;
  private OutputStream out;
  private final AtomicLong received = new AtomicLong();
  private final byte[] block = new byte[256 * 1024];
  private long expected;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    serverGroup = new EpollEventLoopGroup(1);
    sink =
        new ServerBootstrap()
            .group(serverGroup)
            .channel(EpollServerSocketChannel.class)
            .childHandler(
                new ChannelInboundHandlerAdapter() {
                  @Override
                  public boolean isSharable() {
                    return true;
                  }

                  @Override
                  public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    ByteBuf b = (ByteBuf) msg;
                    received.addAndGet(b.readableBytes());
                    b.release();
                  }
                })
            .bind(new InetSocketAddress("127.0.0.1", 0))
            .sync()
            .channel();
    InetSocketAddress sinkAddress = (InetSocketAddress) sink.localAddress();
    InetSocketAddress target;
    switch (relay) {
      case "direct":
        target = sinkAddress;
        break;
      case "proxy":
        proxy = new ProxyServer(ProxyEvents.NOOP, new ProxyOptions(1, true, 32 * 1024, 64 * 1024));
        proxy.start(
            new ProxySettings(
                List.of(FrontendSettings.of("fe", new InetSocketAddress("127.0.0.1", 0), "be")),
                List.of(BackendSettings.of("be", List.of(ServerSettings.of("s", sinkAddress)))),
                0));
        target = proxy.localAddress("fe");
        break;
      case "splice":
        spliceGroup = new EpollEventLoopGroup(1);
        splice = new ProxySpliceRelay(spliceGroup, sinkAddress);
        target = splice.address();
        break;
      default:
        throw new IllegalArgumentException(relay);
    }
    client = new Socket();
    client.setTcpNoDelay(true);
    client.connect(target);
    out = client.getOutputStream();
  }

  @Benchmark
  public long transfer() throws Exception {
    for (int sent = 0; sent < CHUNK_BYTES; sent += block.length) {
      out.write(block);
    }
    expected += CHUNK_BYTES;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (received.get() < expected) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("relay stalled at " + received.get() + "/" + expected);
      }
      LockSupport.parkNanos(20_000);
    }
    return received.get();
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    client.close();
    if (proxy != null) {
      proxy.stop(Duration.ofSeconds(1));
    }
    if (splice != null) {
      splice.close();
      spliceGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
    sink.close().sync();
    serverGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
  }
}
