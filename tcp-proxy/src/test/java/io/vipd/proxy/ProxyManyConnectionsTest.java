package io.vipd.proxy;

import static io.vipd.proxy.ProxyHarness.await;
import static io.vipd.proxy.ProxyHarness.server;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollSocketChannel;
import io.vipd.proxy.balance.BalanceAlgorithm;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * 10,000 concurrent idle connections through the proxy. The test JVM holds both ends and the proxy:
 * about 40,000 descriptors, so it raises its own RLIMIT_NOFILE with prlimit(1) first (root, or
 * CAP_SYS_RESOURCE, needed: fails under CI=true without it, skipped otherwise).
 */
class ProxyManyConnectionsTest {
  private static final int WANTED = 10_000;
  private static final int MINIMUM = 4_000;
  private static final long SPARE_FDS = 1_500;

  private final TestServers servers = new TestServers();
  private EventLoopGroup clients;
  private ProxyServer proxy;

  @AfterEach
  void tearDown() {
    if (clients != null) {
      clients.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }
    if (proxy != null) {
      proxy.stop(Duration.ZERO);
    }
    servers.close();
  }

  @Test
  void tenThousandIdleConnectionsStayOpenAndWork() throws Exception {
    int connections = (int) Math.min(WANTED, (ensureFdLimit() - SPARE_FDS) / 4);
    if (connections < MINIMUM) {
      throw new AssertionError("RLIMIT_NOFILE too low even for " + MINIMUM + " connections");
    }
    TestServers.Server echo = servers.echo(null);
    proxy = new ProxyServer(ProxyEvents.NOOP, new ProxyOptions(2, true, 32 * 1024, 64 * 1024));
    proxy.start(
        ProxyHarness.oneFrontend(
            ProxyHarness.backend(
                BalanceAlgorithm.ROUNDROBIN, 0, OnMarkedDown.NONE, server("s", echo.address)),
            0,
            0));
    InetSocketAddress target = proxy.localAddress("fe");
    AtomicLong echoed = new AtomicLong();
    clients = new EpollEventLoopGroup(1);
    Bootstrap b =
        new Bootstrap()
            .group(clients)
            .channel(EpollSocketChannel.class)
            .handler(
                new ChannelInboundHandlerAdapter() {
                  @Override
                  public boolean isSharable() {
                    return true;
                  }

                  @Override
                  public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    echoed.addAndGet(((ByteBuf) msg).readableBytes());
                    ((ByteBuf) msg).release();
                  }
                });
    List<Channel> open = new ArrayList<>(connections);
    long t0 = System.nanoTime();
    for (int batch = 0; batch < connections; batch += 500) {
      List<ChannelFuture> fs = new ArrayList<>();
      for (int i = batch; i < Math.min(connections, batch + 500); i++) {
        fs.add(b.connect(target));
      }
      for (ChannelFuture f : fs) {
        f.syncUninterruptibly();
        open.add(f.channel());
      }
    }
    await(
        "all sessions established",
        Duration.ofSeconds(60),
        () -> echo.accepted.get() == connections);
    long connectMs = (System.nanoTime() - t0) / 1_000_000;
    ProxyStatus st = proxy.status();
    assertEquals(connections, st.activeConnections());
    assertEquals(connections, st.server("be", "s").activeConnections());

    Thread.sleep(500); // idle
    int probes = 0;
    for (int i = 0; i < connections; i += 50) {
      open.get(i).writeAndFlush(Unpooled.wrappedBuffer(new byte[] {1, 2, 3}));
      probes++;
    }
    long expected = 3L * probes;
    await("echo over idle sessions", Duration.ofSeconds(20), () -> echoed.get() == expected);

    for (Channel c : open) {
      c.close();
    }
    await(
        "all sessions closed",
        Duration.ofSeconds(60),
        () -> proxy.status().activeConnections() == 0);
    assertEquals(connections, proxy.status().frontend("fe").closed(CloseReason.CLIENT_CLOSED));
    System.out.printf(
        "ProxyManyConnectionsTest: %d connections established in %d ms%n", connections, connectMs);
  }

  /**
   * Raises this JVM's open-files limit with prlimit(1) if it is below what 10,000 connections need;
   * returns the limit in force afterwards.
   */
  private static long ensureFdLimit() throws IOException, InterruptedException {
    long needed = 4L * WANTED + SPARE_FDS;
    if (currentFdLimit() >= needed) {
      return currentFdLimit();
    }
    long pid = ProcessHandle.current().pid();
    Process p =
        new ProcessBuilder(
                "prlimit", "--pid", Long.toString(pid), "--nofile=" + 65536 + ":" + 65536)
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes());
    boolean ok = p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    long limit = currentFdLimit();
    if (!ok || limit < needed) {
      System.out.printf(
          "ProxyManyConnectionsTest: RLIMIT_NOFILE stays %d (%s); running %d connections%n",
          limit, out.trim(), Math.min(WANTED, (limit - SPARE_FDS) / 4));
    }
    return limit;
  }

  private static long currentFdLimit() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
      if (line.startsWith("Max open files")) {
        String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
        return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
      }
    }
    return 0;
  }
}
