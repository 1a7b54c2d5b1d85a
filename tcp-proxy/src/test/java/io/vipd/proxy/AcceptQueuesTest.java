package io.vipd.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** How many listening sockets a frontend gets for its connection limit. */
class AcceptQueuesTest {

  @Test
  void oneListenerPerLoopWhileOneQueueEachHoldsTheLimit() {
    assertEquals(1, AcceptQueues.listeners(1, 3000, 4096));
    assertEquals(2, AcceptQueues.listeners(2, 7000, 4096));
    assertEquals(4, AcceptQueues.listeners(4, 100, 4096));
  }

  @Test
  void theQueuesHoldAnEighthMoreThanTheLimit() {
    // the kernel spreads by hash, not by room: two queues of 4096 for 8192 would overflow one
    assertEquals(3, AcceptQueues.listeners(1, 8192, 4096));
    assertEquals(1, AcceptQueues.listeners(1, 3641, 4096));
    assertEquals(2, AcceptQueues.listeners(1, 3642, 4096));
  }

  @Test
  void hugeValuesDoNotOverflow() {
    assertEquals(16, AcceptQueues.listeners(4, Integer.MAX_VALUE, 4096));
    assertEquals(16, AcceptQueues.listeners(1, Integer.MAX_VALUE, 1));
    assertEquals(4, AcceptQueues.listeners(4, 1_000_000, Integer.MAX_VALUE));
  }

  @Test
  void noLimitMeansOneListenerPerLoop() {
    assertEquals(1, AcceptQueues.listeners(1, 0, 4096));
    assertEquals(3, AcceptQueues.listeners(3, 0, 4096));
  }

  @Test
  void moreListenersUntilTheQueuesHoldTheLimit() {
    assertEquals(3, AcceptQueues.listeners(1, 10_000, 4096)); // vipd's default maxconn
    assertEquals(2, AcceptQueues.listeners(1, 4097, 4096));
    assertEquals(16, AcceptQueues.listeners(1, 10_000, 128)); // 79 wanted, capped
  }

  @Test
  void extraListenersComeInWholeRoundsOverTheLoops() {
    // 3 queues needed, 2 loops: 2 per loop, so that the kernel's even spread stays even per loop
    assertEquals(4, AcceptQueues.listeners(2, 10_000, 4096));
    assertEquals(6, AcceptQueues.listeners(3, 20_000, 4096));
  }

  @Test
  void theCapIsSixteenOrOnePerLoop() {
    assertEquals(AcceptQueues.MAX_LISTENERS, AcceptQueues.listeners(1, 1_000_000, 4096));
    assertEquals(16, AcceptQueues.listeners(4, 1_000_000, 4096));
    assertEquals(32, AcceptQueues.listeners(32, 1_000_000, 4096));
  }

  @Test
  void theLimitIsTheLowerOfFrontendAndGlobal() {
    assertEquals(500, AcceptQueues.limit(500, 10_000));
    assertEquals(10_000, AcceptQueues.limit(0, 10_000));
    assertEquals(500, AcceptQueues.limit(500, 0));
    assertEquals(0, AcceptQueues.limit(0, 0));
  }

  @Test
  void theKernelCapIsReadWhole() throws Exception {
    int cap = AcceptQueues.kernelCap();
    int expected =
        Integer.parseInt(
            java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/sys/net/core/somaxconn"))
                .get(0)
                .trim());
    assertEquals(expected, cap);
    assertTrue(cap > 1);
  }

  @Test
  void badArgumentsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> AcceptQueues.listeners(0, 10, 10));
    assertThrows(IllegalArgumentException.class, () -> AcceptQueues.listeners(1, 10, 0));
  }
}
