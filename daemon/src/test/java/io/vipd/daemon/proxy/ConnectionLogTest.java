package io.vipd.daemon.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import io.vipd.daemon.config.ConfigLoader;
import io.vipd.daemon.config.DaemonConfig;
import io.vipd.daemon.config.LoadResult;
import io.vipd.daemon.health.CheckFactory;
import io.vipd.health.check.CheckExecutors;
import io.vipd.proxy.CloseReason;
import io.vipd.proxy.ClosedSession;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConnectionLogTest {

  @TempDir Path dir;

  private static final long ACCEPTED = Instant.parse("2009-02-06T12:12:51.443Z").toEpochMilli();

  @Test
  void formatsTheTcplogFieldsInHaproxyOrder() throws Exception {
    ClosedSession s =
        new ClosedSession(
            "api",
            "servers",
            "s1",
            new InetSocketAddress(InetAddress.getByName("10.0.1.2"), 33313),
            ACCEPTED,
            3_900_000,
            5_007_200_000L,
            77,
            212,
            CloseReason.SERVER_CLOSED,
            1,
            4,
            3,
            2,
            1,
            0,
            0,
            false);
    assertEquals(
        "10.0.1.2:33313 [06/Feb/2009:12:12:51.443] api servers/s1 0/3/5007 212 -- 4/3/2/1/1 0/0",
        TcpLogLine.format(s, ZoneOffset.UTC));
  }

  @Test
  void noServerIsNosrvWithConnectTimeMinusOne() throws Exception {
    ClosedSession s =
        new ClosedSession(
            "api",
            "servers",
            null,
            new InetSocketAddress(InetAddress.getByName("::1"), 40000),
            ACCEPTED,
            -1,
            1_000_000,
            0,
            0,
            CloseReason.NO_SERVER,
            0,
            1,
            1,
            0,
            0,
            0,
            0,
            false);
    assertEquals(
        "0:0:0:0:0:0:0:1:40000 [06/Feb/2009:13:12:51.443] api servers/<NOSRV> 0/-1/1 0 SC"
            + " 1/1/0/0/0 0/0",
        TcpLogLine.format(s, ZoneOffset.ofHours(1)));
  }

  @Test
  void aSessionThatWaitedInTheQueueLogsTwAndTheBackendQueue() throws Exception {
    ClosedSession s =
        new ClosedSession(
            "api",
            "servers",
            null,
            new InetSocketAddress(InetAddress.getByName("10.0.1.2"), 33313),
            ACCEPTED,
            -1,
            5_001_000_000L,
            0,
            0,
            CloseReason.QUEUE_TIMEOUT,
            0,
            9,
            9,
            6,
            0,
            5_000_400_000L,
            3,
            false);
    assertEquals(
        "10.0.1.2:33313 [06/Feb/2009:12:12:51.443] api servers/<NOSRV> 5000/-1/5001 0 sQ"
            + " 9/9/6/0/0 0/3",
        TcpLogLine.format(s, ZoneOffset.UTC));
  }

  @Test
  void terminationStatesFollowHaproxyCodes() {
    assertEquals("sQ", TcpLogLine.terminationState(CloseReason.QUEUE_TIMEOUT, false));
    assertEquals("CQ", TcpLogLine.terminationState(CloseReason.CLIENT_ERROR, false, true));
    assertEquals("CQ", TcpLogLine.terminationState(CloseReason.CLIENT_CLOSED, false, true));
    assertEquals("--", TcpLogLine.terminationState(CloseReason.CLIENT_CLOSED, true));
    assertEquals("--", TcpLogLine.terminationState(CloseReason.SERVER_CLOSED, true));
    assertEquals("CC", TcpLogLine.terminationState(CloseReason.CLIENT_CLOSED, false));
    assertEquals("CD", TcpLogLine.terminationState(CloseReason.CLIENT_ERROR, true));
    assertEquals("SD", TcpLogLine.terminationState(CloseReason.SERVER_ERROR, true));
    assertEquals("SC", TcpLogLine.terminationState(CloseReason.CONNECT_FAILED, false));
    assertEquals("sC", TcpLogLine.terminationState(CloseReason.CONNECT_TIMEOUT, false));
    assertEquals("cD", TcpLogLine.terminationState(CloseReason.CLIENT_TIMEOUT, true));
    assertEquals("sD", TcpLogLine.terminationState(CloseReason.SERVER_TIMEOUT, true));
    assertEquals("sD", TcpLogLine.terminationState(CloseReason.SERVER_FIN_TIMEOUT, true));
    assertEquals("cD", TcpLogLine.terminationState(CloseReason.CLIENT_FIN_TIMEOUT, true));
    assertEquals("DD", TcpLogLine.terminationState(CloseReason.SERVER_MARKED_DOWN, true));
    assertEquals("UD", TcpLogLine.terminationState(CloseReason.PRIMARY_BACK_UP, true));
    assertEquals("KD", TcpLogLine.terminationState(CloseReason.SHUT_DOWN_BY_OPERATOR, true));
    assertEquals("KD", TcpLogLine.terminationState(CloseReason.PROXY_STOPPED, true));
    assertEquals("KD", TcpLogLine.terminationState(CloseReason.REBALANCED, true));
    for (CloseReason r : CloseReason.values()) {
      for (boolean connected : new boolean[] {true, false}) {
        assertEquals(2, TcpLogLine.terminationState(r, connected).length(), r.name());
      }
    }
  }

  @Test
  void offByDefaultAndReadFromLogging() throws Exception {
    assertFalse(load("").logging().connections());
    assertTrue(load("logging.connections = true\n").logging().connections());
  }

  /** A real proxy on loopback: one served session and one whose server refuses. */
  @Test
  void realProxyLogsOneLinePerClosedConnection() throws Exception {
    List<String> lines = new CopyOnWriteArrayList<>();
    EventLoopGroup loops = CheckExecutors.newEventLoopGroup(1, "test-checks");
    ScheduledExecutorService blocking = CheckExecutors.newBlockingExecutor(1, "test-exec");
    ProxyService proxy = null;
    try (ServerSocket backend = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread server = new Thread(() -> servePong(backend), "pong");
      server.setDaemon(true);
      server.start();
      int refused = io.vipd.health.testing.RefusedPorts.reserve().getPort();
      int[] fronts = freePorts(2);
      int front = fronts[0];
      int front2 = fronts[1];
      DaemonConfig config =
          load(
              "proxy.frontends = [ { name = api, bind = \"127.0.0.1:"
                  + front
                  + "\", backend = servers },"
                  + " { name = dead, bind = \"127.0.0.1:"
                  + front2
                  + "\", backend = gone } ]\n"
                  + "proxy.backends.servers { servers = [ { name = s1, address = \"127.0.0.1:"
                  + backend.getLocalPort()
                  + "\" } ], check.type = none }\n"
                  + "proxy.backends.gone { servers = [ { name = g1, address = \"127.0.0.1:"
                  + refused
                  + "\" } ], check.type = none, retries = 0 }\n"
                  + "logging.connections = true\n");
      proxy =
          ProxyService.start(
              config.proxy(),
              new CheckFactory(loops, blocking),
              loops,
              new ConnectionLog(lines::add, ZoneOffset.UTC));
      long before = System.currentTimeMillis();
      int clientPort;
      try (Socket c = new Socket(InetAddress.getLoopbackAddress(), front)) {
        clientPort = c.getLocalPort();
        c.getOutputStream().write("ping\n".getBytes(StandardCharsets.US_ASCII));
        assertEquals("pong\n", new String(c.getInputStream().readAllBytes(), "US-ASCII"));
      }
      int deadPort;
      try (Socket c = new Socket(InetAddress.getLoopbackAddress(), front2)) {
        deadPort = c.getLocalPort();
        assertEquals(-1, c.getInputStream().read(), "closed at once: no server");
      }
      awaitLines(lines, 2);
      String served = lines.stream().filter(l -> l.contains(" api ")).findFirst().orElseThrow();
      Matcher m =
          Pattern.compile(
                  "127\\.0\\.0\\.1:(\\d+) \\[(\\S+)\\] api servers/s1 0/(\\d+)/(\\d+) 5 -- "
                      + "(\\d+)/1/1/1/0 0/0")
              .matcher(served);
      assertTrue(m.matches(), served);
      assertEquals(clientPort, Integer.parseInt(m.group(1)), served);
      assertTrue(Long.parseLong(m.group(3)) <= Long.parseLong(m.group(4)), "Tc <= Tt: " + served);
      assertTrue(Long.parseLong(m.group(4)) < 5000, served);
      String date = m.group(2);
      String expectedPrefix =
          java.time.format.DateTimeFormatter.ofPattern("dd/MMM/yyyy", java.util.Locale.ROOT)
              .format(Instant.ofEpochMilli(before).atZone(ZoneOffset.UTC));
      assertTrue(date.startsWith(expectedPrefix), served);
      String dead = lines.stream().filter(l -> l.contains(" dead ")).findFirst().orElseThrow();
      assertTrue(
          dead.matches(
              "127\\.0\\.0\\.1:"
                  + deadPort
                  + " \\[\\S+\\] dead gone/<NOSRV> 0/-1/\\d+ 0 SC \\d+/1/0/0/0 0/0"),
          dead);
      assertEquals(2, lines.size(), lines.toString());
    } finally {
      if (proxy != null) {
        proxy.stop(Duration.ZERO);
      }
      blocking.shutdownNow();
      loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2000);
    }
  }

  private static void awaitLines(List<String> lines, int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (lines.size() < n && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(n, lines.size(), lines.toString());
  }

  private static void servePong(ServerSocket backend) {
    while (!backend.isClosed()) {
      try (Socket s = backend.accept()) {
        InputStream in = s.getInputStream();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
          // read the request line
        }
        s.getOutputStream().write("pong\n".getBytes(StandardCharsets.US_ASCII));
      } catch (IOException e) {
        return;
      }
    }
  }

  /**
   * {@code n} loopback ports free a moment ago, all different: each is held open while the next is
   * taken, since a port closed a moment ago can be handed out again at once.
   */
  private static int[] freePorts(int n) throws IOException {
    List<ServerSocket> held = new ArrayList<>();
    try {
      int[] ports = new int[n];
      for (int i = 0; i < n; i++) {
        ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        held.add(s);
        ports[i] = s.getLocalPort();
      }
      return ports;
    } finally {
      for (ServerSocket s : held) {
        s.close();
      }
    }
  }

  private DaemonConfig load(String text) throws IOException {
    Path f = Files.createTempFile(dir, "vipd", ".conf");
    Files.writeString(f, text);
    LoadResult r = ConfigLoader.load(f);
    assertTrue(r.isValid(), r.errors().toString());
    return r.config().orElseThrow();
  }
}
