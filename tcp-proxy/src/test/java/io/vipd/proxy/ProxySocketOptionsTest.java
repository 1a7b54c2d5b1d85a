package io.vipd.proxy;

import static io.vipd.proxy.ProxyHarness.await;
import static io.vipd.proxy.ProxyHarness.connect;
import static io.vipd.proxy.ProxyHarness.readLine;
import static io.vipd.proxy.ProxyHarness.server;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.Epoll;
import io.vipd.proxy.balance.BalanceAlgorithm;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The socket options a session's two channels end up with, now that the proxy relies on Netty's
 * defaults instead of setting them again (one system call fewer each per connection).
 */
class ProxySocketOptionsTest {
  private final TestServers servers = new TestServers();
  private ProxyServer proxy;

  @AfterEach
  void tearDown() {
    if (proxy != null) {
      proxy.stop(Duration.ZERO);
    }
    servers.close();
  }

  @ParameterizedTest(name = "native={0}")
  @ValueSource(booleans = {true, false})
  void bothSidesHaveNoDelayAndTheServerSideMatchesTheBackendFamily(boolean nativeTransport)
      throws Exception {
    TestServers.Server echo = servers.echo("s1");
    proxy = new ProxyServer(ProxyEvents.NOOP, new ProxyOptions(1, nativeTransport, 1024, 2048));
    proxy.start(
        ProxyHarness.oneFrontend(
            ProxyHarness.backend(
                BalanceAlgorithm.ROUNDROBIN, 0, OnMarkedDown.NONE, server("s1", echo.address)),
            0,
            0));
    assertEquals(nativeTransport && Epoll.isAvailable(), proxy.nativeTransport());
    try (Socket c = connect(proxy)) {
      assertEquals("s1", readLine(c)); // relayed: the server side is connected
      await("session", Duration.ofSeconds(5), () -> proxy.sessions().iterator().hasNext());
      RelaySession session = proxy.sessions().iterator().next();
      InetSocketAddress local;
      if (session instanceof EpollSession) {
        EpollSession s = (EpollSession) session;
        io.netty.channel.unix.Socket client = s.clientSocket();
        io.netty.channel.unix.Socket server = s.eventLoop().submit(s::serverSocket).get();
        assertNotNull(server);
        assertTrue(client.isTcpNoDelay(), "client TCP_NODELAY");
        assertTrue(server.isTcpNoDelay(), "server TCP_NODELAY");
        local = server.localAddress();
      } else {
        ProxySession s = (ProxySession) session;
        Channel client = s.clientChannel();
        Channel server = client.eventLoop().submit(s::serverSideChannel).get();
        assertNotNull(server);
        assertTrue(client.config().getOption(ChannelOption.TCP_NODELAY), "client TCP_NODELAY");
        assertTrue(server.config().getOption(ChannelOption.TCP_NODELAY), "server TCP_NODELAY");
        local = (InetSocketAddress) server.localAddress();
      }
      assertInstanceOf(Inet4Address.class, echo.address.getAddress());
      if (proxy.nativeTransport()) {
        // an IPv4 backend is reached from an AF_INET socket, not a dual-stack AF_INET6 one (which
        // costs a setsockopt(IPV6_V6ONLY) each): the kernel lists it in /proc/net/tcp
        assertTrue(
            listedIn("/proc/self/net/tcp", local.getPort(), echo.address.getPort()),
            "server-side socket " + local + " is not AF_INET");
        assertFalse(
            listedIn("/proc/self/net/tcp6", local.getPort(), echo.address.getPort()),
            "AF_INET6: " + local);
      }
    }
  }

  @ParameterizedTest(name = "native={0}")
  @ValueSource(booleans = {true, false})
  void anIpv4FrontendAcceptsOnAfInetAndAWildcardOneAlsoTakesIpv6Clients(boolean nativeTransport)
      throws Exception {
    TestServers.Server echo = servers.echo("s1");
    BackendSettings backend =
        ProxyHarness.backend(
            BalanceAlgorithm.ROUNDROBIN, 0, OnMarkedDown.NONE, server("s1", echo.address));
    proxy = new ProxyServer(ProxyEvents.NOOP, new ProxyOptions(1, nativeTransport, 1024, 2048));
    proxy.start(
        new ProxySettings(
            List.of(
                new FrontendSettings("fe", ProxyHarness.ANY_LOOPBACK_PORT, "be", 0, true),
                new FrontendSettings("any", new InetSocketAddress("0.0.0.0", 0), "be", 0, true)),
            List.of(backend),
            0));
    // 127.0.0.1: accepted sockets are AF_INET (listed in /proc/net/tcp) on epoll
    try (Socket c = connect(proxy)) {
      assertEquals("s1", readLine(c));
      if (proxy.nativeTransport()) {
        int port = proxy.localAddress("fe").getPort();
        assertTrue(
            listedIn("/proc/self/net/tcp", port, c.getLocalPort()),
            "accepted socket is not AF_INET");
      }
    }
    // 0.0.0.0: dual-stack as before, IPv4 and IPv6 clients alike
    int any = proxy.localAddress("any").getPort();
    for (String host : List.of("127.0.0.1", "::1")) {
      try (Socket c = new Socket()) {
        c.setSoTimeout(5000);
        c.connect(new InetSocketAddress(InetAddress.getByName(host), any), 2000);
        assertEquals("s1", readLine(c), host);
      }
    }
  }

  @ParameterizedTest(name = "native={0}")
  @ValueSource(booleans = {true, false})
  void ipv6BackendIsReachedFromAnIpv6Socket(boolean nativeTransport) throws Exception {
    TestServers.Server echo = servers.echo(InetAddress.getByName("::1"), "v6");
    proxy = new ProxyServer(ProxyEvents.NOOP, new ProxyOptions(1, nativeTransport, 1024, 2048));
    proxy.start(
        ProxyHarness.oneFrontend(
            ProxyHarness.backend(
                BalanceAlgorithm.ROUNDROBIN, 0, OnMarkedDown.NONE, server("s1", echo.address)),
            0,
            0));
    try (Socket c = connect(proxy)) {
      assertEquals("v6", readLine(c));
      c.getOutputStream().write("ping\n".getBytes(StandardCharsets.US_ASCII));
      assertEquals("ping", readLine(c));
    }
  }

  /**
   * True if {@code table} lists the connection from 127.0.0.1:{@code localPort} to 127.0.0.1:{@code
   * remotePort} (the table covers the whole network namespace, so match both ends).
   */
  private static boolean listedIn(String table, int localPort, int remotePort) throws IOException {
    String prefix = table.endsWith("6") ? "0000000000000000FFFF00000100007F" : "0100007F";
    String local = String.format("%s:%04X", prefix, localPort);
    String remote = String.format("%s:%04X", prefix, remotePort);
    for (String line : Files.readAllLines(Path.of(table))) {
      String[] f = line.trim().split("\\s+");
      if (f.length > 2 && f[1].equals(local) && f[2].equals(remote)) {
        return true;
      }
    }
    return false;
  }

  /**
   * With several event loops on epoll, a frontend has one listener per loop (SO_REUSEPORT): every
   * loop accepts connections, and each serves the ones it accepted, with no hand-over between
   * loops.
   */
  @Test
  void everyLoopAcceptsAndServesItsOwnConnections() throws Exception {
    requireEpoll();
    TestServers.Server echo = servers.echo("s1");
    ProxyOptions o = ProxyOptions.DEFAULTS;
    proxy =
        new ProxyServer(
            ProxyEvents.NOOP,
            new ProxyOptions(2, true, o.writeLowWaterMark(), o.writeHighWaterMark()));
    proxy.start(
        ProxyHarness.oneFrontend(
            ProxyHarness.backend(
                BalanceAlgorithm.ROUNDROBIN, 0, OnMarkedDown.NONE, server("s1", echo.address)),
            0,
            0));
    List<Socket> clients = new ArrayList<>();
    try {
      for (int i = 0; i < 64; i++) {
        Socket c = connect(proxy);
        clients.add(c);
        assertEquals("s1", readLine(c));
      }
      // a listener starts its sessions on its own loop (EpollListener): the loops that serve
      // connections are the loops whose listeners accepted them
      Set<EventLoop> loops = new HashSet<>();
      for (RelaySession s : proxy.sessions()) {
        loops.add(s.eventLoop());
      }
      // 64 connections all hashed to one of two listeners: 2^-63
      assertEquals(2, loops.size(), "connections on both loops");
      assertEquals(2, proxy.listeners("fe").size(), "one listener per loop");
    } finally {
      for (Socket c : clients) {
        c.close();
      }
    }
  }

  @Test
  void listenersOfAllLoopsDoNotShareAPortThatAnotherListenerHolds() throws Exception {
    requireEpoll();
    // The first proxy's listeners have SO_REUSEPORT, as haproxy's have by default: a second set
    // of SO_REUSEPORT listeners could join them and take a share of the connections unnoticed.
    TestServers.Server echo = servers.echo("s1");
    ProxyOptions two = new ProxyOptions(2, true, 1024, 2048);
    BackendSettings backend =
        ProxyHarness.backend(
            BalanceAlgorithm.ROUNDROBIN, 0, OnMarkedDown.NONE, server("s1", echo.address));
    proxy = new ProxyServer(ProxyEvents.NOOP, two);
    proxy.start(ProxyHarness.oneFrontend(backend, 0, 0));
    InetSocketAddress held = proxy.localAddress("fe");
    ProxyServer second = new ProxyServer(ProxyEvents.NOOP, two);
    ProxySettings samePort =
        new ProxySettings(
            List.of(new FrontendSettings("fe2", held, backend.name(), 0, true)),
            List.of(backend),
            0);
    IOException e = assertThrows(IOException.class, () -> second.start(samePort));
    assertTrue(e.getMessage().contains("frontend fe2: cannot bind"), e.getMessage());
    // the first proxy still serves the port alone
    try (Socket c = connect(proxy)) {
      assertEquals("s1", readLine(c));
    }
  }

  /** Skips without epoll, except in CI, where a missing capability is a failure. */
  private static void requireEpoll() {
    ProxyHarness.require(Epoll.isAvailable(), "epoll");
  }
}
