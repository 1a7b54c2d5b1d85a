package io.vipd.vrrp.router;

import static io.vipd.vrrp.router.Fixtures.MILLI;
import static io.vipd.vrrp.router.Fixtures.PEER_HIGH;
import static io.vipd.vrrp.router.Fixtures.PEER_LOW;
import static io.vipd.vrrp.router.Fixtures.SECOND;
import static io.vipd.vrrp.router.Fixtures.advertV3;
import static io.vipd.vrrp.router.Fixtures.v3;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Tracking, FAULT, shutdown and restart, preempt delay. */
class VirtualRouterLifecycleTest {

  private static final long T0 = 0;
  private final Recorder rec = new Recorder();

  private VirtualRouter started(VirtualRouterConfig.Builder config) {
    VirtualRouter r = new VirtualRouter(config.build(), rec, rec);
    r.start(T0);
    rec.take();
    return r;
  }

  // --- tracked priority ---

  @Test
  void trackedPriorityIsClampedAndReported() {
    VirtualRouter r = started(v3(100));
    r.setTrackedPriority(80, T0);
    r.setTrackedPriority(80, T0);
    r.setTrackedPriority(0, T0);
    r.setTrackedPriority(300, T0);
    assertEquals(List.of("priority 100->80", "priority 80->1", "priority 1->254"), rec.take());
    assertEquals(254, r.effectivePriority());
  }

  @Test
  void ownerPriorityNeverChanges() {
    VirtualRouter r = started(v3(255));
    r.setTrackedPriority(100, T0);
    assertEquals(255, r.effectivePriority());
    assertEquals(List.of(), rec.take());
  }

  @Test
  void masterAdvertisesItsNewPriorityAndHoldsUntilItHearsAHigherOne() {
    VirtualRouter r = started(v3(150).initialMaster(true));
    r.setTrackedPriority(90, T0 + 1);
    r.advertisementReceived(advertV3(100, 100), PEER_LOW, T0 + 2);
    assertEquals(VrrpState.BACKUP, r.state(), "100 > 90: the master gives way");
    assertEquals(List.of("priority 150->90", "send 90", "remove", "MASTER->BACKUP"), rec.take());
  }

  @Test
  void masterWithLoweredPrioritySendsItAndStaysMasterWhileAlone() {
    VirtualRouter r = started(v3(150).initialMaster(true));
    r.setTrackedPriority(90, T0 + 1);
    r.timerFired(T0 + SECOND);
    assertEquals(List.of("priority 150->90", "send 90"), rec.take());
    assertEquals(VrrpState.MASTER, r.state());
  }

  @Test
  void backupRaisedAboveTheMasterPreemptsThroughItsDownTimer() {
    VirtualRouter r = started(v3(100));
    long accepted = T0 + SECOND;
    r.advertisementReceived(advertV3(120, 100), PEER_HIGH, accepted);
    long due = accepted + 3_609_375_000L;
    r.setTrackedPriority(130, accepted + 100 * MILLI);
    r.advertisementReceived(advertV3(120, 100), PEER_HIGH, accepted + SECOND);
    assertEquals(due, r.nextDeadlineNanos(), "the now lower advert is discarded");
    r.timerFired(due);
    assertEquals(VrrpState.MASTER, r.state());
    assertEquals(
        List.of("priority 100->130", "send 130", "add", "announce", "BACKUP->MASTER"), rec.take());
  }

  // --- FAULT ---

  @Test
  void masterFaultResignsAndGoesSilent() {
    VirtualRouter r = started(v3(100).initialMaster(true));
    r.setFault(true, "interface eth0 down", T0 + 7);
    assertEquals(List.of("send 0", "remove", "MASTER->FAULT"), rec.take());
    assertEquals("fault: interface eth0 down", rec.lastTransition().reason());
    assertEquals(Long.MAX_VALUE, r.nextDeadlineNanos());
    r.timerFired(T0 + 100 * SECOND);
    r.setFault(true, "check apiserver failed", T0 + 100 * SECOND);
    assertEquals(List.of(), rec.take(), "FAULT sends nothing");
  }

  @Test
  void backupFaultSendsNothing() {
    VirtualRouter r = started(v3(100));
    r.setFault(true, "interface eth0 down", T0 + 7);
    assertEquals(List.of("BACKUP->FAULT"), rec.take());
  }

  @Test
  void leavingFaultGoesBackupWithAFreshDownTimer() {
    VirtualRouter r = started(v3(100).initialMaster(true));
    r.setFault(true, "interface eth0 down", T0);
    rec.take();
    long t = T0 + 10 * SECOND;
    r.setFault(false, "interface eth0 up", t);
    assertEquals(VrrpState.BACKUP, r.state());
    assertEquals("fault cleared: interface eth0 up", rec.lastTransition().reason());
    assertEquals(t + 3_609_375_000L, r.nextDeadlineNanos());
    assertEquals(List.of("FAULT->BACKUP"), rec.take());
  }

  @Test
  void ownerLeavesFaultAsMaster() {
    VirtualRouter r = started(v3(255));
    r.setFault(true, "interface eth0 down", T0);
    rec.take();
    r.setFault(false, "interface eth0 up", T0 + 1);
    assertEquals(List.of("send 255", "add", "announce", "FAULT->MASTER"), rec.take());
  }

  @Test
  void faultBeforeStartIsRememberedAndClearingItUnfaults() {
    VirtualRouter r = new VirtualRouter(v3(100).build(), rec, rec);
    r.setFault(true, "interface eth0 down", T0);
    assertEquals(VrrpState.INITIALIZE, r.state());
    r.start(T0 + 1);
    assertEquals(VrrpState.FAULT, r.state());
    assertEquals("fault: interface eth0 down", rec.lastTransition().reason());
    r.shutdown(T0 + 2);
    r.setFault(false, "interface eth0 up", T0 + 3);
    r.start(T0 + 4);
    assertEquals(VrrpState.BACKUP, r.state());
  }

  // --- shutdown ---

  @Test
  void masterShutdownSendsPriorityZeroAndRemovesAddresses() {
    VirtualRouter r = started(v3(100).initialMaster(true));
    r.shutdown(T0 + 3);
    assertEquals(List.of("send 0", "remove", "MASTER->INITIALIZE"), rec.take());
    assertEquals("shutdown", rec.lastTransition().reason());
    assertEquals(Long.MAX_VALUE, r.nextDeadlineNanos());
    r.shutdown(T0 + 4);
    assertEquals(List.of(), rec.take(), "a second shutdown is a no-op");
  }

  @Test
  void restartAfterShutdownStartsAfresh() {
    VirtualRouter r = started(v3(100));
    r.advertisementReceived(advertV3(200, 40), PEER_HIGH, T0 + 1);
    r.shutdown(T0 + 2);
    r.start(T0 + SECOND);
    assertEquals(100, r.masterAdverIntervalCentis(), "the learned interval is forgotten");
    assertEquals(T0 + SECOND + 3_609_375_000L, r.nextDeadlineNanos());
    assertThrows(IllegalStateException.class, () -> r.start(T0 + 2 * SECOND));
  }

  // --- preempt delay ---

  @Test
  void preemptDelayHoldsALowerMasterThenTakesOverOneDownIntervalLater() {
    long delay = 10 * SECOND;
    VirtualRouter r = started(v3(200).preemptDelayNanos(delay));
    long mdi = 3_218_750_000L;
    for (long t = T0 + 500 * MILLI; t < T0 + 20 * SECOND; t += SECOND) {
      r.timerFired(Math.min(t, r.nextDeadlineNanos()));
      r.timerFired(t);
      if (r.state() == VrrpState.MASTER) {
        break;
      }
      r.advertisementReceived(advertV3(100, 100), PEER_LOW, t);
    }
    assertEquals(VrrpState.MASTER, r.state());
    assertEquals(T0 + delay + mdi, rec.lastTransition().atNanos(), "start + delay + interval");
  }

  @Test
  void withoutPreemptDelayTheSameScheduleTakesOverOneDownIntervalAfterStart() {
    VirtualRouter r = started(v3(200));
    for (long t = T0 + 500 * MILLI; r.state() == VrrpState.BACKUP; t += SECOND) {
      r.timerFired(Math.min(t, r.nextDeadlineNanos()));
      r.timerFired(t);
      r.advertisementReceived(advertV3(100, 100), PEER_LOW, t);
    }
    assertEquals(T0 + 3_218_750_000L, rec.lastTransition().atNanos());
  }

  @Test
  void aMasterDyingDuringThePreemptDelayIsReplacedAtTheNormalTime() {
    VirtualRouter r = started(v3(200).preemptDelayNanos(60 * SECOND));
    long last = T0 + 2 * SECOND;
    r.advertisementReceived(advertV3(100, 100), PEER_LOW, T0 + SECOND);
    r.advertisementReceived(advertV3(100, 100), PEER_LOW, last);
    assertEquals(last + 3_218_750_000L, r.nextDeadlineNanos());
    r.timerFired(last + 3_218_750_000L);
    assertEquals(VrrpState.MASTER, r.state());
  }

  @Test
  void higherAdvertCancelsThePreemptDelayAndALaterLowerOneRestartsIt() {
    long delay = 5 * SECOND;
    VirtualRouter r = started(v3(200).preemptDelayNanos(delay));
    r.advertisementReceived(advertV3(250, 100), PEER_HIGH, T0 + 10 * SECOND);
    long t = T0 + 11 * SECOND;
    r.advertisementReceived(advertV3(100, 100), PEER_LOW, t); // new hold: until t + 5 s
    assertEquals(t + 3_218_750_000L, r.nextDeadlineNanos(), "accepted while held");
    r.advertisementReceived(advertV3(100, 100), PEER_LOW, t + 4 * SECOND);
    assertEquals(t + delay, r.nextDeadlineNanos(), "the hold's end is the next deadline");
    r.timerFired(t + delay);
    assertEquals(t + delay + 3_218_750_000L, r.nextDeadlineNanos());
    r.advertisementReceived(advertV3(100, 100), PEER_LOW, t + delay + 1);
    assertEquals(t + delay + 3_218_750_000L, r.nextDeadlineNanos(), "now discarded");
  }
}
