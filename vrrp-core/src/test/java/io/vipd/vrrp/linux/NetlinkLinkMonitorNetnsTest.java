package io.vipd.vrrp.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vipd.vrrp.port.LinkState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Carrier loss and administrative down/up of node 1's interface, seen by NetlinkLinkMonitor. */
@Tag("netns")
class NetlinkLinkMonitorNetnsTest {

  private static final String IF = NetnsLan.INTERFACE;
  private static NetnsLan lan;

  @BeforeAll
  static void createLan() throws Exception {
    NetnsRequirement.require();
    lan = NetnsLan.create(203, 1);
  }

  @AfterAll
  static void removeLan() {
    if (lan != null) {
      lan.close();
    }
  }

  @Test
  void seesCarrierLossWhenThePeerEndGoesDown() throws Exception {
    try (NetlinkLinkMonitor monitor = lan.inNode(1, () -> NetlinkLinkMonitor.open(IF))) {
      assertEquals(new LinkState(IF, true), monitor.current());
      lan.ip(lan.bridgeNamespace(), "link", "set", lan.bridgePort(1), "down");
      assertEquals(new LinkState(IF, false), awaitChange(monitor));
      lan.ip(lan.bridgeNamespace(), "link", "set", lan.bridgePort(1), "up");
      assertEquals(new LinkState(IF, true), awaitChange(monitor));
      assertEquals(new LinkState(IF, true), monitor.current());
    }
  }

  @Test
  void seesAdministrativeDownAndUp() throws Exception {
    try (NetlinkLinkMonitor monitor = lan.inNode(1, () -> NetlinkLinkMonitor.open(IF))) {
      lan.ip(lan.namespace(1), "link", "set", IF, "down");
      assertEquals(new LinkState(IF, false), awaitChange(monitor));
      lan.ip(lan.namespace(1), "link", "set", IF, "up");
      assertEquals(new LinkState(IF, true), awaitChange(monitor));
    } finally {
      lan.ip(lan.namespace(1), "link", "set", IF, "up");
    }
  }

  @Test
  void startsDownWhenOpenedOnADownInterface() throws Exception {
    lan.ip(lan.bridgeNamespace(), "link", "set", lan.bridgePort(1), "down");
    try (NetlinkLinkMonitor monitor = lan.inNode(1, () -> NetlinkLinkMonitor.open(IF))) {
      assertEquals(new LinkState(IF, false), monitor.current());
    } finally {
      lan.ip(lan.bridgeNamespace(), "link", "set", lan.bridgePort(1), "up");
    }
  }

  @Test
  void unknownInterfaceIsNamed() {
    SyscallException e =
        assertThrows(
            SyscallException.class, () -> lan.inNode(1, () -> NetlinkLinkMonitor.open("nosuch0")));
    assertTrue(e.getMessage().contains("nosuch0"), e.getMessage());
  }

  /** Polls (bounded: 3 s) until the monitor reports a change. */
  private static LinkState awaitChange(NetlinkLinkMonitor monitor) throws Exception {
    for (int i = 0; i < 30; i++) {
      LinkState s = monitor.poll(100_000_000L);
      if (s != null) {
        return s;
      }
    }
    return monitor.current();
  }
}
