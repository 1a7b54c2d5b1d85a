package io.vipd.daemon.vrrp;

import static org.junit.jupiter.api.Assertions.assertFalse;

import io.vipd.daemon.testing.VipCluster;
import io.vipd.vrrp.linux.NetnsRequirement;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * keepalived's INIT, end to end: vipd started with an initial master instance that tracks a
 * weight-0 check which fails waits for the check's first result and goes straight to FAULT. It
 * never holds the VIP, not even for the check's first second (which would move the VIP twice).
 */
@Tag("netns")
class VrrpStartHoldNetnsTest {

  @BeforeAll
  static void requireNamespaces() {
    NetnsRequirement.require("ip");
  }

  @Test
  void anInitialMasterWhoseWeight0CheckFailsIsNeverMaster() throws Exception {
    try (VipCluster c = new VipCluster(234, 1)) {
      String vip = c.vip(1);
      String hocon =
          new InstanceHocon(60, 150, vip + "/24")
                  .with("initial-state = master")
                  .with("track { checks = [ { name = api, weight = 0 } ] }")
                  .hocon()
              + "checks.api { type = exec, command = [\"/bin/sh\", \"-c\", \"sleep 1; exit 1\"],"
              + " interval = 2s, timeout = 3s }\n";
      c.startVipd(1, hocon);
      c.node(1).awaitOutput("waits in INITIALIZE", Duration.ofSeconds(15));
      c.assertStable(vip, Set.of(), Duration.ofMillis(800));
      c.node(1).awaitOutput("(VI_1) Entering FAULT STATE", Duration.ofSeconds(10));
      c.assertStable(vip, Set.of(), Duration.ofSeconds(1));
      assertFalse(
          c.node(1).stdout().contains("Entering MASTER STATE"), "never MASTER: " + c.logs());
    }
  }
}
