package io.vipd.vrrp.router;

import static io.vipd.vrrp.router.Fixtures.LOCAL;
import static io.vipd.vrrp.router.Fixtures.PEER_HIGH;
import static io.vipd.vrrp.router.Fixtures.PEER_LOW;
import static io.vipd.vrrp.router.Fixtures.SECOND;
import static io.vipd.vrrp.router.Fixtures.VIP;
import static io.vipd.vrrp.router.Fixtures.VRID;
import static io.vipd.vrrp.router.Fixtures.advertV2;
import static io.vipd.vrrp.router.Fixtures.advertV3;
import static io.vipd.vrrp.router.Fixtures.v2;
import static io.vipd.vrrp.router.Fixtures.v3;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vipd.vrrp.packet.RxDropReason;
import io.vipd.vrrp.packet.VrrpAdvertisement;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Instance-level receive checks (RFC 3768 7.1, RFC 9568 7.1): each drop is reported with its reason
 * and changes nothing, neither state nor timers.
 */
class AdvertisementValidationTest {

  private static final long T0 = 0;
  private final Recorder rec = new Recorder();

  /**
   * Starts a backup, delivers the advert (a higher one, that would reset the timer if accepted).
   */
  private void assertDropped(
      RxDropReason expected,
      VirtualRouterConfig.Builder config,
      VrrpAdvertisement adv,
      InetAddress source) {
    VirtualRouter r = new VirtualRouter(config.build(), rec, rec);
    r.start(T0);
    long deadline = r.nextDeadlineNanos();
    VrrpState state = r.state();
    rec.take();
    r.advertisementReceived(adv, source, T0 + SECOND);
    assertEquals(List.of("drop " + expected), rec.take());
    assertEquals(deadline, r.nextDeadlineNanos(), "a dropped advert does not touch the timers");
    assertEquals(state, r.state());
  }

  @Test
  void otherVrid() {
    assertDropped(
        RxDropReason.UNKNOWN_VRID,
        v3(100),
        VrrpAdvertisement.v3(VRID + 1, 200, 100, List.of(VIP)),
        PEER_HIGH);
  }

  @Test
  void otherVersion() {
    assertDropped(RxDropReason.BAD_VERSION, v3(100), advertV2(200, 1), PEER_HIGH);
    assertDropped(RxDropReason.BAD_VERSION, v2(100), advertV3(200, 100), PEER_HIGH);
  }

  @Test
  void ourOwnLoopedAdvert() {
    assertDropped(RxDropReason.OWN_ADVERTISEMENT, v3(100), advertV3(200, 100), LOCAL);
  }

  @Test
  void unicastSourceThatIsNotAPeer() {
    assertDropped(
        RxDropReason.NOT_A_PEER,
        v3(100).unicastPeers(List.of(PEER_LOW)),
        advertV3(200, 100),
        PEER_HIGH);
  }

  @Test
  void unicastPeerIsAccepted() {
    VirtualRouter r = new VirtualRouter(v3(100).unicastPeers(List.of(PEER_HIGH)).build(), rec, rec);
    r.start(T0);
    r.advertisementReceived(advertV3(200, 100), PEER_HIGH, T0 + SECOND);
    assertEquals(List.of(), rec.drops);
    assertEquals(T0 + SECOND + 3_609_375_000L, r.nextDeadlineNanos());
  }

  @Test
  void v2WrongPasswordOrAuthType() {
    VirtualRouterConfig.Builder config =
        v2(100).password("secret".getBytes(StandardCharsets.US_ASCII));
    assertDropped(
        RxDropReason.AUTH_MISMATCH,
        config,
        VrrpAdvertisement.v2(
            VRID,
            200,
            1,
            List.of(VIP),
            VrrpAdvertisement.AUTH_PASS,
            "secreT".getBytes(StandardCharsets.US_ASCII)),
        PEER_HIGH);
    assertDropped(RxDropReason.AUTH_MISMATCH, config, advertV2(200, 1), PEER_HIGH);
    assertDropped(
        RxDropReason.AUTH_MISMATCH,
        v2(100),
        VrrpAdvertisement.v2(
            VRID, 200, 1, List.of(VIP), VrrpAdvertisement.AUTH_PASS, new byte[] {'x'}),
        PEER_HIGH);
  }

  @Test
  void v2RightPasswordIsAccepted() {
    byte[] password = "secret".getBytes(StandardCharsets.US_ASCII);
    VirtualRouter r = new VirtualRouter(v2(100).password(password).build(), rec, rec);
    r.start(T0);
    r.advertisementReceived(
        VrrpAdvertisement.v2(VRID, 200, 1, List.of(VIP), VrrpAdvertisement.AUTH_PASS, password),
        PEER_HIGH,
        T0 + SECOND);
    assertEquals(List.of(), rec.drops);
    assertEquals(T0 + SECOND + 3_609_375_000L, r.nextDeadlineNanos());
  }

  /** Another cluster reusing the VRID on the segment: its VIP is not ours (keepalived drops it). */
  @Test
  void anotherAddressListIsDroppedInBothVersions() throws Exception {
    InetAddress other = InetAddress.getByName("10.0.0.200");
    assertDropped(
        RxDropReason.ADDRESS_LIST_MISMATCH,
        v3(100),
        VrrpAdvertisement.v3(VRID, 200, 100, List.of(other)),
        PEER_HIGH);
    assertDropped(
        RxDropReason.ADDRESS_LIST_MISMATCH,
        v2(100),
        VrrpAdvertisement.v2(
            VRID, 200, 1, List.of(other), VrrpAdvertisement.AUTH_NONE, new byte[0]),
        PEER_HIGH);
    // ours and one more (the count differs), or ours twice in place of ours and another
    assertDropped(
        RxDropReason.ADDRESS_LIST_MISMATCH,
        v3(100),
        VrrpAdvertisement.v3(VRID, 200, 100, List.of(VIP, other)),
        PEER_HIGH);
    assertDropped(
        RxDropReason.ADDRESS_LIST_MISMATCH,
        v3(100).virtualAddresses(List.of(VIP, other)),
        VrrpAdvertisement.v3(VRID, 200, 100, List.of(VIP, VIP)),
        PEER_HIGH);
  }

  @Test
  void theSameAddressesInAnotherOrderAreAccepted() throws Exception {
    InetAddress other = InetAddress.getByName("10.0.0.200");
    VirtualRouter r =
        new VirtualRouter(v3(100).virtualAddresses(List.of(VIP, other)).build(), rec, rec);
    r.start(T0);
    r.advertisementReceived(
        VrrpAdvertisement.v3(VRID, 200, 100, List.of(other, VIP)), PEER_HIGH, T0 + SECOND);
    assertEquals(List.of(), rec.drops);
  }

  /** RFC 3768 / RFC 9568 7.1: an owner's advert is processed whatever its list. */
  @Test
  void anOwnersAdvertIsProcessedWhateverItsList() throws Exception {
    VirtualRouter r = new VirtualRouter(v3(100).build(), rec, rec);
    r.start(T0);
    r.advertisementReceived(
        VrrpAdvertisement.v3(VRID, 255, 100, List.of(InetAddress.getByName("10.0.0.200"))),
        PEER_HIGH,
        T0 + SECOND);
    assertEquals(List.of(), rec.drops);
  }

  @Test
  void v2IntervalMismatch() {
    assertDropped(RxDropReason.INTERVAL_MISMATCH, v2(100), advertV2(200, 2), PEER_HIGH);
  }

  @Test
  void v2AddressOwnerDropsEveryAdvert() {
    assertDropped(RxDropReason.ADDRESS_OWNER, v2(255), advertV2(255, 1), PEER_HIGH);
  }

  @Test
  void v3AddressOwnerProcessesAndReportsTheConflict() {
    VirtualRouter r = new VirtualRouter(v3(255).build(), rec, rec);
    r.start(T0);
    rec.take();
    r.advertisementReceived(advertV3(100, 100), PEER_HIGH, T0 + SECOND);
    assertEquals(List.of("owner conflict 10.0.0.12 100", "send 255"), rec.take());
  }

  @Test
  void v3IntervalMismatchIsNotADrop() {
    VirtualRouter r = new VirtualRouter(v3(100).build(), rec, rec);
    r.start(T0);
    r.advertisementReceived(advertV3(200, 37), PEER_HIGH, T0 + SECOND);
    assertEquals(List.of(), rec.drops);
    assertEquals(37, r.masterAdverIntervalCentis());
  }

  @Test
  void advertsAreIgnoredSilentlyBeforeStartAndInFault() {
    VirtualRouter r = new VirtualRouter(v3(100).build(), rec, rec);
    r.advertisementReceived(advertV3(200, 100), PEER_HIGH, T0);
    r.setFault(true, "interface eth0 down", T0);
    r.start(T0);
    rec.take();
    r.advertisementReceived(advertV3(0, 100), PEER_HIGH, T0 + 1);
    r.advertisementReceived(advertV3(200, 100), LOCAL, T0 + 2);
    assertEquals(List.of(), rec.take());
    assertEquals(Long.MAX_VALUE, r.nextDeadlineNanos());
  }
}
