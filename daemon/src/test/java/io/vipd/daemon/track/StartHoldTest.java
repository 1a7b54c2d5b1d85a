package io.vipd.daemon.track;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vipd.health.HealthState;
import io.vipd.vrrp.packet.VrrpVersion;
import io.vipd.vrrp.router.Transition;
import io.vipd.vrrp.router.VirtualRouterConfig;
import io.vipd.vrrp.router.VirtualRouterListener;
import io.vipd.vrrp.router.VrrpState;
import io.vipd.vrrp.runtime.TestDoubles;
import io.vipd.vrrp.runtime.VrrpRuntime;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * keepalived's INIT: an instance tracking a weight-0 check does not start until the check has a
 * result, and then starts with it, so an initial master whose check fails is never MASTER.
 */
class StartHoldTest {

  private final List<String> transitions = new CopyOnWriteArrayList<>();

  @Test
  void aWeight0CheckHoldsTheStartUntilItsFirstResult() throws Exception {
    VrrpRuntime runtime = runtime();
    runtime.holdStartBefore("tracked weight-0 check(s) api have no result yet");
    InstanceTracker tracker = new InstanceTracker("VI_1", 150, runtime);
    tracker.track("check api", 0);
    tracker.track("check other", -20);
    tracker.track("interface eth0", 0);
    Thread t = new Thread(runtime, "runtime");
    t.start();
    try {
      tracker.publish();
      tracker.update("check other", HealthState.UP, "ok");
      Thread.sleep(400);
      assertEquals(
          VrrpState.INITIALIZE, runtime.status().state(), "the weight-0 check has not answered");
      tracker.update("check api", HealthState.DOWN, "connection refused, 1 of 1");
      await(() -> runtime.status().state() == VrrpState.FAULT, "fault");
      Thread.sleep(100);
      assertEquals(List.of("INITIALIZE->FAULT"), transitions, "never MASTER first");
      tracker.update("check api", HealthState.UP, "200, 1 of 1");
      await(() -> runtime.status().state() == VrrpState.MASTER, "master once it succeeds");
    } finally {
      runtime.stop(5, TimeUnit.SECONDS);
      t.join(5000);
    }
  }

  private VrrpRuntime runtime() throws Exception {
    VirtualRouterConfig config =
        VirtualRouterConfig.builder("VI_1", 51, InetAddress.getByName("10.0.0.11"))
            .version(VrrpVersion.V3)
            .priority(150)
            .initialMaster(true)
            .advertIntervalCentis(100)
            .virtualAddresses(List.of(InetAddress.getByName("10.0.0.100")))
            .build();
    return TestDoubles.runtime(
        config,
        new VirtualRouterListener() {
          @Override
          public void onTransition(Transition t) {
            transitions.add(t.from() + "->" + t.to());
          }
        });
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting: " + what);
      }
      Thread.sleep(20);
    }
  }
}
