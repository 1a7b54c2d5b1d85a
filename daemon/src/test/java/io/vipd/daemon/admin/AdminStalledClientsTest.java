package io.vipd.daemon.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vipd.daemon.config.AdminConfig;
import io.vipd.daemon.config.HostPort;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Clients that open a connection, send part of a request and stall (a crashed scraper, a port
 * scanner, anyone who reaches the port: the token is read after the headers) outnumbering the admin
 * server's usual workers: the liveness probe must still be answered, without waiting for them to be
 * cut off, and they must be cut off.
 */
@Timeout(120)
class AdminStalledClientsTest {

  /** More than the four workers a fixed pool had; well under the most the server runs at once. */
  private static final int STALLED = 8;

  /** Generous for a noisy 2-core machine: the point is whether an answer comes, not how fast. */
  private static final Duration BOUND = Duration.ofSeconds(30);

  @Test
  void stalledClientsHoldUpNoProbeAndAreCutOff() throws Exception {
    AdminServer server =
        AdminServer.start(
            new AdminConfig(true, new HostPort("127.0.0.1", 0), Optional.empty()),
            new AdminServerTest.EmptyContent());
    List<Socket> stalled = new ArrayList<>();
    try {
      int port = server.address().getPort();
      for (int i = 0; i < STALLED; i++) {
        Socket s = new Socket();
        stalled.add(s);
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
        // A request line and no headers' end: the server reads on, blocking, for the rest.
        s.getOutputStream().write("GET /healthz HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
      }
      Thread.sleep(500); // the server has taken up every stalled request by now

      RawHttp.Response probe = RawHttp.get("127.0.0.1", port, "/healthz", null, BOUND);
      assertEquals(200, probe.status());
      // Answered while the stalled clients still hold their connections (the request limit
      // is seconds away): the probe did not wait in a queue behind them. kubelet gives it 2 s.
      for (int i = 0; i < STALLED; i++) {
        assertFalse(
            closedWithin(stalled.get(i), Duration.ofMillis(1)),
            "stalled client " + i + " cut off before the probe was answered");
      }

      for (int i = 0; i < STALLED; i++) {
        assertTrue(closedWithin(stalled.get(i), BOUND), "stalled client " + i + " never cut off");
      }
    } finally {
      for (Socket s : stalled) {
        try {
          s.close();
        } catch (IOException e) {
          // closing a test socket: nothing to do
        }
      }
      server.close();
    }
  }

  /**
   * Whether the server closes {@code s} (end of stream or reset) within {@code wait}; false if it
   * is still open and silent then.
   */
  private static boolean closedWithin(Socket s, Duration wait) throws IOException {
    s.setSoTimeout((int) Math.max(1, wait.toMillis()));
    int b;
    try {
      b = s.getInputStream().read();
    } catch (SocketTimeoutException e) {
      return false;
    } catch (SocketException e) {
      return true; // reset
    }
    if (b >= 0) {
      throw new AssertionError("a half request was answered on " + s);
    }
    return true;
  }
}
