package io.vipd.daemon.track;

import io.vipd.vrrp.packet.VrrpVersion;
import io.vipd.vrrp.router.VirtualRouterConfig;
import io.vipd.vrrp.router.VirtualRouterListener;
import io.vipd.vrrp.runtime.TestDoubles;
import io.vipd.vrrp.runtime.VrrpRuntime;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

/** What the tracking tests that drive a {@link TrackingService} directly share. */
final class TrackingFixtures {

  private TrackingFixtures() {}

  /** VI_1 at priority 101, never started: a tracker only queues commands on it. */
  static VrrpRuntime idleRuntime() throws Exception {
    VirtualRouterConfig config =
        VirtualRouterConfig.builder("VI_1", 51, InetAddress.getByName("10.0.0.11"))
            .version(VrrpVersion.V3)
            .priority(101)
            .advertIntervalCentis(100)
            .virtualAddresses(List.of(InetAddress.getByName("10.0.0.100")))
            .build();
    return TestDoubles.runtime(config, new VirtualRouterListener() {});
  }

  /** Waits up to 15 s for {@code condition}. */
  static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting: " + what);
      }
      Thread.sleep(20);
    }
  }
}
