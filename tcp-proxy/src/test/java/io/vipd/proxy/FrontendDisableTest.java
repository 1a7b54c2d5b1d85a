package io.vipd.proxy;

import static io.vipd.proxy.ProxyHarness.ANY_LOOPBACK_PORT;
import static io.vipd.proxy.ProxyHarness.backend;
import static io.vipd.proxy.ProxyHarness.connect;
import static io.vipd.proxy.ProxyHarness.readLine;
import static io.vipd.proxy.ProxyHarness.require;
import static io.vipd.proxy.ProxyHarness.server;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vipd.proxy.balance.BalanceAlgorithm;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * haproxy's {@code disable frontend} / {@code enable frontend} over real sockets: while disabled,
 * the kernel refuses new connections on the frontend's address while established sessions relay on;
 * enabled again (or reloaded), it takes connections on the same sockets.
 */
class FrontendDisableTest {
  private final TestServers servers = new TestServers();
  private final RecordingEvents events = new RecordingEvents();
  private ProxyServer proxy;

  @AfterEach
  void tearDown() throws Exception {
    if (proxy != null) {
      proxy.stop(Duration.ZERO);
    }
    servers.close();
  }

  private BackendSettings be() {
    return backend(
        BalanceAlgorithm.ROUNDROBIN, 0, OnMarkedDown.NONE, server("a", servers.echo("a").address));
  }

  /**
   * Frontend "fe" on a free port with {@code maxconn}: a high one gets several listeners (accept
   * queues). An explicit port, as configurations have: a socket bound to port 0 would lose it.
   */
  private ProxySettings settings(int maxconn) throws IOException {
    InetSocketAddress at;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      at = new InetSocketAddress(InetAddress.getLoopbackAddress(), probe.getLocalPort());
    }
    return new ProxySettings(
        List.of(new FrontendSettings("fe", at, "be", maxconn, false)), List.of(be()), 0);
  }

  private void start(int loops, int maxconn) throws IOException {
    ProxyOptions o = ProxyOptions.DEFAULTS;
    proxy =
        new ProxyServer(
            events, new ProxyOptions(loops, true, o.writeLowWaterMark(), o.writeHighWaterMark()));
    require(proxy.nativeTransport(), "the native epoll transport");
    proxy.start(settings(maxconn));
  }

  private static void assertRelays(Socket c) throws IOException {
    c.getOutputStream().write("ping\n".getBytes(StandardCharsets.US_ASCII));
    assertEquals("ping", readLine(c));
  }

  private static void assertRefused(InetSocketAddress at) {
    assertThrows(
        ConnectException.class,
        () -> {
          try (Socket s = new Socket()) {
            s.connect(at, 2000);
          }
        },
        "a disabled frontend refuses new connections");
  }

  private boolean disabledInStatus() {
    return proxy.status().frontends().get(0).disabled();
  }

  @Test
  void disabledFrontendRefusesNewConnectionsWhileEstablishedOnesRelay() throws Exception {
    start(2, 0);
    InetSocketAddress at = proxy.localAddress("fe");
    try (Socket held = connect(proxy)) {
      assertEquals("a", readLine(held));

      assertTrue(proxy.setFrontendEnabled("fe", false), "was enabled");
      assertTrue(disabledInStatus());
      assertRefused(at);
      assertRefused(at);
      assertRelays(held); // established sessions are not touched

      assertFalse(proxy.setFrontendEnabled("fe", false), "a second disable changes nothing");
      assertRefused(at);

      assertFalse(proxy.setFrontendEnabled("fe", true), "was disabled");
      assertFalse(disabledInStatus());
      try (Socket again = connect(proxy)) {
        assertEquals("a", readLine(again), "takes connections again on the same address");
        assertRelays(again);
      }
      assertRelays(held);
    }
    // and once more: a socket that stopped listening twice listens again twice
    proxy.setFrontendEnabled("fe", false);
    assertRefused(at);
    proxy.setFrontendEnabled("fe", true);
    try (Socket third = connect(proxy)) {
      assertEquals("a", readLine(third));
    }
  }

  @Test
  void everyListenerOfAFrontendIsDisabled() throws Exception {
    start(2, 100_000); // several SO_REUSEPORT listeners: the kernel spreads clients over them
    assertTrue(proxy.listeners("fe").size() > 2, "several listeners for a high maxconn");
    InetSocketAddress at = proxy.localAddress("fe");
    proxy.setFrontendEnabled("fe", false);
    for (int i = 0; i < 20; i++) { // different source ports hash to different listeners
      assertRefused(at);
    }
    proxy.setFrontendEnabled("fe", true);
    for (int i = 0; i < 20; i++) {
      try (Socket c = connect(proxy)) {
        assertEquals("a", readLine(c));
      }
    }
  }

  @Test
  void aReloadEnablesAFrontendDisabledAtRuntime() throws Exception {
    start(1, 0);
    InetSocketAddress at = proxy.localAddress("fe");
    proxy.setFrontendEnabled("fe", false);
    assertRefused(at);

    List<String> changes =
        proxy.apply(
            new ProxySettings(
                List.of(new FrontendSettings("fe", at, "be", 0, false)), List.of(be()), 0));

    assertTrue(
        changes.stream().anyMatch(c -> c.contains("enabled again")),
        "the reload says so: " + changes);
    assertFalse(disabledInStatus());
    try (Socket c = connect(proxy)) {
      assertEquals("a", readLine(c));
    }
  }

  @Test
  void unknownFrontendIsRejected() throws Exception {
    start(1, 0);
    assertThrows(IllegalArgumentException.class, () -> proxy.setFrontendEnabled("nope", false));
  }

  @Test
  void aFrontendOnAnEphemeralPortIsNotDisabled() throws Exception {
    ProxyOptions o = ProxyOptions.DEFAULTS;
    proxy =
        new ProxyServer(
            events, new ProxyOptions(1, true, o.writeLowWaterMark(), o.writeHighWaterMark()));
    require(proxy.nativeTransport(), "the native epoll transport");
    proxy.start(
        new ProxySettings(
            List.of(new FrontendSettings("fe", ANY_LOOPBACK_PORT, "be", 0, false)),
            List.of(be()),
            0));
    assertThrows(IOException.class, () -> proxy.setFrontendEnabled("fe", false));
    assertFalse(disabledInStatus(), "nothing changed");
    try (Socket c = connect(proxy)) {
      assertEquals("a", readLine(c), "still listening on its port");
    }
  }
}
