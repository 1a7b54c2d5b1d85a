package io.vipd.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.net.InetSocketAddress;
import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A session that retries across a reload: the servers it tried are found again by name in the pool
 * that replaced its own (renumbered: reordered, one removed, one added), so its retry still skips
 * them; with redispatch off its server is the new pool's of the same name.
 */
class BackendPoolReloadTest {

  private static ServerSettings server(String name, boolean backup) {
    return new ServerSettings(name, new InetSocketAddress("127.0.0.1", 1), 1, backup);
  }

  @Test
  void triedServersAreFoundByNameInThePoolThatReplacedTheirs() {
    BackendPool before =
        new BackendPool(
            BackendSettings.of(
                "be",
                List.of(
                    server("a", false),
                    server("b", false),
                    server("c", false),
                    server("x", true))));
    BackendPool after =
        new BackendPool(
            BackendSettings.of(
                "be",
                List.of(
                    server("new", false),
                    server("c", false),
                    server("a", false),
                    server("y", true),
                    server("x", true))),
            before);
    BitSet tried = new BitSet();
    tried.set(before.state("a").index);
    tried.set(before.state("b").index); // removed by the reload
    BitSet expected = new BitSet();
    expected.set(after.state("a").index);
    assertEquals(expected, before.sameServersIn(after, tried, false));

    BitSet triedBackup = new BitSet();
    triedBackup.set(before.state("x").index);
    BitSet expectedBackup = new BitSet();
    expectedBackup.set(after.state("x").index);
    assertEquals(expectedBackup, before.sameServersIn(after, triedBackup, true));

    assertSame(after.state("c"), after.current(before.state("c"), before));
    assertSame(before.state("c"), before.current(before.state("c"), before));
    assertNull(after.current(before.state("b"), before), "removed by the reload");
  }
}
