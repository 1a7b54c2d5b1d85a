package io.vipd.vrrp.sim;

import static io.vipd.vrrp.sim.SyncGroupFixtures.member;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vipd.vrrp.packet.VrrpVersion;
import io.vipd.vrrp.router.SyncGroup;
import io.vipd.vrrp.router.Transition;
import io.vipd.vrrp.router.VrrpState;
import io.vipd.vrrp.router.VrrpTimers;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Sync groups (keepalived's {@code vrrp_sync_group}) on the simulated LAN: two hosts, each running
 * two instances (VRIDs 51 and 52, as a dual-stack cluster runs one per family) seated in one group
 * per host. Every link delivers after exactly {@link #LINK_DELAY}.
 */
class SyncGroupScenariosTest {

  private static final long MS = 1_000_000L;
  private static final long SECOND = 1_000 * MS;
  private static final long LINK_DELAY = 1 * MS;

  private final SimulatedLan lan = new SimulatedLan(7, 1_000_000).tracing(true);

  private record Host(SimNode a, SimNode b) {
    List<VrrpState> states() {
      return List.of(a.state(), b.state());
    }
  }

  private Host host(String address, int priorityA, int priorityB, boolean grouped) {
    SimNode a = lan.add(member("VI_A", 51, address, priorityA, "10.0.0.100"));
    SimNode b = lan.add(member("VI_B", 52, address, priorityB, "10.0.0.101"));
    if (grouped) {
      SyncGroup group = new SyncGroup("G" + address);
      a.joinSyncGroup(group);
      b.joinSyncGroup(group);
    }
    return new Host(a, b);
  }

  /** Host 1 (priority 200) masters both instances; host 2 (100) backs both up. */
  private Host[] settled(boolean grouped) {
    Host[] hosts = started(grouped, 100, 100);
    Host one = hosts[0];
    Host two = hosts[1];
    assertEquals(List.of(VrrpState.MASTER, VrrpState.MASTER), one.states(), lan.trace());
    assertEquals(List.of(VrrpState.BACKUP, VrrpState.BACKUP), two.states(), lan.trace());
    return hosts;
  }

  /** Both hosts started at 0 and run for 20 s; host 1 has priority 200 in both instances. */
  private Host[] started(boolean grouped, int priorityTwoA, int priorityTwoB) {
    lan.setConditions(LinkConditions.fixedDelay(LINK_DELAY));
    Host one = host("10.0.0.1", 200, 200, grouped);
    Host two = host("10.0.0.2", priorityTwoA, priorityTwoB, grouped);
    for (SimNode n : lan.nodes()) {
      lan.at(0, n::start);
    }
    lan.runUntil(20 * SECOND);
    return new Host[] {one, two};
  }

  @Test
  void aFaultInOneMemberMovesTheWholeGroup() {
    Host[] hosts = settled(true);
    Host one = hosts[0];
    Host two = hosts[1];
    long fault = 20 * SECOND + 100 * MS;
    lan.at(fault, () -> one.b().setFault(true));
    lan.runUntil(30 * SECOND);

    assertEquals(List.of(VrrpState.FAULT, VrrpState.FAULT), one.states(), lan.trace());
    assertEquals(
        "fault: sync group G10.0.0.1: VI_B in fault (interface eth0 down)", last(one.a()).reason());
    assertEquals(fault, last(one.a()).atNanos(), "the order runs at once");
    assertFalse(one.a().holdsAddresses());
    // both resigned with priority 0: host 2 takes each after its Skew_Time
    long skew = VrrpTimers.skewTimeNanos(VrrpVersion.V3, 100, 100);
    assertEquals(List.of(VrrpState.MASTER, VrrpState.MASTER), two.states(), lan.trace());
    assertEquals(fault + LINK_DELAY + skew, last(two.a()).atNanos());
    assertEquals(fault + LINK_DELAY + skew, last(two.b()).atNanos());
  }

  @Test
  void withoutAGroupTheFaultMovesOnlyItsOwnInstance() {
    Host[] hosts = settled(false);
    lan.at(20 * SECOND + 100 * MS, () -> hosts[0].b().setFault(true));
    lan.runUntil(30 * SECOND);
    assertEquals(List.of(VrrpState.MASTER, VrrpState.FAULT), hosts[0].states());
    assertEquals(List.of(VrrpState.BACKUP, VrrpState.MASTER), hosts[1].states());
  }

  @Test
  void theGroupLeavesFaultOnlyWhenNoMemberHasOne() {
    Host[] hosts = settled(true);
    Host one = hosts[0];
    lan.at(20 * SECOND, () -> one.a().setFault(true));
    lan.at(21 * SECOND, () -> one.b().setFault(true));
    lan.at(22 * SECOND, () -> one.a().setFault(false));
    lan.runUntil(25 * SECOND);
    assertEquals(List.of(VrrpState.FAULT, VrrpState.FAULT), one.states(), lan.trace());

    long cleared = 25 * SECOND + 500 * MS;
    lan.at(cleared, () -> one.b().setFault(false));
    lan.runUntil(26 * SECOND);
    assertEquals(List.of(VrrpState.BACKUP, VrrpState.BACKUP), one.states(), lan.trace());
    assertEquals(cleared, last(one.a()).atNanos());
    assertEquals("fault cleared: sync group G10.0.0.1 has none", last(one.a()).reason());

    // host 1 preempts again, both instances together
    lan.runUntil(40 * SECOND);
    assertEquals(List.of(VrrpState.MASTER, VrrpState.MASTER), one.states(), lan.trace());
    assertEquals(List.of(VrrpState.BACKUP, VrrpState.BACKUP), hosts[1].states());
  }

  @Test
  void aMemberTimingOutFirstWaitsForTheLastOneAndTheyBecomeMasterTogether() {
    // unequal priorities: VI_A's Skew_Time (prio 100) ends before VI_B's (prio 50)
    Host[] hosts = started(true, 100, 50);
    Host one = hosts[0];
    Host two = hosts[1];
    long stop = 20 * SECOND + 123 * MS;
    lan.at(stop, one.a()::shutdown);
    lan.at(stop, one.b()::shutdown);
    lan.runUntil(30 * SECOND);

    long skewB = VrrpTimers.skewTimeNanos(VrrpVersion.V3, 50, 100);
    assertEquals(List.of(VrrpState.MASTER, VrrpState.MASTER), two.states(), lan.trace());
    assertEquals(stop + LINK_DELAY + skewB, last(two.b()).atNanos());
    assertEquals("priority 0 advertisement from 10.0.0.1", last(two.b()).reason());
    assertEquals(stop + LINK_DELAY + skewB, last(two.a()).atNanos(), "not at its own, earlier");
    assertEquals("sync group G10.0.0.2: VI_B became MASTER", last(two.a()).reason());
    assertEquals(1, two.a().transitions().stream().filter(this::toMaster).count());
  }

  @Test
  void maintenanceOfOneMemberHandsOverTheWholeGroupAndItStaysHandedOver() {
    Host[] hosts = settled(true);
    Host one = hosts[0];
    Host two = hosts[1];
    long handover = 20 * SECOND + 100 * MS;
    lan.at(handover, () -> one.a().router().setMaintenance(true, lan.now()));
    lan.runUntil(40 * SECOND);

    assertEquals(List.of(VrrpState.BACKUP, VrrpState.BACKUP), one.states(), lan.trace());
    assertEquals("sync group G10.0.0.1: VI_A left MASTER", last(one.b()).reason());
    assertEquals(List.of(VrrpState.MASTER, VrrpState.MASTER), two.states(), lan.trace());
    long skew = VrrpTimers.skewTimeNanos(VrrpVersion.V3, 100, 100);
    assertEquals(handover + LINK_DELAY + skew, last(two.b()).atNanos());
    // host 1's VI_B outranks host 2's and preempts, but its timer runs out while VI_A, in
    // maintenance, does not want MASTER: it stays BACKUP rather than split the group
    assertEquals(1, one.b().transitions().stream().filter(this::toMaster).count());
  }

  @Test
  void aMemberInFaultAtStartHoldsTheOthersInFaultFromTheStart() {
    lan.setConditions(LinkConditions.fixedDelay(LINK_DELAY));
    Host one = host("10.0.0.1", 200, 200, true);
    lan.at(0, () -> one.b().setFault(true));
    lan.at(0, one.a()::start);
    lan.at(0, one.b()::start);
    lan.runUntil(10 * SECOND);
    assertEquals(List.of(VrrpState.FAULT, VrrpState.FAULT), one.states(), lan.trace());
    assertEquals(1, one.a().transitions().size(), "straight to FAULT, never MASTER or BACKUP");
    assertTrue(one.a().advertsSent() == 0);
  }

  private boolean toMaster(Transition t) {
    return t.to() == VrrpState.MASTER;
  }

  private static Transition last(SimNode node) {
    List<Transition> ts = node.transitions();
    return ts.get(ts.size() - 1);
  }
}
