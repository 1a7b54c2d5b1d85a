package io.vipd.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.vipd.health.testing.LeakDetection;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Proves the leak gate works: a buffer dropped without release is seen and reported. */
class LeakDetectionTest {

  @Test
  void paranoidLevelIsOn() {
    assertEquals(ResourceLeakDetector.Level.PARANOID, ResourceLeakDetector.getLevel());
  }

  @Test
  void unreleasedBufferIsReported() throws InterruptedException {
    LeakDetection.collect(); // start clean
    leakOne();
    List<String> leaks = List.of();
    for (int i = 0; i < 20 && leaks.isEmpty(); i++) {
      leaks = LeakDetection.collect();
    }
    assertFalse(leaks.isEmpty(), "a dropped buffer must be reported");
    assertTrue(leaks.get(0).contains("ByteBuf"), leaks.get(0));
  }

  private static void leakOne() {
    ByteBuf leaked = PooledByteBufAllocator.DEFAULT.directBuffer(16);
    leaked.writeInt(42);
  }
}
