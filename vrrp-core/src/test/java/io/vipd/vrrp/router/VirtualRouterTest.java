package io.vipd.vrrp.router;

import static io.vipd.vrrp.router.Fixtures.LOCAL;
import static io.vipd.vrrp.router.Fixtures.MILLI;
import static io.vipd.vrrp.router.Fixtures.PEER_HIGH;
import static io.vipd.vrrp.router.Fixtures.PEER_LOW;
import static io.vipd.vrrp.router.Fixtures.SECOND;
import static io.vipd.vrrp.router.Fixtures.advertV2;
import static io.vipd.vrrp.router.Fixtures.advertV3;
import static io.vipd.vrrp.router.Fixtures.v2;
import static io.vipd.vrrp.router.Fixtures.v3;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The RFC 9568 6.4 rules for Initialize, Backup and Master, timed to the nanosecond. */
class VirtualRouterTest {

  private static final long T0 = 5 * SECOND; // any origin: the router never reads a clock
  private final Recorder rec = new Recorder();

  private VirtualRouter router(VirtualRouterConfig.Builder config) {
    return new VirtualRouter(config.build(), rec, rec);
  }

  private VirtualRouter startedMaster(VirtualRouterConfig.Builder config) {
    VirtualRouter r = router(config.initialMaster(true));
    r.start(T0);
    rec.take();
    return r;
  }

  // --- Initialize ---

  @Test
  void backupStartsWithTheMasterDownTimer() {
    VirtualRouter r = router(v2(100));
    assertEquals(Long.MAX_VALUE, r.nextDeadlineNanos(), "nothing to do before start");
    r.start(T0);
    assertEquals(VrrpState.BACKUP, r.state());
    assertEquals(T0 + 3_609_375_000L, r.nextDeadlineNanos());
    assertEquals(List.of("INITIALIZE->BACKUP"), rec.take(), "a backup sends nothing");
    assertEquals("startup", rec.lastTransition().reason());
    assertEquals(Optional.empty(), r.lastMasterAddress());
  }

  @Test
  void ownerStartsAsMaster() {
    VirtualRouter r = router(v3(255));
    r.start(T0);
    assertEquals(VrrpState.MASTER, r.state());
    assertEquals(List.of("send 255", "add", "announce", "INITIALIZE->MASTER"), rec.take());
    assertEquals(T0 + SECOND, r.nextDeadlineNanos());
    assertEquals(Optional.of(LOCAL), r.lastMasterAddress());
  }

  @Test
  void initialMasterStartsAsMaster() {
    VirtualRouter r = router(v3(100).initialMaster(true).advertIntervalCentis(50));
    r.start(T0);
    assertEquals(List.of("send 100", "add", "announce", "INITIALIZE->MASTER"), rec.take());
    assertEquals("initial state MASTER", rec.lastTransition().reason());
    assertEquals(T0 + 500 * MILLI, r.nextDeadlineNanos());
  }

  // --- Backup ---

  @Test
  void masterDownTimerExpiryMakesMasterExactlyOnTime() {
    VirtualRouter r = router(v3(200));
    r.start(T0);
    rec.take();
    long due = T0 + 3_218_750_000L;
    r.timerFired(due - 1);
    assertEquals(VrrpState.BACKUP, r.state(), "one nanosecond early does nothing");
    assertEquals(List.of(), rec.take());
    r.timerFired(due);
    assertEquals(VrrpState.MASTER, r.state());
    assertEquals(List.of("send 200", "add", "announce", "BACKUP->MASTER"), rec.take());
    assertEquals("master down timer expired", rec.lastTransition().reason());
    assertEquals(due, rec.lastTransition().atNanos());
    assertEquals(due + SECOND, r.nextDeadlineNanos());
  }

  @Test
  void priorityZeroAdvertSetsTheDownTimerToSkewTime() {
    VirtualRouter r = router(v3(100));
    r.start(T0);
    long t = T0 + SECOND;
    r.advertisementReceived(advertV3(200, 100), PEER_HIGH, t);
    r.advertisementReceived(advertV3(0, 100), PEER_HIGH, t + 10 * MILLI);
    long due = t + 10 * MILLI + 609_375_000L;
    assertEquals(due, r.nextDeadlineNanos());
    rec.take();
    r.timerFired(due);
    assertEquals(VrrpState.MASTER, r.state());
    assertEquals("priority 0 advertisement from 10.0.0.12", rec.lastTransition().reason());
  }

  @Test
  void higherAdvertResetsTheDownTimerAndV3AdoptsTheInterval() {
    VirtualRouter r = router(v3(100));
    r.start(T0);
    long t = T0 + 2 * SECOND;
    r.advertisementReceived(advertV3(200, 50), PEER_HIGH, t);
    assertEquals(50, r.masterAdverIntervalCentis());
    // 3 * 0.5 s + (256 - 100) * 0.5 s / 256
    assertEquals(t + 1_804_687_500L, r.nextDeadlineNanos());
    assertEquals(Optional.of(PEER_HIGH), r.lastMasterAddress());
    assertEquals(VrrpState.BACKUP, r.state());
  }

  @Test
  void v2KeepsItsOwnIntervalWhenResetting() {
    VirtualRouter r = router(v2(100));
    r.start(T0);
    long t = T0 + SECOND;
    r.advertisementReceived(advertV2(150, 1), PEER_HIGH, t);
    assertEquals(t + 3_609_375_000L, r.nextDeadlineNanos());
    assertEquals(100, r.masterAdverIntervalCentis());
  }

  @Test
  void equalPriorityAdvertIsAcceptedByABackup() {
    VirtualRouter r = router(v3(100));
    r.start(T0);
    long t = T0 + SECOND;
    r.advertisementReceived(advertV3(100, 100), PEER_LOW, t);
    assertEquals(t + 3_609_375_000L, r.nextDeadlineNanos(), "RFC: >= local priority resets");
  }

  @Test
  void lowerAdvertIsDiscardedWhenPreemptingSoTheBackupTakesOver() {
    VirtualRouter r = router(v3(150));
    r.start(T0);
    long deadline = r.nextDeadlineNanos();
    r.advertisementReceived(advertV3(100, 100), PEER_LOW, T0 + SECOND);
    r.advertisementReceived(advertV3(100, 100), PEER_LOW, T0 + 2 * SECOND);
    assertEquals(deadline, r.nextDeadlineNanos(), "discarded: the timer keeps running");
    r.timerFired(deadline);
    assertEquals(VrrpState.MASTER, r.state());
    assertEquals(
        "master down timer expired; preempting lower priority master 10.0.0.5 (prio 100)",
        rec.lastTransition().reason());
  }

  @Test
  void lowerAdvertResetsTheTimerWithoutPreempt() {
    VirtualRouter r = router(v3(150).preempt(false));
    r.start(T0);
    long t = T0 + SECOND;
    r.advertisementReceived(advertV3(100, 100), PEER_LOW, t);
    // (256 - 150) * 1 s / 256 = 414.0625 ms
    assertEquals(t + 3_414_062_500L, r.nextDeadlineNanos());
  }

  @Test
  void ownerAlwaysPreemptsEvenWithPreemptOff() {
    VirtualRouter r = router(v3(255).preempt(false));
    r.start(T0);
    r.advertisementReceived(advertV3(255, 100), PEER_HIGH, T0 + 1); // goes BACKUP: higher address
    assertEquals(VrrpState.BACKUP, r.state());
    long deadline = r.nextDeadlineNanos();
    r.advertisementReceived(advertV3(100, 100), PEER_LOW, T0 + SECOND);
    assertEquals(deadline, r.nextDeadlineNanos(), "the lower advert is discarded");
  }

  // --- Master ---

  @Test
  void adverTimerSendsAndRearms() {
    VirtualRouter r = startedMaster(v3(100));
    r.timerFired(T0 + SECOND - 1);
    assertEquals(List.of(), rec.take());
    r.timerFired(T0 + SECOND);
    r.timerFired(T0 + SECOND); // a spurious second call does not send twice
    assertEquals(List.of("send 100"), rec.take());
    assertEquals(T0 + 2 * SECOND, r.nextDeadlineNanos());
  }

  @Test
  void lateTimerCallSendsOnceAndRearmsFromNow() {
    VirtualRouter r = startedMaster(v3(100));
    r.timerFired(T0 + 5 * SECOND + 3);
    assertEquals(List.of("send 100"), rec.take(), "no burst after a stall");
    assertEquals(T0 + 6 * SECOND + 3, r.nextDeadlineNanos());
  }

  @Test
  void priorityZeroAdvertMakesTheMasterAdvertiseAtOnce() {
    VirtualRouter r = startedMaster(v3(100));
    long t = T0 + 300 * MILLI;
    r.advertisementReceived(advertV3(0, 100), PEER_HIGH, t);
    assertEquals(List.of("send 100"), rec.take());
    assertEquals(t + SECOND, r.nextDeadlineNanos(), "Adver_Timer reset");
    assertEquals(VrrpState.MASTER, r.state());
  }

  @Test
  void aMasterSteppingDownSendsOneLastAdvertSoTheWinnerReannounces() {
    VirtualRouter r = startedMaster(v3(100));
    long t = T0 + 300 * MILLI;
    r.advertisementReceived(advertV3(120, 100), PEER_HIGH, t);
    assertEquals(VrrpState.BACKUP, r.state());
    assertEquals(List.of("send 100", "remove", "MASTER->BACKUP"), rec.take());
  }

  @Test
  void higherAdvertMakesTheMasterBackUp() {
    VirtualRouter r = startedMaster(v3(100));
    long t = T0 + 300 * MILLI;
    r.advertisementReceived(advertV3(120, 200), PEER_HIGH, t);
    assertEquals(VrrpState.BACKUP, r.state());
    // the winner's interval differs from ours: no last advert (v3 backups would learn ours)
    assertEquals(List.of("remove", "MASTER->BACKUP"), rec.take());
    assertEquals(
        "higher priority advertisement from 10.0.0.12 (prio 120)", rec.lastTransition().reason());
    assertEquals(200, r.masterAdverIntervalCentis(), "v3 adopts the new master's interval");
    // 3 * 2 s + 156 * 2 s / 256
    assertEquals(t + 7_218_750_000L, r.nextDeadlineNanos());
    assertEquals(Optional.of(PEER_HIGH), r.lastMasterAddress());
  }

  @Test
  void equalPriorityFromHigherAddressWins() {
    VirtualRouter r = startedMaster(v3(100));
    r.advertisementReceived(advertV3(100, 100), PEER_HIGH, T0 + 1);
    assertEquals(VrrpState.BACKUP, r.state());
    assertEquals(
        "equal priority advertisement from higher address 10.0.0.12 (prio 100)",
        rec.lastTransition().reason());
  }

  @Test
  void equalPriorityFromLowerAddressIsAnsweredLikeALowerOne() {
    VirtualRouter r = startedMaster(v3(100));
    r.advertisementReceived(advertV3(100, 100), PEER_LOW, T0 + 1);
    assertEquals(VrrpState.MASTER, r.state());
    assertEquals(List.of("send 100"), rec.take());
  }

  @Test
  void addressComparisonIsUnsigned() {
    // 10.0.0.200 > 10.0.0.11 only when the last byte is compared as unsigned (200 > 11).
    VirtualRouter r = startedMaster(v3(100));
    r.advertisementReceived(advertV3(100, 100), Fixtures.ip("10.0.0.200"), T0 + 1);
    assertEquals(VrrpState.BACKUP, r.state());
  }

  @Test
  void lowerAdvertIsAnsweredAtOnceOnlyWhenConfigured() {
    VirtualRouter r = startedMaster(v3(100));
    r.advertisementReceived(advertV3(50, 100), PEER_HIGH, T0 + 1);
    assertEquals(List.of("send 100"), rec.take());
    assertEquals(T0 + SECOND, r.nextDeadlineNanos(), "the Adver_Timer is left as it was");

    VirtualRouter quiet = startedMaster(v3(100).advertOnLowerPriority(false));
    quiet.advertisementReceived(advertV3(50, 100), PEER_HIGH, T0 + 1);
    assertEquals(List.of(), rec.take(), "vrrp_lower_prio_no_advert: discard");
    assertEquals(VrrpState.MASTER, quiet.state());
  }
}
