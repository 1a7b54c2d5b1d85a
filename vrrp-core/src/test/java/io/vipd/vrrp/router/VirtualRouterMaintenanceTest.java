package io.vipd.vrrp.router;

import static io.vipd.vrrp.router.Fixtures.LOCAL;
import static io.vipd.vrrp.router.Fixtures.PEER_LOW;
import static io.vipd.vrrp.router.Fixtures.SECOND;
import static io.vipd.vrrp.router.Fixtures.advertV3;
import static io.vipd.vrrp.router.Fixtures.v3;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Operator maintenance: handover with priority 0, held in BACKUP, preempting back on release. */
class VirtualRouterMaintenanceTest {

  private static final long T0 = 5 * SECOND;
  private final Recorder rec = new Recorder();

  private VirtualRouter master(int priority) {
    VirtualRouter r = new VirtualRouter(v3(priority).initialMaster(true).build(), rec, rec);
    r.start(T0);
    rec.take();
    return r;
  }

  @Test
  void masterResignsWithPriorityZeroAndStaysBackupUntilReleased() {
    VirtualRouter r = master(200);
    long t = T0 + SECOND;
    r.setMaintenance(true, t);
    assertEquals(VrrpState.BACKUP, r.state());
    assertEquals(List.of("send 0", "remove", "MASTER->BACKUP"), rec.take());
    assertEquals(Optional.empty(), r.lastMasterAddress(), "no master known right after resigning");

    // the lower priority backup takes over: accepted, not preempted, while in maintenance
    for (int i = 1; i <= 10; i++) {
      r.advertisementReceived(advertV3(100, 100), PEER_LOW, t + i * SECOND);
      r.timerFired(t + i * SECOND);
    }
    assertEquals(VrrpState.BACKUP, r.state());
    assertEquals(Optional.of(PEER_LOW), r.lastMasterAddress());
    assertEquals(List.of(), rec.take(), "silent backup");

    long release = t + 11 * SECOND;
    r.setMaintenance(false, release);
    r.advertisementReceived(advertV3(100, 100), PEER_LOW, release + SECOND / 2);
    r.timerFired(r.nextDeadlineNanos());
    assertEquals(VrrpState.MASTER, r.state(), "preempts back once released");
    assertEquals(Optional.of(LOCAL), r.lastMasterAddress());
  }

  @Test
  void withoutAnyOtherRouterItStaysBackupAndKnowsNoMaster() {
    VirtualRouter r = master(200);
    r.setMaintenance(true, T0);
    rec.take();
    for (int i = 0; i < 5; i++) {
      long due = r.nextDeadlineNanos();
      assertTrue(due < Long.MAX_VALUE, "the down timer keeps running");
      r.timerFired(due);
    }
    assertEquals(VrrpState.BACKUP, r.state());
    assertEquals(Optional.empty(), r.lastMasterAddress());
    r.setMaintenance(false, T0 + 30 * SECOND);
    r.timerFired(r.nextDeadlineNanos());
    assertEquals(VrrpState.MASTER, r.state(), "nobody else: master again at the next expiry");
  }

  @Test
  void maintenanceSurvivesFaultAndRestartAndKeepsTheOwnerBackup() {
    VirtualRouter r = master(255);
    r.setMaintenance(true, T0);
    r.setFault(true, "link down", T0 + SECOND);
    r.setFault(false, "link up", T0 + 2 * SECOND);
    assertEquals(VrrpState.BACKUP, r.state(), "the owner too stays backup in maintenance");
    r.shutdown(T0 + 3 * SECOND);
    r.start(T0 + 4 * SECOND);
    assertEquals(VrrpState.BACKUP, r.state());
    assertTrue(r.maintenance());
  }
}
