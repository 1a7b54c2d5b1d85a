package io.vipd.daemon.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HaproxyAddressTest {

  private static String bind(String s) {
    return HaproxyAddress.parse(s, true).address().orElseThrow().text();
  }

  @Test
  void bindWildcardsBecomeAnyAddress() {
    assertEquals("0.0.0.0:6443", bind("*:6443"));
    assertEquals("0.0.0.0:8443", bind(":8443"));
    assertEquals("[::]:8443", bind(":::8443"));
    assertEquals("[::]:8443", bind("[::]:8443"));
    assertEquals("10.0.0.1:443", bind("ipv4@10.0.0.1:443"));
    assertEquals("0.0.0.0:443", bind("ipv4@:443"));
    assertEquals("[::]:443", bind("ipv6@:443"), "haproxy's wildcard after ipv6@ is the IPv6 one");
    assertEquals("[::]:443", bind("ipv6@*:443"));
  }

  @Test
  void serverAddressesNeedHostAndSinglePort() {
    assertEquals(
        "cp1.example:6443",
        HaproxyAddress.parse("cp1.example:6443", false).address().orElseThrow().text());
    assertEquals(
        "[fd00::1]:6443",
        HaproxyAddress.parse("fd00::1:6443", false).address().orElseThrow().text());
    assertTrue(HaproxyAddress.parse("10.0.0.1", false).problem().startsWith("no port"));
    assertTrue(HaproxyAddress.parse("*:6443", false).problem().equals("no host"));
    assertTrue(HaproxyAddress.parse("10.0.0.1:8000-8010", false).problem().contains("ranges"));
    assertTrue(HaproxyAddress.parse("/run/sock", false).problem().contains("TCP"));
  }
}
