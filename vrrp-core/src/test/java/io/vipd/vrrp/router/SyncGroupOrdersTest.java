package io.vipd.vrrp.router;

import static io.vipd.vrrp.router.Fixtures.PEER_HIGH;
import static io.vipd.vrrp.router.Fixtures.SECOND;
import static io.vipd.vrrp.router.Fixtures.advertV3;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import org.junit.jupiter.api.Test;

/**
 * The group's orders as the runtime runs them: queued on each member's thread and carried out
 * later, here by hand, so that a member can change state again before the others take an order.
 */
class SyncGroupOrdersTest {

  private final SyncGroup group = new SyncGroup("G");

  /** A member whose orders wait in {@link #orders} until {@link #runOrders}. */
  private final class Member {
    final Recorder recorder = new Recorder();
    final VirtualRouter router;
    final Queue<SyncGroup.Order> orders = new ArrayDeque<>();
    final SyncGroup.Seat seat;

    Member(String name, boolean initialMaster) {
      router =
          new VirtualRouter(
              VirtualRouterConfig.builder(name, Fixtures.VRID, Fixtures.LOCAL)
                  .priority(100)
                  .virtualAddresses(List.of(Fixtures.VIP))
                  .initialMaster(initialMaster)
                  .build(),
              recorder,
              recorder);
      seat = group.join(name, orders::add);
      router.joinSyncGroup(seat);
    }

    void runOrders(long now) {
      for (SyncGroup.Order o; (o = orders.poll()) != null; ) {
        o.apply(router, now);
      }
    }
  }

  @Test
  void ordersFromAMasterThatHasAlreadyLeftMasterAreNotCarriedOutNorGivenBack() {
    Member a = new Member("A", true);
    Member b = new Member("B", false);
    b.router.start(0);
    a.router.start(0); // MASTER at once: orders B to MASTER
    // before B takes the order, A hears a better master and goes back to BACKUP
    a.router.advertisementReceived(advertV3(200, 100), PEER_HIGH, SECOND / 100);
    assertEquals(VrrpState.BACKUP, a.router.state());
    assertEquals(2, b.orders.size(), "to MASTER, then out of it");

    b.runOrders(SECOND / 50);
    assertEquals(VrrpState.BACKUP, b.router.state(), b.recorder.transitions.toString());
    assertEquals(1, b.recorder.transitions.size(), "startup only: " + b.recorder.transitions);
    assertTrue(a.orders.isEmpty(), "nothing given back to A: " + a.orders.size());
  }

  @Test
  void aMemberLeavingTheGroupAsMasterTakesTheOthersOutOfMaster() {
    Member a = new Member("A", true);
    Member b = new Member("B", false);
    b.router.start(0);
    a.router.start(0);
    b.runOrders(1);
    assertEquals(List.of(VrrpState.MASTER, VrrpState.MASTER), states(a, b));

    // A's runtime failed: it removed its addresses and left, with no transition
    a.seat.leave();
    b.runOrders(2);
    assertEquals(VrrpState.BACKUP, b.router.state());
    assertEquals(
        "sync group G: A stopped while MASTER",
        b.recorder.transitions.get(b.recorder.transitions.size() - 1).reason());
    assertTrue(b.recorder.take().contains("send 0"), "resigned with priority 0");
  }

  @Test
  void aMemberShuttingDownAsMasterTakesTheOthersOutOfMasterToo() {
    Member a = new Member("A", true);
    Member b = new Member("B", false);
    b.router.start(0);
    a.router.start(0);
    b.runOrders(1);
    a.router.shutdown(2);
    b.runOrders(3);
    assertEquals(VrrpState.BACKUP, b.router.state());
    assertEquals(
        "sync group G: A left MASTER",
        b.recorder.transitions.get(b.recorder.transitions.size() - 1).reason());
  }

  private static List<VrrpState> states(Member... ms) {
    return java.util.Arrays.stream(ms).map(m -> m.router.state()).toList();
  }
}
