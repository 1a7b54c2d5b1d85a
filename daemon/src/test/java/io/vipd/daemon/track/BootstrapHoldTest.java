package io.vipd.daemon.track;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vipd.health.HealthState;
import io.vipd.vrrp.packet.VrrpVersion;
import io.vipd.vrrp.router.VirtualRouterConfig;
import io.vipd.vrrp.router.VirtualRouterListener;
import io.vipd.vrrp.runtime.TestDoubles;
import io.vipd.vrrp.runtime.VrrpRuntime;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The bootstrap hold: while no API server has answered yet (every node fails alike), failing checks
 * weigh nothing and cause no FAULT, so priorities keep their order and the VIP does not move;
 * interfaces still count; once released, the weights apply.
 */
class BootstrapHoldTest {

  @Test
  void failingChecksWeighNothingWhileHeldAndApplyOnRelease() throws Exception {
    AtomicBoolean hold = new AtomicBoolean(true);
    InstanceTracker t = new InstanceTracker("VI_1", 101, runtime());
    t.holdCheckWeights(hold::get);
    t.track("check apiserver", -20);
    t.track("check proxy-ready", 0);
    t.track("interface eth1", -5);
    t.publish();

    t.update("check apiserver", HealthState.DOWN, "connection refused, 3 of 3");
    t.update("check proxy-ready", HealthState.DOWN, "0 of 3 servers up");
    assertTrue(
        t.breakdown().endsWith("-> 101 (failing checks held: no API server has answered yet)"),
        t.breakdown());
    assertFalse(t.breakdown().contains("FAULT"), t.breakdown());

    t.update("interface eth1", HealthState.DOWN, "link down");
    assertTrue(t.breakdown().contains("-> 96"), "interfaces are not held: " + t.breakdown());

    hold.set(false);
    t.reevaluate("an API server answered");
    assertTrue(t.breakdown().contains("-> 76") && t.breakdown().contains("FAULT"), t.breakdown());
    assertFalse(t.breakdown().contains("held"), t.breakdown());
  }

  @Test
  void withoutAHoldNothingChanges() throws Exception {
    InstanceTracker t = new InstanceTracker("VI_1", 101, runtime());
    t.track("check apiserver", -20);
    t.publish();
    t.update("check apiserver", HealthState.DOWN, "refused");
    assertTrue(t.breakdown().endsWith("-> 81"), t.breakdown());
    assertEquals(101, t.basePriority());
  }

  private static VrrpRuntime runtime() throws Exception {
    InetAddress local = InetAddress.getByName("10.0.0.11");
    InetAddress vip = InetAddress.getByName("10.0.0.100");
    VirtualRouterConfig config =
        VirtualRouterConfig.builder("VI_1", 51, local)
            .version(VrrpVersion.V3)
            .priority(101)
            .advertIntervalCentis(100)
            .virtualAddresses(List.of(vip))
            .build();
    // never started: the tracker only queues commands on it
    return TestDoubles.runtime(config, new VirtualRouterListener() {});
  }
}
