package io.vipd.daemon.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class AddressesTest {

  @Test
  void virtualIpForms() {
    VirtualIp v = Addresses.virtualIp("192.168.1.100/24 dev eth1 label eth1:vip", "eth0");
    assertEquals("192.168.1.100/24", v.cidr());
    assertEquals("eth1", v.device());
    assertEquals(Optional.of("eth1:vip"), v.label());
    assertEquals("192.168.1.100/32", Addresses.virtualIp("192.168.1.100", "eth0").cidr());
    assertEquals("fd00::1/128", Addresses.virtualIp("fd00::1", "eth0").cidr());
    assertEquals("eth0", Addresses.virtualIp("fd00::1/64", "eth0").device());
    assertThrows(
        IllegalArgumentException.class, () -> Addresses.virtualIp("10.0.0.1 label x", "eth0"));
    assertThrows(
        IllegalArgumentException.class, () -> Addresses.virtualIp("fd00::1 label eth0:a", "eth0"));
    assertThrows(
        IllegalArgumentException.class, () -> Addresses.virtualIp("10.0.0.1 brd 1.2.3.4", "eth0"));
    assertThrows(IllegalArgumentException.class, () -> Addresses.virtualIp("fd00::1/129", "eth0"));
  }

  @Test
  void hostPorts() {
    assertEquals(new HostPort("fd00::1", 6443), Addresses.hostPort("[fd00::1]:6443", false, 1));
    assertEquals("[fd00::1]:6443", Addresses.hostPort("[fd00::1]:6443", false, 1).toString());
    assertEquals(
        new HostPort("cp1.example", 6443), Addresses.hostPort("cp1.example:6443", true, 1));
    assertEquals(new HostPort("127.0.0.1", 0), Addresses.hostPort("127.0.0.1:0", false, 0));
    assertThrows(IllegalArgumentException.class, () -> Addresses.hostPort("127.0.0.1:0", false, 1));
    assertThrows(
        IllegalArgumentException.class, () -> Addresses.hostPort("fd00::1:6443", false, 1));
    assertThrows(
        IllegalArgumentException.class, () -> Addresses.hostPort("cp1.example:6443", false, 1));
    assertThrows(IllegalArgumentException.class, () -> Addresses.hostPort("bad_host:1", true, 1));
  }

  @Test
  void ipv6IsCompressed() {
    assertEquals("fd00::2", Addresses.format(Addresses.ipLiteral("fd00:0:0:0:0:0:0:2")));
    assertEquals("::", Addresses.format(Addresses.ipLiteral("::")));
    assertEquals("1:0:2::3", Addresses.format(Addresses.ipLiteral("1:0:2:0:0:0:0:3")));
    assertThrows(IllegalArgumentException.class, () -> Addresses.ipLiteral("not-an-ip:x"));
    assertThrows(IllegalArgumentException.class, () -> Addresses.ipLiteral("1.2.3"));
  }
}
