package io.vipd.proxy;

import static io.vipd.proxy.ProxyHarness.ANY_LOOPBACK_PORT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vipd.proxy.balance.BalanceAlgorithm;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A started epoll proxy of one event loop, frontend {@code fe} in front of one server, and the id
 * of the loop's thread: for tests that read what the loop itself spends (its thread's CPU time).
 */
record OneLoopProxy(ProxyServer proxy, long loopThreadId) {
  static final String FRONTEND = "fe";

  /** Starts it; {@code options} must ask for one loop. */
  static OneLoopProxy start(ProxyEvents events, ProxyOptions options, InetSocketAddress server)
      throws IOException {
    Set<Long> before = loopThreads();
    ProxyServer proxy = new ProxyServer(events, options);
    assertTrue(proxy.nativeTransport(), "the epoll relay (CI runs on Linux with epoll)");
    BackendSettings be =
        new BackendSettings(
            "be",
            BalanceAlgorithm.ROUNDROBIN,
            List.of(new ServerSettings("s", server, 1, false)),
            ProxyTimeouts.DEFAULTS,
            0,
            OnMarkedDown.NONE);
    proxy.start(
        new ProxySettings(
            List.of(new FrontendSettings(FRONTEND, ANY_LOOPBACK_PORT, "be", 0, false)),
            List.of(be),
            0));
    Set<Long> loops = loopThreads();
    loops.removeAll(before);
    assertEquals(1, loops.size(), "one loop thread: " + loops);
    return new OneLoopProxy(proxy, loops.iterator().next());
  }

  private static Set<Long> loopThreads() {
    Set<Long> ids = new HashSet<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith("vipd-proxy")) {
        ids.add(t.getId());
      }
    }
    return ids;
  }
}
