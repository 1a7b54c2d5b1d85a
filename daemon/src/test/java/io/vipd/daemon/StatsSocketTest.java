package io.vipd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vipd.daemon.config.ConfigLoader;
import io.vipd.daemon.config.DaemonConfig;
import io.vipd.daemon.config.LoadResult;
import io.vipd.daemon.haproxycli.CliClient;
import io.vipd.daemon.reload.ReloadResult;
import io.vipd.proxy.ProxyStatus;
import io.vipd.proxy.ServerAdminState;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.URL;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * haproxy's stats socket on a running vipd (real proxy, real loopback servers, a real Unix socket):
 * what a script that drives haproxy with {@code socat} sees and does.
 */
@Timeout(90)
class StatsSocketTest {

  @TempDir Path dir;

  @Test
  void showStatCountsRealTrafficAndAdminCommandsChangeTheRunningProxy() throws Exception {
    try (ServerSocket s1 = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        ServerSocket s2 = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Components components = new Components()) {
      Path sock = dir.resolve("run/haproxy/admin.sock"); // its directory does not exist yet
      int front = freePort();
      components.start(
          load(config(sock, "admin", front, s1.getLocalPort(), s2.getLocalPort())), this::noReload);
      assertEquals(
          "rw-rw----",
          PosixFilePermissions.toString(Files.getPosixFilePermissions(sock)),
          "the configured mode 660");
      await(
          () -> {
            String csv = ask(sock, "show stat\n");
            return csvRow(csv, "api", "s1").get("status").equals("UP")
                && csvRow(csv, "api", "s2").get("status").equals("UP");
          });

      // One client through the proxy, held open: scur and stot count it.
      try (Socket client = new Socket(InetAddress.getLoopbackAddress(), front)) {
        client.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
        Socket accepted = acceptProxied(s1, s2, "ping");
        String csv = ask(sock, "show stat\n");
        accepted.close(); // both sides close: the session ends
        Map<String, String> frontend = csvRow(csv, "api", "FRONTEND");
        assertEquals("1", frontend.get("scur"), csv);
        assertEquals("1", frontend.get("stot"), csv);
        assertEquals("OPEN", frontend.get("status"));
        Map<String, String> backend = csvRow(csv, "api", "BACKEND");
        assertEquals("1", backend.get("scur"), csv);
        assertEquals("2", backend.get("act"), csv);
        assertEquals("roundrobin", backend.get("algo"));
        assertEquals("tcp", backend.get("mode"));
        int perServer =
            Integer.parseInt(csvRow(csv, "api", "s1").get("scur"))
                + Integer.parseInt(csvRow(csv, "api", "s2").get("scur"));
        assertEquals(1, perServer, csv);
        assertEquals("L4OK", csvRow(csv, "api", "s1").get("check_status"));
        assertEquals("127.0.0.1:" + s2.getLocalPort(), csvRow(csv, "api", "s2").get("addr"), csv);
      }

      // A change is answered with an empty line, and made.
      assertEquals("\n", ask(sock, "disable server api/s1\n"));
      assertEquals(ServerAdminState.MAINT, status(components).server("api", "s1").adminState());
      assertEquals("MAINT", csvRow(ask(sock, "show stat\n"), "api", "s1").get("status"));
      assertEquals("\n", ask(sock, "set server api/s1 state drain\n"));
      assertEquals(ServerAdminState.DRAIN, status(components).server("api", "s1").adminState());
      assertEquals("\n", ask(sock, "enable server api/s1\n"));
      assertEquals(ServerAdminState.READY, status(components).server("api", "s1").adminState());
      assertEquals("\n", ask(sock, "set weight api/s2 50%\n"));
      assertEquals("5 (initial 10)\n\n", ask(sock, "get weight api/s2\n"));
      assertEquals(5, status(components).server("api", "s2").weight());
      assertEquals("\n", ask(sock, "set server api/s2 weight 7\n"));
      assertEquals(7, status(components).server("api", "s2").weight());
      assertEquals("\n", ask(sock, "set maxconn server api/s2 3\n"));
      assertEquals(3, status(components).server("api", "s2").maxconn());
      assertEquals("No such server.\n\n", ask(sock, "disable server api/nope\n"));

      // set maxconn frontend: a second client is refused at once while one is held
      await(() -> csvRow(ask(sock, "show stat\n"), "api", "FRONTEND").get("scur").equals("0"));
      assertEquals("\n", ask(sock, "set maxconn frontend api 1\n"));
      assertEquals("1", csvRow(ask(sock, "show stat\n"), "api", "FRONTEND").get("slim"));
      try (Socket held = new Socket(InetAddress.getLoopbackAddress(), front)) {
        held.getOutputStream().write("hold".getBytes(StandardCharsets.US_ASCII));
        Socket atServer = acceptProxied(s1, s2, "hold");
        try (Socket refused = new Socket(InetAddress.getLoopbackAddress(), front)) {
          refused.setSoTimeout(5000);
          assertTrue(closedAtOnce(refused), "over the frontend's maxconn");
        }
        atServer.close();
      }
      assertEquals("\n", ask(sock, "set maxconn frontend api 0\n"));
      assertEquals("\n", ask(sock, "set maxconn global 3000\n"));
      assertTrue(ask(sock, "show info\n").contains("\nMaxconn: 3000\n"));
      assertEquals("No such backend.\n\n", ask(sock, "disable server nope/s1\n"));

      // disable frontend: new clients are refused by the kernel, a held one relays on
      try (Socket held = new Socket(InetAddress.getLoopbackAddress(), front)) {
        held.getOutputStream().write("held".getBytes(StandardCharsets.US_ASCII));
        Socket atServer = acceptProxied(s1, s2, "held");
        assertEquals("\n", ask(sock, "disable frontend api\n"));
        assertEquals("PAUSED", csvRow(ask(sock, "show stat\n"), "api", "FRONTEND").get("status"));
        assertTrue(status(components).frontend("api").disabled());
        assertThrows(
            ConnectException.class, () -> new Socket(InetAddress.getLoopbackAddress(), front));
        atServer.getOutputStream().write("still".getBytes(StandardCharsets.US_ASCII));
        held.setSoTimeout(5000);
        assertEquals(
            "still", new String(held.getInputStream().readNBytes(5), StandardCharsets.US_ASCII));
        assertEquals("All sockets are already disabled.\n\n", ask(sock, "disable frontend api\n"));
        assertEquals("\n", ask(sock, "enable frontend api\n"));
        assertEquals("OPEN", csvRow(ask(sock, "show stat\n"), "api", "FRONTEND").get("status"));
        try (Socket again = new Socket(InetAddress.getLoopbackAddress(), front)) {
          again.getOutputStream().write("again".getBytes(StandardCharsets.US_ASCII));
          acceptProxied(s1, s2, "again").close();
        }
        atServer.close();
      }

      // Several commands on one line, several lines at once, and an interactive session.
      assertEquals("# name\napi\n\nadmin\n\n", ask(sock, "show backend;show cli level\n"));
      assertEquals("admin\n\n7 (initial 10)\n\n", ask(sock, "show cli level\nget weight api/s2\n"));
      assertEquals("\n> 7 (initial 10)\n\n> ", ask(sock, "prompt\nget weight api/s2\nquit\n"));

      // The HTTP twin of show stat, at haproxy's stats page path.
      String http = get(components.adminAddress().orElseThrow(), "/stats;csv");
      assertTrue(http.startsWith("# pxname,svname,"), http);
      assertTrue(http.contains("\napi,s2,"), http);

      // A reload: the socket shows and changes what runs after it.
      components.reload(
          load(
              config(sock, "admin", front, s1.getLocalPort(), s2.getLocalPort())
                  .replace("{ name = s2,", "{ name = s3,")));
      String after = ask(sock, "show stat\n");
      assertTrue(after.contains("\napi,s3,"), after);
      assertFalse(after.contains("\napi,s2,"), after);
      assertEquals("\n", ask(sock, "disable server api/s3\n"));
      assertEquals(ServerAdminState.MAINT, status(components).server("api", "s3").adminState());
    }
    assertFalse(Files.exists(dir.resolve("run/haproxy/admin.sock")), "removed on stop");
  }

  @Test
  void anOperatorSocketReadsButChangesNothing() throws Exception {
    try (ServerSocket s1 = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        ServerSocket s2 = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Components components = new Components()) {
      Path sock = dir.resolve("op.sock");
      int front = freePort();
      components.start(
          load(config(sock, "operator", front, s1.getLocalPort(), s2.getLocalPort())),
          this::noReload);
      assertEquals("operator\n\n", ask(sock, "show cli level\n"));
      assertEquals("Permission denied\n\n", ask(sock, "disable server api/s1\n"));
      assertEquals("Permission denied\n\n", ask(sock, "set weight api/s1 0\n"));
      assertEquals(ServerAdminState.READY, status(components).server("api", "s1").adminState());
      assertEquals(10, status(components).server("api", "s1").weight());
      assertEquals("10 (initial 10)\n\n", ask(sock, "get weight api/s1\n"));
      String s1Address = "127.0.0.1:" + s1.getLocalPort();
      assertEquals(s1Address, csvRow(ask(sock, "show stat\n"), "api", "s1").get("addr"));
      assertEquals(
          s1Address,
          csvRow(ask(sock, "user;show stat\n").substring(1), "api", "s1").get("addr"),
          "the socket's level decides, as in haproxy, not the session's");
    }
  }

  /** As in haproxy, a socket at level user shows no server addresses. */
  @Test
  void aUserSocketShowsNoServerAddresses() throws Exception {
    try (ServerSocket s1 = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        ServerSocket s2 = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Components components = new Components()) {
      Path sock = dir.resolve("user.sock");
      components.start(
          load(config(sock, "user", freePort(), s1.getLocalPort(), s2.getLocalPort())),
          this::noReload);
      Map<String, String> row = csvRow(ask(sock, "show stat\n"), "api", "s1");
      assertEquals("", row.get("addr"));
      assertEquals("10", row.get("weight"), "the rest is shown");
    }
  }

  @Test
  void aSocketLeftByADeadProcessIsReplacedAndAnIdleSessionIsClosed() throws Exception {
    Path sock = dir.resolve("stale.sock");
    try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      dead.bind(UnixDomainSocketAddress.of(sock)); // closed without unlinking, as by a crash
    }
    assertTrue(Files.exists(sock));
    try (ServerSocket s1 = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        ServerSocket s2 = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Components components = new Components()) {
      components.start(
          load(config(sock, "admin", freePort(), s1.getLocalPort(), s2.getLocalPort())),
          this::noReload);
      assertEquals("admin\n\n", ask(sock, "show cli level\n"));
      // An interactive session that says nothing more is closed after the 1 s timeout.
      long start = System.nanoTime();
      String answer =
          CompletableFuture.supplyAsync(
                  () -> {
                    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                      ch.connect(UnixDomainSocketAddress.of(sock));
                      ch.write(ByteBuffer.wrap("prompt\n".getBytes(StandardCharsets.US_ASCII)));
                      ByteBuffer in = ByteBuffer.allocate(256);
                      StringBuilder all = new StringBuilder();
                      while (ch.read(in) >= 0) {
                        in.flip();
                        all.append(StandardCharsets.US_ASCII.decode(in));
                        in.clear();
                      }
                      return all.toString();
                    } catch (IOException e) {
                      throw new IllegalStateException(e);
                    }
                  })
              .get(20, TimeUnit.SECONDS);
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertEquals("\n> ", answer);
      assertTrue(millis >= 900, "closed after the timeout, not before: " + millis + " ms");
    }
  }

  @Test
  void aRegularFileAtThePathIsNotReplaced() throws Exception {
    Path sock = dir.resolve("file.sock");
    Files.writeString(sock, "mine");
    try (ServerSocket s1 = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        ServerSocket s2 = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Components components = new Components()) {
      DaemonConfig c =
          load(config(sock, "admin", freePort(), s1.getLocalPort(), s2.getLocalPort()));
      IOException e = assertThrows(IOException.class, () -> components.start(c, this::noReload));
      assertTrue(e.getMessage().contains("exists and is not a socket"), e.getMessage());
    }
    assertEquals("mine", Files.readString(sock));
  }

  @Test
  void socatsHalfCloseStillGetsALongAnswerAndAStuckClientCannotPileUpSessions() throws Exception {
    try (ServerSocket s1 = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        ServerSocket s2 = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Components components = new Components()) {
      Path sock = dir.resolve("s.sock");
      components.start(
          load(config(sock, "admin", freePort(), s1.getLocalPort(), s2.getLocalPort())),
          this::noReload);
      // 300 show stat in three lines, then the client's side shut down as socat does at the end
      // of its input: far more than the socket's buffer, all of it answered
      String line = String.join(";", java.util.Collections.nCopies(100, "show stat")) + "\n";
      String all = CliClient.askThenShutdown(sock, line + line + line);
      assertEquals(300, all.split("# pxname,", -1).length - 1, "every answer");
      assertEquals(300, all.split("\napi,BACKEND,", -1).length - 1, "whole: " + all.length());
      assertTrue(all.endsWith(",\n\n"), "to its end");

      // 16 sessions held open: the 17th is closed at once, and they count again once closed
      List<SocketChannel> held = new java.util.ArrayList<>();
      try {
        for (int i = 0; i < 16; i++) {
          SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
          ch.connect(UnixDomainSocketAddress.of(sock));
          ch.write(ByteBuffer.wrap("prompt\n".getBytes(StandardCharsets.US_ASCII)));
          held.add(ch);
        }
        Thread.sleep(200);
        assertTrue(closedUnanswered(sock), "the 17th session is closed unanswered");
      } finally {
        for (SocketChannel ch : held) {
          ch.close();
        }
      }
      await(() -> ask(sock, "show cli level\n").equals("admin\n\n"));
    }
  }

  /**
   * Long answers to clients that read: a script that reads late, without shutting its side down,
   * gets the whole answer and then the end at once, not at the session timeout (20 s here); a
   * client that pipelines far more than the write buffer, interactive or not, gets every answer.
   */
  @Test
  void longAnswersReachClientsThatReadAndEndWhenTheyAreOut() throws Exception {
    try (ServerSocket s1 = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        ServerSocket s2 = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Components components = new Components()) {
      Path sock = dir.resolve("s.sock");
      String text = config(sock, "admin", freePort(), s1.getLocalPort(), s2.getLocalPort());
      components.start(load(text.replace("timeout = 1s", "timeout = 20s")), this::noReload);
      String hundred = String.join(";", java.util.Collections.nCopies(100, "show stat")) + "\n";

      String late =
          CompletableFuture.supplyAsync(
                  () -> {
                    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                      ch.connect(UnixDomainSocketAddress.of(sock));
                      ch.write(
                          ByteBuffer.wrap(hundred.repeat(10).getBytes(StandardCharsets.US_ASCII)));
                      Thread.sleep(500); // the answers fill the socket and wait
                      long start = System.nanoTime();
                      String all = CliClient.readToEnd(ch);
                      return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " " + all;
                    } catch (IOException | InterruptedException e) {
                      throw new IllegalStateException(e);
                    }
                  })
              .get(60, TimeUnit.SECONDS);
      long millis = Long.parseLong(late.substring(0, late.indexOf(' ')));
      assertEquals(1000, late.split("# pxname,", -1).length - 1, "every answer");
      assertTrue(millis < 10_000, "ended once the answers were out, after " + millis + " ms");

      // 6,000 show stat (over 10 MB) in one go, shut down as socat does: read as they come
      String many = hundred.repeat(60);
      String all = CliClient.askThenShutdown(sock, many);
      assertEquals(6000, all.split("# pxname,", -1).length - 1, "every answer: " + all.length());
      assertTrue(all.endsWith(",\n\n"), "to its end");

      // the same as 6,000 lines without the half-close (socat's input still open): the reading
      // paused by the answers resumes for the rest, and the session ends once all are answered
      String lines = CliClient.ask(sock, "show stat\n".repeat(6000));
      assertEquals(
          6000, lines.split("# pxname,", -1).length - 1, "every answer: " + lines.length());

      // interactive: 30,000 small commands pipelined, then quit
      String weights = "get weight api/s1\n".repeat(30_000);
      String prompted = CliClient.ask(sock, "prompt\n" + weights + "quit\n");
      assertEquals(30_000, prompted.split("10 \\(initial 10\\)\n", -1).length - 1, "every answer");
    }
  }

  @Test
  void aSocketStillAnsweredOrASymlinkAtThePathIsNotTaken() throws Exception {
    Path live = dir.resolve("live.sock");
    Path link = dir.resolve("link.sock");
    Files.createSymbolicLink(link, dir.resolve("elsewhere"));
    try (ServerSocketChannel other = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        ServerSocket s1 = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        ServerSocket s2 = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      other.bind(UnixDomainSocketAddress.of(live)); // a running haproxy's socket, say
      for (Path taken : List.of(live, link)) {
        try (Components components = new Components()) {
          DaemonConfig c =
              load(config(taken, "admin", freePort(), s1.getLocalPort(), s2.getLocalPort()));
          IOException e =
              assertThrows(IOException.class, () -> components.start(c, this::noReload));
          assertTrue(
              e.getMessage()
                  .contains(taken == live ? "in use by a running process" : "not a socket"),
              e.getMessage());
        }
      }
      assertTrue(Files.exists(live), "the running process keeps its socket");
      assertTrue(Files.isSymbolicLink(link));
    }
  }

  /** Whether the proxy closed {@code s} (end of stream or reset) without relaying anything. */
  private static boolean closedAtOnce(Socket s) {
    try {
      return s.getInputStream().read() == -1;
    } catch (java.net.SocketTimeoutException e) {
      return false; // still open
    } catch (IOException e) {
      return true; // reset
    }
  }

  /** Whether a session is closed before it answers (its write may fail, or its read end). */
  private static boolean closedUnanswered(Path sock) throws Exception {
    try {
      return ask(sock, "show cli level\n").isEmpty();
    } catch (java.util.concurrent.ExecutionException e) {
      return e.getCause() instanceof IllegalStateException
          && e.getCause().getCause() instanceof IOException;
    }
  }

  private static String config(Path sock, String level, int front, int port1, int port2) {
    return "admin.bind = \"127.0.0.1:0\"\n"
        + "admin.stats-socket { path = \""
        + sock
        + "\", mode = \"660\", level = "
        + level
        + ", timeout = 1s }\n"
        + "proxy {\n"
        + "  frontends = [ { name = api, bind = \"127.0.0.1:"
        + front
        + "\", backend = api } ]\n"
        + "  backends.api {\n"
        + "    servers = [\n"
        + "      { name = s1, address = \"127.0.0.1:"
        + port1
        + "\", weight = 10 }\n"
        + "      { name = s2, address = \"127.0.0.1:"
        + port2
        + "\", weight = 10 }\n"
        + "    ]\n"
        // the test servers never accept the checks' connections: 500 ms keeps their accept
        // queues (50) from filling during a test
        + "    check { type = tcp, interval = 500ms, rise = 1, fall = 3 }\n"
        + "  }\n"
        + "}\n";
  }

  private DaemonConfig load(String text) throws IOException {
    Path f = dir.resolve("vipd.conf");
    Files.writeString(f, text);
    LoadResult r = ConfigLoader.load(f);
    assertTrue(r.isValid(), r.errors().toString());
    return r.config().orElseThrow();
  }

  private ReloadResult noReload() {
    return ReloadResult.rejected(List.of("not in this test"));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static ProxyStatus status(Components c) {
    return c.proxy().orElseThrow().status();
  }

  private static String ask(Path sock, String input) throws Exception {
    return CliClient.ask(sock, input);
  }

  /** The row of {@code show stat} for pxname/svname, by header name. */
  static Map<String, String> csvRow(String csv, String pxname, String svname) {
    String[] lines = csv.split("\n");
    List<String> header = Arrays.asList(lines[0].substring(2).split(",", -1));
    for (String line : lines) {
      if (line.startsWith(pxname + "," + svname + ",")) {
        List<String> cells = Arrays.asList(line.split(",", -1));
        assertEquals(header.size(), cells.size(), "as many cells as columns: " + line);
        return header.stream()
            .filter(h -> !h.isEmpty())
            .collect(Collectors.toMap(h -> h, h -> cells.get(header.indexOf(h))));
      }
    }
    throw new AssertionError("no row " + pxname + "/" + svname + " in\n" + csv);
  }

  /**
   * The proxied connection, as one of the two servers accepts it, with its first bytes read: the
   * servers also accept (and see closed at once) the proxy's TCP checks, which are skipped.
   */
  private static Socket acceptProxied(ServerSocket a, ServerSocket b, String first)
      throws Exception {
    a.setSoTimeout(100);
    b.setSoTimeout(100);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      for (ServerSocket s : List.of(a, b)) {
        Socket c;
        try {
          c = s.accept();
        } catch (java.net.SocketTimeoutException e) {
          continue;
        }
        c.setSoTimeout(2000);
        byte[] got = c.getInputStream().readNBytes(first.length());
        if (new String(got, StandardCharsets.US_ASCII).equals(first)) {
          c.setSoTimeout(0);
          return c;
        }
        c.close(); // a check's connection
      }
    }
    throw new AssertionError("the proxy connected to neither server");
  }

  private static void await(BooleanSupplierWithException condition) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 10 s");
      }
      Thread.sleep(50);
    }
  }

  private interface BooleanSupplierWithException {
    boolean getAsBoolean() throws Exception;
  }

  private static String get(InetSocketAddress admin, String path) throws IOException {
    HttpURLConnection c =
        (HttpURLConnection) new URL("http://127.0.0.1:" + admin.getPort() + path).openConnection();
    try (InputStream in = c.getInputStream()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } finally {
      c.disconnect();
    }
  }
}
