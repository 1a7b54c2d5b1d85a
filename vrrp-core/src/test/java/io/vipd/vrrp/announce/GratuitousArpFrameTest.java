package io.vipd.vrrp.announce;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class GratuitousArpFrameTest {

  static final byte[] MAC = HexFormat.ofDelimiter(":").parseHex("02:77:00:00:00:11");

  @Test
  void reproducesKeepalivedCaptureByteForByte() throws Exception {
    List<byte[]> captured = CaptureFile.frames("garp-ipv4.pcap");
    assertEquals(1, captured.size());
    byte[] built =
        GratuitousArpFrame.build(MAC, (Inet4Address) InetAddress.getByName("10.77.0.50"));
    assertArrayEquals(captured.get(0), built, HexFormat.of().formatHex(built));
    assertEquals(GratuitousArpFrame.LENGTH, built.length);
  }

  @Test
  void otherAddressAndMacLandInBothSenderAndTargetFields() throws Exception {
    byte[] mac = HexFormat.of().parseHex("0a0b0c0d0e0f");
    byte[] f = GratuitousArpFrame.build(mac, (Inet4Address) InetAddress.getByName("192.0.2.7"));
    byte[] ip = {(byte) 192, 0, 2, 7};
    assertArrayEquals(mac, java.util.Arrays.copyOfRange(f, 6, 12), "ethernet source");
    assertArrayEquals(mac, java.util.Arrays.copyOfRange(f, 22, 28), "ARP sender MAC");
    assertArrayEquals(ip, java.util.Arrays.copyOfRange(f, 28, 32), "ARP sender IP");
    assertArrayEquals(ip, java.util.Arrays.copyOfRange(f, 38, 42), "ARP target IP");
  }

  @Test
  void rejectsMacOfWrongLength() throws Exception {
    Inet4Address ip = (Inet4Address) InetAddress.getByName("10.77.0.50");
    assertThrows(IllegalArgumentException.class, () -> GratuitousArpFrame.build(new byte[5], ip));
  }
}
