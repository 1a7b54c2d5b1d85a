package io.vipd.daemon.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vipd.daemon.testing.ProcessLines;
import io.vipd.daemon.testing.VipdProcess;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real vipd that runs out of file descriptors (its limit lowered with prlimit(1) while it runs):
 * the connection that finds no descriptor waits in the backlog, and is served promptly once another
 * connection closes, as haproxy serves it (its listeners wait at most 100 ms, or until a connection
 * is released). vipd used to stop accepting for a whole second. Whether the close or the 100 ms
 * retry wakes the listener is not told apart here ({@code AcceptRetriesTest} holds the wake-up by a
 * session's end).
 */
@Timeout(120)
class DescriptorExhaustionTest {
  /** Connections that fill the descriptors left: two each (client and server side). */
  private static final int HELD = 4;

  /**
   * Well under the second vipd used to pause, well over its 100 ms retry and the time a close takes
   * to reach it on a loaded machine.
   */
  private static final int SERVED_WITHIN_MILLIS = 500;

  @TempDir Path dir;

  @Test
  void aConnectionWaitingForADescriptorIsServedPromptlyOnceAnotherCloses() throws Exception {
    try (EchoServer backend = new EchoServer()) {
      int front;
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        front = s.getLocalPort();
      }
      Path conf = dir.resolve("vipd.conf");
      Files.writeString(
          conf,
          "admin.enabled = false\n"
              + "proxy {\n"
              + "  frontends = [ { name = api, bind = \"127.0.0.1:"
              + front
              + "\", backend = a } ]\n"
              + "  backends.a {\n"
              + "    check.type = none\n"
              + "    servers = [ { name = s1, address = \"127.0.0.1:"
              + backend.port()
              + "\" } ]\n"
              + "  }\n"
              + "}\n");
      Process p = VipdProcess.run(conf).start();
      ProcessLines log = ProcessLines.of(p);
      List<Socket> held = new ArrayList<>();
      try {
        log.await("vipd started");
        // the first connections load what serving one needs; then the count of open descriptors
        // is what it stays at between connections
        for (int i = 0; i < 3; i++) {
          try (Socket warm = connect(front)) {
            assertEcho(warm, "warm-up " + i);
          }
        }
        int open = settledDescriptorCount(p.pid());
        prlimit(p.pid(), open + 2 * HELD + ":");

        for (int i = 0; i < HELD; i++) {
          Socket s = connect(front);
          held.add(s);
          assertEcho(s, "held " + i);
        }
        try (Socket waiting = connect(front)) { // the kernel completes it: it waits in the backlog
          waiting.getOutputStream().write("first\n".getBytes(StandardCharsets.US_ASCII));
          waiting.setSoTimeout(300);
          try {
            int b = waiting.getInputStream().read();
            fail("served with no descriptor left (read " + b + "); log:\n" + log);
          } catch (SocketTimeoutException expected) {
            // no descriptor: not accepted
          }
          held.remove(0).close(); // two descriptors free

          long closed = System.nanoTime();
          waiting.setSoTimeout(10_000);
          String reply = readLine(waiting.getInputStream());
          long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closed);
          assertEquals("first", reply, "the waiting connection is relayed once served");
          assertTrue(
              millis < SERVED_WITHIN_MILLIS,
              "served " + millis + " ms after a connection closed; log:\n" + log);
        }
        // whichever listener failed, however often: one line (at most one per 10 s)
        assertEquals(1, log.count("frontend api: cannot accept"), log.toString());
        assertEquals(0, log.count("Exception"), log.toString());
      } finally {
        for (Socket s : held) {
          s.close();
        }
        p.destroy();
        p.waitFor(20, TimeUnit.SECONDS);
      }
    }
  }

  /** Open descriptors of {@code pid} once the count has not changed for half a second. */
  private static int settledDescriptorCount(long pid) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    int last = -1;
    int stableFor = 0;
    while (System.nanoTime() < deadline) {
      int n;
      try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
        n = (int) fds.count();
      }
      stableFor = n == last ? stableFor + 1 : 0;
      last = n;
      if (stableFor == 5) {
        return n;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the descriptor count of vipd did not settle: " + last);
  }

  private static void prlimit(long pid, String nofile) throws Exception {
    Process pr =
        new ProcessBuilder("prlimit", "--pid", Long.toString(pid), "--nofile=" + nofile)
            .redirectErrorStream(true)
            .start();
    String out = new String(pr.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(pr.waitFor(10, TimeUnit.SECONDS), "prlimit did not end");
    assertEquals(0, pr.exitValue(), "prlimit --nofile=" + nofile + ": " + out);
  }

  private static Socket connect(int port) throws IOException {
    Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
    s.setSoTimeout(10_000);
    return s;
  }

  private static void assertEcho(Socket s, String line) throws IOException {
    s.getOutputStream().write((line + "\n").getBytes(StandardCharsets.US_ASCII));
    assertEquals(line, readLine(s.getInputStream()));
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder b = new StringBuilder();
    for (int c; (c = in.read()) != '\n'; ) {
      if (c < 0) {
        throw new IOException("closed after \"" + b + "\"");
      }
      b.append((char) c);
    }
    return b.toString();
  }

  /** A backend that echoes every connection, each on its own thread. */
  private static final class EchoServer implements AutoCloseable {
    private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();
    private final Thread acceptor = new Thread(this::acceptAll, "echo-acceptor");

    EchoServer() throws IOException {
      acceptor.setDaemon(true);
      acceptor.start();
    }

    int port() {
      return server.getLocalPort();
    }

    private void acceptAll() {
      try {
        for (; ; ) {
          Socket s = server.accept();
          accepted.add(s);
          Thread t = new Thread(() -> echo(s), "echo");
          t.setDaemon(true);
          t.start();
        }
      } catch (IOException e) {
        // closed
      }
    }

    private static void echo(Socket s) {
      try (s) {
        InputStream in = s.getInputStream();
        byte[] buf = new byte[4096];
        for (int n; (n = in.read(buf)) > 0; ) {
          s.getOutputStream().write(buf, 0, n);
        }
      } catch (IOException e) {
        // closed
      }
    }

    @Override
    public void close() throws IOException {
      server.close();
      for (Socket s : accepted) {
        s.close();
      }
    }
  }
}
