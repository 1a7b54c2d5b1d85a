package io.vipd.vrrp.router;

import static io.vipd.vrrp.router.Fixtures.MILLI;
import static io.vipd.vrrp.router.Fixtures.PEER_HIGH;
import static io.vipd.vrrp.router.Fixtures.PEER_LOW;
import static io.vipd.vrrp.router.Fixtures.SECOND;
import static io.vipd.vrrp.router.Fixtures.advertV3;
import static io.vipd.vrrp.router.Fixtures.ip;
import static io.vipd.vrrp.router.Fixtures.v3;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Reload in place ({@link VirtualRouter#reconfigure}): priority, preempt and lower priority answers
 * change without leaving the state, the RFC way; identity changes are refused. Injected clock.
 */
class VirtualRouterReconfigureTest {

  private static final long T0 = 5 * SECOND;
  private final Recorder rec = new Recorder();

  private VirtualRouter master(VirtualRouterConfig.Builder config) {
    VirtualRouter r = new VirtualRouter(config.initialMaster(true).build(), rec, rec);
    r.start(T0);
    rec.take();
    return r;
  }

  /** A backup following a priority 100 master at 10.0.0.5 (adverts every second from T0 + 1 s). */
  private VirtualRouter backupUnder100(VirtualRouterConfig.Builder config) {
    VirtualRouter r = new VirtualRouter(config.build(), rec, rec);
    r.start(T0);
    r.advertisementReceived(advertV3(100, 100), PEER_LOW, T0 + SECOND);
    assertEquals(VrrpState.BACKUP, r.state());
    rec.take();
    return r;
  }

  @Test
  void aMasterWhosePriorityDropsStaysMasterAndAdvertisesTheNewPriority() {
    VirtualRouter r = master(v3(150));
    long t = T0 + SECOND / 2;
    r.reconfigure(v3(120).initialMaster(true).build(), t);
    assertEquals(VrrpState.MASTER, r.state());
    assertEquals(120, r.effectivePriority());
    assertEquals(List.of("priority 150->120"), rec.take(), "no priority 0, no VIP removal");
    assertEquals(T0 + SECOND, r.nextDeadlineNanos(), "the advert timer is not disturbed");
    r.timerFired(T0 + SECOND);
    assertEquals(List.of("send 120"), rec.take());
  }

  @Test
  void aMasterBelowABackupAfterReloadIsPreemptedByItsAdvert() {
    VirtualRouter r = master(v3(150));
    r.reconfigure(v3(90).build(), T0 + 100 * MILLI);
    r.advertisementReceived(advertV3(100, 100), PEER_HIGH, T0 + 200 * MILLI);
    assertEquals(VrrpState.BACKUP, r.state(), "the higher backup now wins");
    assertEquals(List.of("priority 150->90", "send 90", "remove", "MASTER->BACKUP"), rec.take());
  }

  @Test
  void aBackupWhosePriorityRisesAboveTheMasterPreemptsAtTheDownTimer() {
    VirtualRouter r = backupUnder100(v3(90));
    long reload = T0 + 1500 * MILLI;
    r.reconfigure(v3(110).build(), reload);
    assertEquals(List.of("priority 90->110"), rec.take());
    // the master's next advert is now lower: discarded, so the down timer set at T0 + 1 s runs out
    r.advertisementReceived(advertV3(100, 100), PEER_LOW, T0 + 2 * SECOND);
    long due = r.nextDeadlineNanos();
    assertEquals(T0 + SECOND + 3_648_437_500L, due, "3 s + (256 - 90) / 256 s after the last");
    r.timerFired(due);
    assertEquals(VrrpState.MASTER, r.state());
    assertTrue(rec.lastTransition().reason().contains("preempting lower priority master"));
    assertEquals(List.of("send 110", "add", "announce", "BACKUP->MASTER"), rec.take());
  }

  @Test
  void aBackupRaisedWithPreemptOffKeepsFollowingTheMaster() {
    VirtualRouter r = backupUnder100(v3(90));
    r.reconfigure(v3(110).preempt(false).build(), T0 + 1500 * MILLI);
    for (int i = 2; i <= 10; i++) {
      r.advertisementReceived(advertV3(100, 100), PEER_LOW, T0 + i * SECOND);
      r.timerFired(T0 + i * SECOND);
    }
    assertEquals(VrrpState.BACKUP, r.state(), "preempt off: the lower master is accepted");
  }

  @Test
  void turningPreemptOnMakesAHigherBackupTakeOver() {
    VirtualRouter r = backupUnder100(v3(150).preempt(false));
    r.advertisementReceived(advertV3(100, 100), PEER_LOW, T0 + 2 * SECOND);
    assertEquals(VrrpState.BACKUP, r.state());
    r.reconfigure(v3(150).build(), T0 + 2500 * MILLI);
    r.advertisementReceived(advertV3(100, 100), PEER_LOW, T0 + 3 * SECOND);
    r.timerFired(r.nextDeadlineNanos());
    assertEquals(VrrpState.MASTER, r.state());
    assertEquals(T0 + 2 * SECOND + 3_414_062_500L, rec.lastTransition().atNanos());
  }

  @Test
  void aShorterPreemptDelayShortensTheHoldInProgressAndZeroEndsIt() {
    // Started with a 60 s delay: held from T0 until T0 + 60 s.
    VirtualRouter r = backupUnder100(v3(150).preemptDelayNanos(60 * SECOND));
    r.reconfigure(v3(150).preemptDelayNanos(10 * SECOND).build(), T0 + 2 * SECOND);
    for (int i = 2; i <= 9; i++) {
      r.advertisementReceived(advertV3(100, 100), PEER_LOW, T0 + i * SECOND);
      r.timerFired(T0 + i * SECOND);
    }
    assertEquals(VrrpState.BACKUP, r.state(), "held until T0 + 10 s");
    long t = T0 + 10 * SECOND;
    while (r.state() == VrrpState.BACKUP && t < T0 + 30 * SECOND) {
      r.advertisementReceived(advertV3(100, 100), PEER_LOW, t);
      r.timerFired(t);
      t += 100 * MILLI;
    }
    assertEquals(VrrpState.MASTER, r.state());
    long at = rec.lastTransition().atNanos();
    assertTrue(
        at > T0 + 10 * SECOND && at <= T0 + 14 * SECOND, "took over after the new delay: " + at);

    VirtualRouter other = backupUnder100(v3(150).preemptDelayNanos(60 * SECOND));
    other.reconfigure(v3(150).build(), T0 + 2 * SECOND);
    other.advertisementReceived(advertV3(100, 100), PEER_LOW, T0 + 2 * SECOND);
    other.timerFired(other.nextDeadlineNanos());
    assertEquals(VrrpState.MASTER, other.state(), "no delay any more: preempts at once");
    assertEquals(T0 + SECOND + 3_414_062_500L, rec.lastTransition().atNanos());
  }

  @Test
  void lowerPriorityAnswersFollowTheNewSetting() {
    VirtualRouter r = master(v3(150));
    r.advertisementReceived(advertV3(100, 100), PEER_LOW, T0 + 100 * MILLI);
    assertEquals(List.of("send 150"), rec.take());
    r.reconfigure(v3(150).initialMaster(true).advertOnLowerPriority(false).build(), T0);
    r.advertisementReceived(advertV3(100, 100), PEER_LOW, T0 + 200 * MILLI);
    assertEquals(List.of(), rec.take(), "no immediate answer any more");
  }

  @Test
  void addressOwnershipCannotChangeInPlace() {
    VirtualRouter owner = master(v3(255));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> owner.reconfigure(v3(254).build(), T0));
    assertTrue(e.getMessage().contains("restart"), e.getMessage());
    VirtualRouter r = master(v3(100));
    assertThrows(IllegalArgumentException.class, () -> r.reconfigure(v3(255).build(), T0));
    assertEquals(100, r.effectivePriority());
    assertEquals(VrrpState.MASTER, r.state());
  }

  @Test
  void identityChangesAreRefusedAndLeaveTheRouterAsItWas() {
    VirtualRouter r = master(v3(100));
    List<VirtualRouterConfig> others =
        List.of(
            VirtualRouterConfig.builder("VI_1", 52, Fixtures.LOCAL)
                .priority(90)
                .virtualAddresses(List.of(Fixtures.VIP))
                .build(),
            v3(90).advertIntervalCentis(50).build(),
            v3(90).virtualAddresses(List.of(ip("10.0.0.101"))).build(),
            v3(90).unicastPeers(List.of(PEER_LOW)).build(),
            v3(90).version(io.vipd.vrrp.packet.VrrpVersion.V2).build(),
            VirtualRouterConfig.builder("VI_2", 51, Fixtures.LOCAL)
                .priority(90)
                .virtualAddresses(List.of(Fixtures.VIP))
                .build());
    for (VirtualRouterConfig other : others) {
      assertFalse(r.config().reconfigurableTo(other), other.toString());
      assertThrows(IllegalArgumentException.class, () -> r.reconfigure(other, T0));
    }
    assertEquals(100, r.effectivePriority());
    assertEquals(List.of(), rec.take());
    assertTrue(
        r.config().reconfigurableTo(v3(90).preempt(false).preemptDelayNanos(SECOND).build()));
  }

  /**
   * A control-plane node joins or leaves: the unicast peers change in place, a master keeps its
   * state and VIPs; a backup no longer hears a master that is no longer its peer, and takes over
   * when that master's time runs out. Unicast and multicast stay apart.
   */
  @Test
  void unicastPeersChangeInPlaceAndARemovedPeerIsNoLongerHeard() {
    VirtualRouter m = master(v3(150).unicastPeers(List.of(PEER_LOW)));
    VirtualRouterConfig more =
        v3(150).initialMaster(true).unicastPeers(List.of(PEER_LOW, PEER_HIGH)).build();
    assertTrue(m.config().reconfigurableTo(more));
    m.reconfigure(more, T0 + 100 * MILLI);
    assertEquals(VrrpState.MASTER, m.state());
    assertEquals(List.of(), rec.take(), "no transition, no priority 0, no VIP removal");
    assertFalse(m.config().reconfigurableTo(v3(150).build()), "unicast to multicast restarts");

    VirtualRouter b = backupUnder100(v3(90).unicastPeers(List.of(PEER_LOW)));
    b.reconfigure(v3(90).unicastPeers(List.of(PEER_HIGH)).build(), T0 + 1500 * MILLI);
    assertEquals(List.of(), rec.take());
    b.advertisementReceived(advertV3(100, 100), PEER_LOW, T0 + 2 * SECOND); // not a peer now
    long due = b.nextDeadlineNanos();
    assertEquals(T0 + SECOND + 3_648_437_500L, due, "runs from the last advert heard");
    b.timerFired(due);
    assertEquals(VrrpState.MASTER, b.state());
  }

  @Test
  void aNewBaseKeepsWhatTrackingAddedUntilTrackingAppliesAgain() {
    VirtualRouter r = master(v3(100));
    r.setTrackedPriority(150, T0);
    r.reconfigure(v3(110).initialMaster(true).build(), T0 + MILLI);
    // Not the bare 110 until tracking re-applies its +50: a preempting backup at 120 would
    // discard adverts meanwhile, and take over if that lasted a Master_Down_Interval.
    assertEquals(160, r.effectivePriority(), "the new base with tracking's +50 kept");
    r.setTrackedPriority(140, T0 + 2 * MILLI);
    assertEquals(140, r.effectivePriority());
    r.reconfigure(v3(110).preempt(false).build(), T0 + 3 * MILLI);
    assertEquals(140, r.effectivePriority(), "an unchanged base leaves the tracked priority");
    r.reconfigure(v3(250).build(), T0 + 4 * MILLI);
    assertEquals(254, r.effectivePriority(), "clamped to 1..254");
    r.reconfigure(v3(20).build(), T0 + 5 * MILLI);
    assertEquals(24, r.effectivePriority(), "the offset from the clamped priority: 254 - 250");
  }
}
