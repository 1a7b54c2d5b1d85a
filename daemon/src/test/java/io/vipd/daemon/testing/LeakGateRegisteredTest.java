package io.vipd.daemon.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import io.vipd.health.testing.LeakDetection;
import org.junit.jupiter.api.Test;

/**
 * The leak gate is active in this module: JUnit auto-detected {@link LeakDetection} (it installs
 * its recording detector factory when loaded) and Netty runs at paranoid level, so a leaked buffer
 * in any test class of the module fails that class.
 */
class LeakGateRegisteredTest {

  @Test
  void recordingDetectorIsInstalledAtParanoidLevel() {
    assertEquals(ResourceLeakDetector.Level.PARANOID, ResourceLeakDetector.getLevel());
    String factory = ResourceLeakDetectorFactory.instance().getClass().getName();
    assertTrue(factory.startsWith(LeakDetection.class.getName()), factory);
  }
}
