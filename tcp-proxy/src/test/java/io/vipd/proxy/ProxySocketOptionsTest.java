package io.vipd.proxy;

import static io.vipd.proxy.ProxyHarness.await;
import static io.vipd.proxy.ProxyHarness.connect;
import static io.vipd.proxy.ProxyHarness.readLine;
import static io.vipd.proxy.ProxyHarness.server;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.Epoll;
import io.vipd.proxy.balance.BalanceAlgorithm;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
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
  void bothSidesHaveNoDelay(boolean nativeTransport) throws Exception {
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
      ProxySession session = proxy.sessions().iterator().next();
      Channel client = session.clientChannel();
      Channel server = client.eventLoop().submit(session::serverSideChannel).get();
      assertNotNull(server);
      assertTrue(client.config().getOption(ChannelOption.TCP_NODELAY), "client TCP_NODELAY");
      assertTrue(server.config().getOption(ChannelOption.TCP_NODELAY), "server TCP_NODELAY");
    }
  }
}
