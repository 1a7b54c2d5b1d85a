package io.vipd.proxy;

import static io.vipd.proxy.ProxyHarness.await;
import static io.vipd.proxy.ProxyHarness.connect;
import static io.vipd.proxy.ProxyHarness.readLine;
import static io.vipd.proxy.ProxyHarness.server;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.epoll.Epoll;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the relay puts on the wire, as tcpdump sees it on loopback: a server's last reply and its
 * FIN reach the client in one segment (as haproxy forwards them), not as a data segment, its
 * acknowledgement and a FIN.
 */
class RelayWireTest {
  private static final Pattern SEGMENT = Pattern.compile("Flags \\[([^]]*)].*length (\\d+)");

  private final RecordingEvents events = new RecordingEvents();
  private ProxyServer proxy;
  private ServerSocket backend;

  @TempDir Path dir;

  @AfterEach
  void tearDown() throws IOException {
    if (proxy != null) {
      proxy.stop(Duration.ZERO);
    }
    if (backend != null) {
      backend.close();
    }
  }

  @Test
  void aReplyAndTheServersFinReachTheClientAsOneSegment() throws Exception {
    Path tcpdumpBinary = find("tcpdump");
    ProxyHarness.require(
        Epoll.isAvailable() && tcpdumpBinary != null, "epoll and tcpdump (as root)");
    backend = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    proxy = ProxyHarness.startProxy(events, 1, (InetSocketAddress) backend.getLocalSocketAddress());
    int port = proxy.localAddress("fe").getPort();

    Path out = dir.resolve("tcpdump.out");
    Path err = dir.resolve("tcpdump.err");
    Process tcpdump =
        new ProcessBuilder(
                tcpdumpBinary.toString(), "-i", "lo", "-nn", "-l", "tcp and src port " + port)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    try {
      await(
          "tcpdump listening",
          Duration.ofSeconds(10),
          () -> read(err).contains("listening on") || !tcpdump.isAlive());
      assertTrue(tcpdump.isAlive(), "tcpdump did not start: " + read(err));

      try (Socket client = connect(proxy)) {
        client.getOutputStream().write("request\n".getBytes(StandardCharsets.US_ASCII));
        try (Socket server = backend.accept()) {
          server.setSoTimeout(5000);
          assertEquals("request", readLine(server));
          // The reply and the FIN must be waiting together when the relay reads: hold its loop
          // while the server sends both (otherwise it may wake between them, and then the data
          // leaves first as it must).
          CountDownLatch release =
              ProxyHarness.holdLoop(proxy.sessions().iterator().next().eventLoop());
          OutputStream toClient = server.getOutputStream();
          toClient.write("reply\n".getBytes(StandardCharsets.US_ASCII));
          toClient.flush();
          server.shutdownOutput();
          Thread.sleep(50); // loopback: both are in the relay's receive queue well before this
          release.countDown();
          assertEquals("reply", readLine(client));
          assertNull(readLine(client), "end of stream after the reply");
        }
      }
      await("session end", Duration.ofSeconds(5), () -> events.closed.size() == 1);
      await(
          "the FIN captured",
          Duration.ofSeconds(5),
          () -> segments(read(out)).stream().anyMatch(s -> s.flags.contains("F")));
    } finally {
      tcpdump.destroy();
      tcpdump.waitFor(10, TimeUnit.SECONDS);
    }

    List<Segment> fromProxy = segments(read(out));
    List<Segment> withData = fromProxy.stream().filter(s -> s.length > 0).toList();
    assertEquals(1, withData.size(), "one data segment from the proxy: " + fromProxy);
    assertEquals(6, withData.get(0).length, "the reply: " + fromProxy);
    assertTrue(withData.get(0).flags.contains("F"), "the FIN rides with the reply: " + fromProxy);
    assertEquals(
        1,
        fromProxy.stream().filter(s -> s.flags.contains("F")).count(),
        "no FIN of its own: " + fromProxy);
  }

  private record Segment(String flags, int length) {}

  private static List<Segment> segments(String tcpdumpOutput) {
    return tcpdumpOutput
        .lines()
        .map(SEGMENT::matcher)
        .filter(Matcher::find)
        .map(m -> new Segment(m.group(1), Integer.parseInt(m.group(2))))
        .toList();
  }

  private static String read(Path p) {
    try {
      return Files.exists(p) ? Files.readString(p) : "";
    } catch (IOException e) {
      return "";
    }
  }

  /** {@code tool} on the PATH or in /usr/sbin (not on every root PATH); null if neither. */
  private static Path find(String tool) {
    String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/sbin";
    for (String d : path.split(File.pathSeparator)) {
      Path p = Path.of(d, tool);
      if (!d.isEmpty() && Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }
}
