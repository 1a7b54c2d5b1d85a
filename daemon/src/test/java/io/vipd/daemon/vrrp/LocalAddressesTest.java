package io.vipd.daemon.vrrp;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class LocalAddressesTest {
  private static final List<String> LINES =
      List.of(
          "00000000000000000000000000000001 01 80 10 80       lo",
          "fe800000000000000000000000000001 02 40 20 80     eth0",
          "fe800000000000000000000000000002 03 40 20 c0     eth1",
          "fe800000000000000000000000000003 04 40 20 88     eth2");

  @Test
  void aPermanentAddressOnTheInterfaceIsUsable() throws Exception {
    assertTrue(LocalAddresses.usableIpv6("eth0", InetAddress.getByName("fe80::1"), LINES));
  }

  @Test
  void tentativeOrFailedAddressesAndOtherInterfacesAreNot() throws Exception {
    assertFalse(LocalAddresses.usableIpv6("eth1", InetAddress.getByName("fe80::2"), LINES));
    assertFalse(LocalAddresses.usableIpv6("eth2", InetAddress.getByName("fe80::3"), LINES));
    assertFalse(LocalAddresses.usableIpv6("eth1", InetAddress.getByName("fe80::1"), LINES));
    assertFalse(LocalAddresses.usableIpv6("eth0", InetAddress.getByName("fe80::9"), LINES));
  }
}
