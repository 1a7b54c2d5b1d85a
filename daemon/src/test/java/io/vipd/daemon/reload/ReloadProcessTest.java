package io.vipd.daemon.reload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.ScheduledFuture;
import io.vipd.daemon.testing.VipdProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6's proof, on a real vipd process (a child JVM running {@code Main run --config FILE} from
 * the test classpath, proxy only, on loopback): 1,000 live connections through the proxy, 200 of
 * them streaming continuously, survive a SIGHUP reload that changes a weight, adds a frontend and
 * removes a server (on-marked-down none), and new connections follow the new configuration; then a
 * broken file and SIGHUP are rejected in the log and change nothing.
 */
class ReloadProcessTest {

  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final int ECHO_CONNECTIONS = 800;
  private static final int STREAM_CONNECTIONS = 200;

  @TempDir Path dir;

  private final EventLoopGroup loops = new NioEventLoopGroup(2);
  private final List<Channel> servers = new ArrayList<>();
  private final List<String> log = new CopyOnWriteArrayList<>();
  private Process vipd;
  private int streamPort;
  private final List<Channel> clients = new CopyOnWriteArrayList<>();

  @AfterEach
  void tearDown() throws InterruptedException {
    // Clients first, so that vipd's stop has no session to drain.
    clients.forEach(ch -> ch.close().awaitUninterruptibly(1, TimeUnit.SECONDS));
    if (vipd != null) {
      vipd.toHandle().destroy();
      if (!vipd.waitFor(20, TimeUnit.SECONDS)) {
        vipd.destroyForcibly();
      }
    }
    servers.forEach(Channel::close);
    loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }

  @Test
  @Timeout(90)
  void reloadUnderThousandConnectionsLosesNoneAndAppliesTheNewConfig() throws Exception {
    int a = echoServer("a");
    int b = echoServer("b");
    int c = echoServer("c");
    streamServer("w");
    int api = freePort();
    int watch = freePort();
    int api2 = freePort();
    String servers1 =
        server("a", a, 1) + server("b", b, 1) + server("c", c, 1); // c goes away in v2
    String servers2 = server("a", a, 3) + server("b", b, 1);
    Path conf = dir.resolve("vipd.conf");
    Files.writeString(
        conf, config(servers1, frontend("api", api, "apis"), frontend("watch", watch, "watches")));
    startVipd(conf);

    // 1,000 live connections: 800 echo (a, b, c in turn), 200 streaming
    List<Client> echo = new ArrayList<>();
    List<Client> streams = new ArrayList<>();
    for (int i = 0; i < ECHO_CONNECTIONS; i++) {
      echo.add(connect(api));
    }
    for (int i = 0; i < STREAM_CONNECTIONS; i++) {
      streams.add(connect(watch));
    }
    await("every greeting", Duration.ofSeconds(20), () -> allGreeted(echo) && allGreeted(streams));
    Map<String, Integer> before = byServer(echo);
    assertEquals(3, before.size(), before.toString());
    long onC = before.get("c");
    assertTrue(onC > 200, "connections on c: " + onC);

    // v2: weight a 1 -> 3, frontend api2 added, server c removed (on-marked-down none)
    Files.writeString(
        conf,
        config(
            servers2,
            frontend("api", api, "apis"),
            frontend("watch", watch, "watches"),
            frontend("api2", api2, "apis")));
    long[] streamedBefore = streams.stream().mapToLong(s -> s.received.get()).toArray();
    hangup();
    String reloaded = awaitLog(l -> l.contains("reloaded:"), "the reload");
    assertTrue(reloaded.contains("frontend api2 added"), reloaded);
    assertTrue(reloaded.contains("server apis/c removed, its sessions go on"), reloaded);

    assertAllAlive(echo, streams, streamedBefore, "after the reload");
    assertEquals(Map.of("a", 6, "b", 2), newConnections(api, 8), "weights 3:1, c gone");
    assertEquals(Map.of("a", 3, "b", 1), newConnections(api2, 4), "the added frontend");

    // v3: broken; nothing changes
    Files.writeString(
        conf,
        config(
            servers2.replace("weight = 3", "weight = -5"),
            frontend("api", api, "apis"),
            frontend("watch", watch, "watches")));
    long[] streamedMid = streams.stream().mapToLong(s -> s.received.get()).toArray();
    int logged = log.size();
    hangup();
    awaitLog(l -> l.contains("reload rejected") && l.contains("problem(s)"), "the rejection");
    assertTrue(
        log.subList(logged, log.size()).stream()
            .anyMatch(l -> l.contains("reload rejected: " + conf) && l.contains("weight")),
        "the problem with file:line:key: " + log.subList(logged, log.size()));
    assertAllAlive(echo, streams, streamedMid, "after the rejected reload");
    assertEquals(Map.of("a", 6, "b", 2), newConnections(api, 8), "still weights 3:1");
    assertEquals(Map.of("a", 3, "b", 1), newConnections(api2, 4), "api2 still listening");
    assertTrue(vipd.isAlive(), "one process, still running");
  }

  /**
   * SIGUSR1 writes the state to the log, as keepalived writes its data on SIGUSR1, and stops
   * nothing: without a handler the JVM's default action ended the process at once (no priority-0
   * advert, no VIP removed, every connection reset).
   */
  @Test
  @Timeout(60)
  void sigusr1DumpsTheStateAndStopsNothing() throws Exception {
    int api = startVipdWithOneServer();
    Client before = connect(api);
    await("the greeting", Duration.ofSeconds(20), () -> allGreeted(List.of(before)));

    Process kill = new ProcessBuilder("kill", "-USR1", Long.toString(vipd.pid())).start();
    assertTrue(kill.waitFor(5, TimeUnit.SECONDS) && kill.exitValue() == 0, "kill -USR1");
    awaitLog(l -> l.contains("SIGUSR1: state dump"), "the state dump");
    awaitLog(l -> l.contains("apis"), "the backend in the dump");
    Thread.sleep(300);
    assertTrue(vipd.isAlive(), "still running after SIGUSR1");
    assertTrue(before.channel.isActive(), "the connection open before it is still open");
    Client after = connect(api);
    await("a new connection's greeting", Duration.ofSeconds(10), () -> allGreeted(List.of(after)));
  }

  /**
   * A SIGHUP while vipd reads its configuration or starts (a script's {@code pkill -HUP}) is kept
   * and reloads once vipd has started. Without a handler by then, the JVM's default action stopped
   * vipd with exit 0 (or 129 earlier), which systemd does not restart.
   */
  @Test
  @Timeout(60)
  void aSighupDuringTheStartIsKeptAndReloadsOnceStarted() throws Exception {
    int api = startVipdWithOneServer();
    // The early handlers are in place once SIGUSR1 is caught (installed right after SIGHUP's):
    // the JVM catches SIGHUP itself from its start, so only USR1 tells.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!catches(vipd.pid(), 10) && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertTrue(catches(vipd.pid(), 10), "SIGUSR1 caught");
    hangup();
    awaitLog(l -> l.contains("vipd started"), "the start");
    awaitLog(l -> l.contains("reloaded:"), "the reload the SIGHUP asked for");
    Thread.sleep(300);
    assertTrue(vipd.isAlive(), "still running");
    assertTrue(log.stream().noneMatch(l -> l.contains("vipd stopping")), log.toString());
    Client client = connect(api);
    await("a greeting", Duration.ofSeconds(10), () -> allGreeted(List.of(client)));
  }

  /** Whether process {@code pid} has a handler for signal {@code signal} (/proc SigCgt). */
  private static boolean catches(long pid, int signal) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith("SigCgt:")) {
        long mask = Long.parseUnsignedLong(line.substring(7).trim(), 16);
        return (mask & (1L << (signal - 1))) != 0;
      }
    }
    return false;
  }

  // ---- the vipd process ----

  /** Starts vipd in front of one echo server "a"; returns the port of its frontend "api". */
  private int startVipdWithOneServer() throws Exception {
    int a = echoServer("a");
    streamServer("w");
    int api = freePort();
    int watch = freePort();
    Path conf = dir.resolve("vipd.conf");
    Files.writeString(
        conf,
        config(
            server("a", a, 1), frontend("api", api, "apis"), frontend("watch", watch, "watches")));
    startVipd(conf);
    return api;
  }

  private void startVipd(Path conf) throws Exception {
    vipd = VipdProcess.run(conf).start();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(vipd.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                  log.add(line);
                }
              } catch (IOException e) {
                log.add("log reader: " + e);
              }
            },
            "vipd-log");
    reader.setDaemon(true);
    reader.start();
    awaitLog(l -> l.contains("vipd started"), "vipd to start");
  }

  private void hangup() throws Exception {
    Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(vipd.pid())).start();
    assertTrue(kill.waitFor(5, TimeUnit.SECONDS) && kill.exitValue() == 0, "kill -HUP");
  }

  private String awaitLog(Predicate<String> what, String description) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      for (String l : log) {
        if (what.test(l)) {
          return l;
        }
      }
      if (!vipd.isAlive()) {
        break;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no log line for " + description + ":\n" + String.join("\n", log));
  }

  private String config(String apiServers, String... frontends) {
    return "admin.bind = \"127.0.0.1:0\"\n"
        + "proxy {\n"
        + "  frontends = [\n"
        + String.join("", frontends)
        + "  ]\n"
        + "  backends.apis {\n"
        + "    check.type = none\n"
        + "    servers = [\n"
        + apiServers
        + "    ]\n"
        + "  }\n"
        + "  backends.watches {\n"
        + "    check.type = none\n"
        + "    servers = [ { name = w, address = \"127.0.0.1:"
        + streamPort
        + "\" } ]\n"
        + "  }\n"
        + "}\n";
  }

  private static String frontend(String name, int port, String backend) {
    return "    { name = "
        + name
        + ", bind = \"127.0.0.1:"
        + port
        + "\", backend = "
        + backend
        + " }\n";
  }

  private static String server(String name, int port, int weight) {
    return "      { name = "
        + name
        + ", address = \"127.0.0.1:"
        + port
        + "\", weight = "
        + weight
        + " }\n";
  }

  // ---- checks ----

  private void assertAllAlive(List<Client> echo, List<Client> streams, long[] streamed, String when)
      throws Exception {
    for (int i = 0; i < echo.size(); i++) {
      echo.get(i).send("ping-" + i + "\n");
    }
    await(
        "every echo connection to answer " + when,
        Duration.ofSeconds(15),
        () -> {
          for (int i = 0; i < echo.size(); i++) {
            if (!echo.get(i).text().contains("ping-" + i + "\n")) {
              return false;
            }
          }
          return true;
        });
    await(
        "every stream to go on " + when,
        Duration.ofSeconds(15),
        () -> {
          for (int i = 0; i < streams.size(); i++) {
            if (streams.get(i).received.get() <= streamed[i] + 10) {
              return false;
            }
          }
          return true;
        });
    long dead =
        echo.stream().filter(c -> !c.channel.isActive()).count()
            + streams.stream().filter(c -> !c.channel.isActive()).count();
    assertEquals(0, dead, "connections lost " + when);
  }

  private Map<String, Integer> newConnections(int port, int count) throws Exception {
    List<Client> fresh = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Client c = connect(port);
      fresh.add(c);
      await("greeting", Duration.ofSeconds(5), () -> c.greeting() != null);
      c.channel.close().sync();
    }
    return byServer(fresh);
  }

  private static boolean allGreeted(List<Client> clients) {
    return clients.stream().allMatch(c -> c.greeting() != null);
  }

  private static Map<String, Integer> byServer(List<Client> clients) {
    Map<String, Integer> n = new TreeMap<>();
    clients.forEach(c -> n.merge(c.greeting(), 1, Integer::sum));
    return n;
  }

  private static void await(String what, Duration timeout, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(20);
    }
  }

  // ---- loopback fixtures ----

  private Client connect(int port) throws InterruptedException {
    Client client = new Client();
    ChannelFuture f =
        new Bootstrap()
            .group(loops)
            .channel(NioSocketChannel.class)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
            .handler(client)
            .connect(new InetSocketAddress(LOOPBACK, port))
            .sync();
    client.channel = f.channel();
    clients.add(f.channel());
    return client;
  }

  /** One client connection: keeps the text it received (echo) or just counts it (streams). */
  private static final class Client extends ChannelInboundHandlerAdapter {
    volatile Channel channel;
    final AtomicLong received = new AtomicLong();
    private final StringBuilder text = new StringBuilder();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf buf = (ByteBuf) msg;
      try {
        received.addAndGet(buf.readableBytes());
        synchronized (text) {
          if (text.length() < 4096) {
            text.append(buf.toString(StandardCharsets.US_ASCII));
          }
        }
      } finally {
        buf.release();
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close(); // a reset shows up as a dead connection in the assertions
    }

    String text() {
      synchronized (text) {
        return text.toString();
      }
    }

    /** The first line: the name of the server reached. */
    String greeting() {
      String t = text();
      int nl = t.indexOf('\n');
      return nl < 0 ? null : t.substring(0, nl);
    }

    void send(String s) {
      channel.writeAndFlush(Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII));
    }
  }

  /** Says {@code name\n}, then echoes. */
  private int echoServer(String name) throws InterruptedException {
    return serve(
        () ->
            new ChannelInboundHandlerAdapter() {
              @Override
              public void channelActive(ChannelHandlerContext ctx) {
                ctx.writeAndFlush(Unpooled.copiedBuffer(name + "\n", StandardCharsets.US_ASCII));
              }

              @Override
              public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ctx.writeAndFlush(msg);
              }

              @Override
              public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                ctx.close();
              }
            });
  }

  /** Says {@code name\n}, then a line every 50 ms until the connection ends (a watch). */
  private int streamServer(String name) throws InterruptedException {
    int port =
        serve(
            () ->
                new ChannelInboundHandlerAdapter() {
                  private ScheduledFuture<?> ticks;

                  @Override
                  public void channelActive(ChannelHandlerContext ctx) {
                    ctx.writeAndFlush(
                        Unpooled.copiedBuffer(name + "\n", StandardCharsets.US_ASCII));
                    ticks =
                        ctx.executor()
                            .scheduleAtFixedRate(
                                () ->
                                    ctx.writeAndFlush(
                                        Unpooled.copiedBuffer(
                                            "event\n", StandardCharsets.US_ASCII)),
                                50,
                                50,
                                TimeUnit.MILLISECONDS);
                  }

                  @Override
                  public void channelInactive(ChannelHandlerContext ctx) {
                    ticks.cancel(false);
                  }

                  @Override
                  public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    ((ByteBuf) msg).release();
                  }

                  @Override
                  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                    ctx.close();
                  }
                });
    streamPort = port;
    return port;
  }

  private int serve(Supplier<ChannelInboundHandlerAdapter> handler) throws InterruptedException {
    Channel listener =
        new ServerBootstrap()
            .group(loops)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_BACKLOG, 2048)
            .childHandler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline().addLast(handler.get());
                  }
                })
            .bind(new InetSocketAddress(LOOPBACK, 0))
            .sync()
            .channel();
    servers.add(listener);
    return ((InetSocketAddress) listener.localAddress()).getPort();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
      return s.getLocalPort();
    }
  }
}
