package io.vipd.vrrp.router;

import static io.vipd.vrrp.router.Fixtures.LOCAL;
import static io.vipd.vrrp.router.Fixtures.VIP;
import static io.vipd.vrrp.router.Fixtures.ip;
import static io.vipd.vrrp.router.Fixtures.v2;
import static io.vipd.vrrp.router.Fixtures.v3;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vipd.vrrp.packet.VrrpVersion;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class VirtualRouterConfigTest {

  @Test
  void defaultsFollowTheRfcAndKeepalived() {
    VirtualRouterConfig c = v3(100).build();
    assertEquals(VrrpVersion.V3, c.version());
    assertEquals(100, c.advertIntervalCentis());
    assertTrue(c.preempt());
    assertEquals(0, c.preemptDelayNanos());
    assertFalse(c.initialMaster());
    assertTrue(c.advertOnLowerPriority());
    assertFalse(c.isUnicast());
    assertFalse(c.isAddressOwner());
    assertEquals(0, c.authData().length, "v3 has no auth data");
    assertArrayEquals(new byte[8], v2(100).build().authData(), "v2 NONE carries 8 zero bytes");
  }

  @Test
  void passwordIsPaddedAndNeverPrinted() {
    VirtualRouterConfig c = v2(100).password("hunter2".getBytes(StandardCharsets.US_ASCII)).build();
    assertArrayEquals(new byte[] {'h', 'u', 'n', 't', 'e', 'r', '2', 0}, c.authData());
    assertFalse(c.toString().contains("hunter2"));
    c.authData()[0] = 'X';
    assertEquals('h', c.authData()[0], "authData is a defensive copy");
  }

  @Test
  void rejectsOutOfRangeNumbers() {
    assertRejected("virtualRouterId", () -> VirtualRouterConfig.builder("VI_1", 0, LOCAL));
    assertRejected("virtualRouterId", () -> VirtualRouterConfig.builder("VI_1", 256, LOCAL));
    assertRejected("priority", () -> v3(0));
    assertRejected("priority", () -> v3(256));
    assertRejected("advertIntervalCentis", () -> v3(100).advertIntervalCentis(0));
    assertRejected("advertIntervalCentis", () -> v3(100).advertIntervalCentis(4096));
    assertRejected("advertIntervalCentis", () -> v2(100).advertIntervalCentis(150));
    assertRejected("advertIntervalCentis", () -> v2(100).advertIntervalCentis(25600));
    assertRejected("preemptDelayNanos", () -> v3(100).preemptDelayNanos(-1));
    assertRejected("preemptDelayNanos", () -> v3(100).preemptDelayNanos(1001 * Fixtures.SECOND));
  }

  @Test
  void rejectsInconsistentAddresses() {
    assertRejected("virtualAddresses", () -> v3(100).virtualAddresses(List.of()));
    assertRejected("family", () -> v3(100).virtualAddresses(List.of(ip("fd00::1"))));
    assertRejected("duplicate", () -> v3(100).virtualAddresses(List.of(VIP, VIP)));
    assertRejected("primaryAddress", () -> v3(100).unicastPeers(List.of(LOCAL)));
    assertRejected(
        "IPv4 only",
        () ->
            VirtualRouterConfig.builder("VI_6", 51, ip("fe80::1"))
                .version(VrrpVersion.V2)
                .virtualAddresses(List.of(ip("fe80::100"))));
    assertRejected(
        "primaryAddress",
        () -> VirtualRouterConfig.builder("VI_1", 51, null).virtualAddresses(List.of(VIP)));
    assertRejected(
        "name", () -> VirtualRouterConfig.builder(" ", 51, LOCAL).virtualAddresses(List.of(VIP)));
  }

  @Test
  void rejectsBadAuthentication() {
    assertRejected("VRRPv2", () -> v3(100).password(new byte[] {'a'}));
    assertRejected("1..8", () -> v2(100).password(new byte[9]));
    assertRejected("1..8", () -> v2(100).password(new byte[0]));
  }

  @Test
  void acceptsIpv6ForV3AndUnicastPeers() {
    VirtualRouterConfig c =
        VirtualRouterConfig.builder("VI_6", 7, ip("fe80::11"))
            .virtualAddresses(List.of(ip("fe80::100"), ip("2001:db8::100")))
            .unicastPeers(List.of(ip("fe80::12")))
            .build();
    assertTrue(c.isUnicast());
  }

  private static void assertRejected(String messagePart, Supplier<VirtualRouterConfig.Builder> b) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> b.get().build());
    assertTrue(
        e.getMessage().contains(messagePart),
        () -> "message '" + e.getMessage() + "' should mention " + messagePart);
  }
}
