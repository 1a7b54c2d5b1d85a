package io.vipd.vrrp.router;

import static io.vipd.vrrp.router.Fixtures.LOCAL;
import static io.vipd.vrrp.router.Fixtures.PEER_HIGH;
import static io.vipd.vrrp.router.Fixtures.SECOND;
import static io.vipd.vrrp.router.Fixtures.VIP;
import static io.vipd.vrrp.router.Fixtures.VRID;
import static io.vipd.vrrp.router.Fixtures.advertV3;
import static io.vipd.vrrp.router.Fixtures.v3;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A router whose interface came back with another address takes it in FAULT ({@link
 * VirtualRouter#readdress}): the new address is then its own (its adverts' source, the tie-breaker
 * between equal priorities, the source of its own adverts looped back). Injected clock.
 */
class VirtualRouterReaddressTest {

  private static final long T0 = 5 * SECOND;

  /** Above PEER_HIGH (10.0.0.12), where LOCAL (10.0.0.11) is below it. */
  private static final InetAddress NEW = Fixtures.ip("10.0.0.13");

  private final Recorder rec = new Recorder();

  private VirtualRouter faultedMaster() {
    VirtualRouter r = new VirtualRouter(v3(100).initialMaster(true).build(), rec, rec);
    r.start(T0);
    r.setFault(true, "interface eth0 down", T0 + 1);
    assertEquals(VrrpState.FAULT, r.state());
    rec.take();
    return r;
  }

  private static VirtualRouterConfig.Builder at(InetAddress primary) {
    return VirtualRouterConfig.builder("VI_1", VRID, primary)
        .priority(100)
        .virtualAddresses(List.of(VIP));
  }

  @Test
  void theNewAddressBreaksEqualPriorityTiesOnceTheFaultClears() {
    VirtualRouter r = faultedMaster();
    r.readdress(at(NEW).build(), T0 + 2);
    assertEquals(VrrpState.FAULT, r.state(), "still out of the protocol");
    assertEquals(List.of(), rec.take(), "nothing sent, no state change");

    r.setFault(false, "interface eth0 created again", T0 + 3);
    assertEquals(VrrpState.BACKUP, r.state());
    r.timerFired(r.nextDeadlineNanos());
    assertEquals(VrrpState.MASTER, r.state());
    rec.take();
    // 10.0.0.12 at equal priority: below 10.0.0.13, so answered as a lower advert. Under the old
    // address (10.0.0.11) the same advert would have won (VirtualRouterTest).
    r.advertisementReceived(advertV3(100, 100), PEER_HIGH, r.nextDeadlineNanos() - 1);
    assertEquals(VrrpState.MASTER, r.state());
  }

  @Test
  void itsOwnAdvertsAreKnownByTheNewAddress() {
    VirtualRouter r = faultedMaster();
    r.readdress(at(NEW).build(), T0 + 2);
    r.setFault(false, "interface eth0 created again", T0 + 3);
    rec.take();
    r.advertisementReceived(advertV3(100, 100), NEW, T0 + 4);
    assertEquals(List.of("drop OWN_ADVERTISEMENT"), rec.take());
    r.advertisementReceived(advertV3(100, 100), LOCAL, T0 + 5);
    assertEquals(List.of(), rec.take(), "the old address is a peer's now: its advert is heard");
  }

  @Test
  void onlyARouterInFaultTakesANewAddress() {
    VirtualRouter r = new VirtualRouter(v3(100).initialMaster(true).build(), rec, rec);
    r.start(T0);
    assertThrows(IllegalStateException.class, () -> r.readdress(at(NEW).build(), T0 + 1));
    assertEquals(VrrpState.MASTER, r.state());
  }

  @Test
  void anotherRouterIsRefused() {
    VirtualRouter r = faultedMaster();
    VirtualRouterConfig otherVrid =
        VirtualRouterConfig.builder("VI_1", VRID + 1, NEW)
            .priority(100)
            .virtualAddresses(List.of(VIP))
            .build();
    assertThrows(IllegalArgumentException.class, () -> r.readdress(otherVrid, T0 + 2));
  }
}
