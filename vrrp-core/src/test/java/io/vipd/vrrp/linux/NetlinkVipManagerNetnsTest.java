package io.vipd.vrrp.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vipd.vrrp.port.VirtualAddress;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** NetlinkVipManager in a namespace, checked with iproute2. */
@Tag("netns")
class NetlinkVipManagerNetnsTest {

  private static final String IF = NetnsLan.INTERFACE;
  private static NetnsLan lan;
  private static NetlinkVipManager vips;

  @BeforeAll
  static void createLan() throws Exception {
    NetnsRequirement.require();
    lan = NetnsLan.create(201, 1);
    vips = lan.inNode(1, NetlinkVipManager::open);
  }

  @AfterAll
  static void removeLan() throws Exception {
    try {
      if (vips != null) {
        vips.close();
      }
    } finally {
      if (lan != null) {
        lan.close();
      }
    }
  }

  private static String addresses() throws Exception {
    return lan.exec(1, "ip", "-o", "addr", "show", "dev", IF).orThrow();
  }

  @Test
  void ipv4VipWithLabelIsAddedOnceAndRemovedOnce() throws Exception {
    VirtualAddress vip = new VirtualAddress(lan.spareIpv4(1), 32, IF, Optional.of("eth0:vip"));
    assertTrue(vips.add(vip), "added");
    String shown = addresses();
    assertTrue(shown.contains("inet 10.77.201.101/32 scope global eth0:vip"), shown);
    assertFalse(vips.add(vip), "adding an address already present is not an error");
    assertTrue(vips.list(IF).contains(vip), vips.list(IF).toString());

    assertTrue(vips.remove(vip), "removed");
    assertFalse(addresses().contains("10.77.201.101"), addresses());
    assertFalse(vips.remove(vip), "removing an absent address is not an error");
  }

  @Test
  void instancesRefreshingAtOnceThroughTheOneManagerEachGetTheirOwnReplies() throws Exception {
    // Two instances' runtimes refresh their VIPs on their own threads through the daemon's one
    // manager. Were its round trips interleaved, one thread would read and drop the other's
    // acknowledgement, and the other would wait out the 5 s timeout and fail.
    VirtualAddress a = new VirtualAddress(lan.spareIpv4(7), 32, IF, Optional.empty());
    VirtualAddress b = VirtualAddress.of(lan.spareIpv6(7), 128, IF);
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (VirtualAddress v : List.of(a, b)) {
      Thread t =
          new Thread(
              () -> {
                try {
                  for (int i = 0; i < 300; i++) {
                    vips.install(v, 3);
                  }
                } catch (Throwable e) {
                  failures.add(e);
                }
              },
              "refresh-" + v.address().getHostAddress());
      threads.add(t);
    }
    long start = System.nanoTime();
    threads.forEach(Thread::start);
    for (Thread t : threads) {
      t.join(60_000);
      assertFalse(t.isAlive(), t.getName() + " still refreshing after 60 s");
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertEquals(List.of(), failures, "after " + millis + " ms");
    assertTrue(vips.remove(a) & vips.remove(b), "both were installed");
  }

  @Test
  void vipsInstalledWithALifetimeStayWhileRefreshedAndExpireWhenNot() throws Exception {
    VirtualAddress v4 = new VirtualAddress(lan.spareIpv4(2), 32, IF, Optional.of("eth0:life"));
    VirtualAddress v6 = VirtualAddress.of(lan.spareIpv6(2), 128, IF);
    vips.install(v4, 2);
    vips.install(v6, 2);
    String shown = addresses();
    assertTrue(shown.contains("10.77.201.102/32") && shown.contains("dynamic"), shown);
    assertTrue(shown.contains("fd77:201::102/128"), shown);
    // Refreshing before expiry keeps them (and is not an error for an existing address).
    for (int i = 0; i < 4; i++) {
      Thread.sleep(700);
      vips.install(v4, 2);
      vips.install(v6, 2);
    }
    assertTrue(addresses().contains("10.77.201.102/32"), addresses());
    assertTrue(addresses().contains("fd77:201::102/128"), addresses());
    // Left alone, the kernel removes both by itself.
    long deadline = System.nanoTime() + 6_000_000_000L;
    while (System.nanoTime() < deadline
        && (addresses().contains("10.77.201.102/") || addresses().contains("fd77:201::102/"))) {
      Thread.sleep(100);
    }
    assertFalse(addresses().contains("10.77.201.102/"), addresses());
    assertFalse(addresses().contains("fd77:201::102/"), addresses());
  }

  @Test
  void ipv6VipIsUsableAtOnce() throws Exception {
    VirtualAddress vip = VirtualAddress.of(lan.spareIpv6(1), 64, IF);
    assertTrue(vips.add(vip));
    try {
      String shown = lan.exec(1, "ip", "-6", "-o", "addr", "show", "dev", IF).orThrow();
      String line =
          shown.lines().filter(l -> l.contains("fd77:201::101/64")).findFirst().orElse("");
      assertTrue(line.contains("nodad"), shown);
      assertFalse(line.contains("tentative"), "no duplicate address detection: " + line);
      assertFalse(vips.add(vip));
      assertTrue(vips.list(IF).contains(vip));
    } finally {
      assertTrue(vips.remove(vip));
    }
    assertFalse(addresses().contains("fd77:201::101"));
    assertFalse(vips.remove(vip));
  }

  @Test
  void ipv6VipIsDeprecatedSoTheNodeNeverPicksItAsASourceButItStaysUsable() throws Exception {
    // In the node's own /64, and closer to the peer than the node's address is: without
    // deprecation the kernel picks the VIP as the source (checked by hand while writing this).
    VirtualAddress vip = VirtualAddress.of(lan.spareIpv6(4), 64, IF);
    InetAddress peer = lan.spareIpv6(5);
    vips.install(vip, 3);
    try {
      String line = ipv6Line("fd77:201::104/64");
      assertTrue(line.contains("deprecated"), line);
      assertTrue(line.contains("preferred_lft 0sec"), line);
      assertTrue(line.contains("dynamic") && !line.contains("valid_lft forever"), line);

      String route = lan.exec(1, "ip", "-6", "route", "get", "fd77:201::105").orThrow();
      assertTrue(route.contains(" src fd77:201::11 "), route);
      assertFalse(route.contains("fd77:201::104"), route);
      // A real socket's source selection agrees (UDP connect sends nothing).
      InetAddress source =
          lan.inNode(
              1,
              () -> {
                try (DatagramSocket s = new DatagramSocket()) {
                  s.connect(peer, 9);
                  return s.getLocalAddress();
                }
              });
      assertEquals(lan.ipv6(1), source);

      // Still the node's address for traffic to it and for sockets bound to it explicitly.
      InetAddress accepted =
          lan.inNode(
              1,
              () -> {
                try (ServerSocket server = new ServerSocket()) {
                  server.bind(new InetSocketAddress(vip.address(), 0));
                  try (Socket client = new Socket()) {
                    client.bind(new InetSocketAddress(vip.address(), 0));
                    client.connect(server.getLocalSocketAddress(), 2000);
                    server.setSoTimeout(2000);
                    try (Socket in = server.accept()) {
                      return in.getInetAddress();
                    }
                  }
                }
              });
      assertEquals(vip.address(), accepted);

      // A refresh keeps it deprecated.
      vips.install(vip, 3);
      String refreshed = ipv6Line("fd77:201::104/64");
      assertTrue(refreshed.contains("deprecated"), refreshed);
    } finally {
      vips.remove(vip);
    }
  }

  @Test
  void ipv4VipInstalledWithALifetimeIsPreferredForIt() throws Exception {
    VirtualAddress vip = VirtualAddress.of(lan.spareIpv4(4), 32, IF);
    vips.install(vip, 3);
    try {
      String line =
          addresses().lines().filter(l -> l.contains("10.77.201.104/32")).findFirst().orElse("");
      assertTrue(line.contains("dynamic"), line);
      assertFalse(line.contains("deprecated") || line.contains("preferred_lft 0sec"), line);
    } finally {
      vips.remove(vip);
    }
  }

  private static String ipv6Line(String addressAndPrefix) throws Exception {
    String shown = lan.exec(1, "ip", "-6", "-o", "addr", "show", "dev", IF).orThrow();
    return shown.lines().filter(l -> l.contains(addressAndPrefix)).findFirst().orElse(shown);
  }

  @Test
  void listShowsTheNodeAddressesPrimaryFirst() throws Exception {
    VirtualAddress vip = VirtualAddress.of(lan.spareIpv4(2), 32, IF);
    vips.add(vip);
    try {
      List<VirtualAddress> all = vips.list(IF);
      VirtualAddress firstV4 =
          all.stream().filter(a -> a.address() instanceof java.net.Inet4Address).findFirst().get();
      assertEquals(VirtualAddress.of(lan.ipv4(1), 24, IF), firstV4);
      assertTrue(all.contains(VirtualAddress.of(lan.ipv6(1), 64, IF)), all.toString());
      assertTrue(all.contains(VirtualAddress.of(lan.linkLocal(1), 64, IF)), all.toString());
      assertTrue(all.contains(vip));
    } finally {
      vips.remove(vip);
    }
  }

  @Test
  void unknownInterfaceIsNamed() {
    VirtualAddress vip = VirtualAddress.of(lan.spareIpv4(3), 32, "nosuch0");
    SyscallException e = assertThrows(SyscallException.class, () -> vips.add(vip));
    assertTrue(e.getMessage().contains("nosuch0"), e.getMessage());
    assertTrue(e.getMessage().contains("No such device"), e.getMessage());
  }

  @Test
  void kernelRefusalNamesAddressAndErrno() throws Exception {
    VirtualAddress multicast = VirtualAddress.of(InetAddress.getByName("ff02::99"), 128, IF);
    SyscallException e = assertThrows(SyscallException.class, () -> vips.add(multicast));
    assertTrue(
        e.getMessage().startsWith("RTM_NEWADDR adding ff02:0:0:0:0:0:0:99/128 dev eth0: "),
        e.getMessage());
    assertTrue(e.getMessage().contains("errno " + e.errno()), e.getMessage());
  }
}
