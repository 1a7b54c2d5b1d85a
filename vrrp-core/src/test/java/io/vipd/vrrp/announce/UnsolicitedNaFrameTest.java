package io.vipd.vrrp.announce;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class UnsolicitedNaFrameTest {

  @Test
  void reproducesKeepalivedCaptureByteForByte() throws Exception {
    List<byte[]> captured = CaptureFile.frames("na-ipv6-unsolicited.pcap");
    assertEquals(1, captured.size());
    byte[] built =
        UnsolicitedNaFrame.build(
            GratuitousArpFrameTest.MAC, (Inet6Address) InetAddress.getByName("fd77::50"));
    assertArrayEquals(captured.get(0), built, HexFormat.of().formatHex(built));
    assertEquals(UnsolicitedNaFrame.LENGTH, built.length);
  }

  @Test
  void checksumOfAnotherAddressVerifiesToZero() throws Exception {
    byte[] mac = HexFormat.of().parseHex("0a0b0c0d0e0f");
    Inet6Address vip = (Inet6Address) InetAddress.getByName("2001:db8::1:2:3");
    byte[] f = UnsolicitedNaFrame.build(mac, vip);
    byte[] src = java.util.Arrays.copyOfRange(f, 22, 38);
    byte[] dst = java.util.Arrays.copyOfRange(f, 38, 54);
    assertArrayEquals(vip.getAddress(), src);
    // Summing a message with its checksum in place yields 0 (RFC 1071).
    assertEquals(0, UnsolicitedNaFrame.icmpv6Checksum(src, dst, f, 54, 32));
    assertEquals(0x20, f[58], "only the Override flag");
  }

  @Test
  void aForwardingInterfaceSetsTheRouterFlag() throws Exception {
    byte[] mac = HexFormat.of().parseHex("0a0b0c0d0e0f");
    Inet6Address vip = (Inet6Address) InetAddress.getByName("2001:db8::1:2:3");
    byte[] f = UnsolicitedNaFrame.build(mac, vip, true);
    assertEquals((byte) 0xa0, f[58], "Router and Override");
    byte[] src = java.util.Arrays.copyOfRange(f, 22, 38);
    byte[] dst = java.util.Arrays.copyOfRange(f, 38, 54);
    assertEquals(0, UnsolicitedNaFrame.icmpv6Checksum(src, dst, f, 54, 32));
  }
}
