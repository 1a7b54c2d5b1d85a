package io.vipd.daemon.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class HostCheckTest {

  private static boolean in(String net, int prefix, String address) throws Exception {
    return HostCheck.contains(
        new HostFacts.Subnet(InetAddress.getByName(net), prefix), InetAddress.getByName(address));
  }

  @Test
  void subnetMembership() throws Exception {
    assertTrue(in("10.0.0.11", 24, "10.0.0.200"));
    assertFalse(in("10.0.0.11", 24, "10.0.1.1"));
    assertTrue(in("10.0.0.11", 23, "10.0.1.1"));
    assertTrue(in("10.0.0.11", 0, "192.168.1.1"));
    assertFalse(in("10.0.0.11", 32, "10.0.0.12"));
    assertTrue(in("fd00::11", 64, "fd00::ffff"));
    assertFalse(in("fd00::11", 64, "10.0.0.11"), "families never match");
  }
}
