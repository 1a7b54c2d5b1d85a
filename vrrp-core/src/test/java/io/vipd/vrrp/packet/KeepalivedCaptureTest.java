package io.vipd.vrrp.packet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The codec against real adverts captured from keepalived 2.2.7 (copies of {@code
 * /work/shared/captures/*.pcap} in {@code src/test/resources/captures}). Expected fields come from
 * the tshark decodes and the checksum analysis ({@code *.txt}, {@code checksums.txt}) beside the
 * originals.
 */
class KeepalivedCaptureTest {

  /** One capture and what Wireshark / the checksum analysis say it holds. */
  record Expected(
      String file,
      String source,
      String destination,
      VrrpAdvertisement adv,
      ChecksumForm form,
      Ipv4ChecksumMode sendMode) {
    @Override
    public String toString() {
      return file;
    }
  }

  static Stream<Arguments> captures() throws Exception {
    InetAddress vip4 = InetAddress.getByName("10.77.0.50");
    VrrpAdvertisement v3 = VrrpAdvertisement.v3(51, 101, 100, List.of(vip4));
    byte[] secret = "secret".getBytes(StandardCharsets.US_ASCII);
    return Stream.of(
            new Expected(
                "vrrpv2-ipv4.pcap",
                "10.77.0.11",
                "224.0.0.18",
                VrrpAdvertisement.v2(51, 101, 1, List.of(vip4), 0, new byte[0]),
                ChecksumForm.MESSAGE_ONLY,
                Ipv4ChecksumMode.PSEUDO_HEADER),
            new Expected(
                "vrrpv2-ipv4-auth-pass.pcap",
                "10.77.0.11",
                "224.0.0.18",
                VrrpAdvertisement.v2(
                    51, 101, 1, List.of(vip4), VrrpAdvertisement.AUTH_PASS, secret),
                ChecksumForm.MESSAGE_ONLY,
                Ipv4ChecksumMode.PSEUDO_HEADER),
            new Expected(
                "vrrpv3-ipv4.pcap",
                "10.77.0.11",
                "224.0.0.18",
                v3,
                ChecksumForm.IPV4_PSEUDO_HEADER,
                Ipv4ChecksumMode.PSEUDO_HEADER),
            new Expected(
                "vrrpv3-ipv4-prio0.pcap",
                "10.77.0.11",
                "224.0.0.18",
                VrrpAdvertisement.v3(51, 0, 100, List.of(vip4)),
                ChecksumForm.IPV4_PSEUDO_HEADER,
                Ipv4ChecksumMode.PSEUDO_HEADER),
            new Expected(
                "vrrpv3-ipv4-unicast.pcap",
                "10.77.0.11",
                "10.77.0.12",
                v3,
                ChecksumForm.IPV4_PSEUDO_HEADER,
                Ipv4ChecksumMode.PSEUDO_HEADER),
            new Expected(
                "vrrpv3-ipv4-unicast-oldcsum.pcap",
                "10.77.0.11",
                "10.77.0.12",
                v3,
                ChecksumForm.IPV4_PSEUDO_HEADER_GROUP_DESTINATION,
                Ipv4ChecksumMode.PSEUDO_HEADER_GROUP_DESTINATION),
            new Expected(
                "vrrpv3-ipv6.pcap",
                "fe80::77:ff:fe00:11",
                "ff02::12",
                VrrpAdvertisement.v3(51, 101, 100, List.of(InetAddress.getByName("fd77::50"))),
                ChecksumForm.IPV6_PSEUDO_HEADER,
                Ipv4ChecksumMode.PSEUDO_HEADER))
        .map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("captures")
  void decodesTheCapturedAdvert(Expected expected) throws Exception {
    PcapReader.IpPacket packet = onlyVrrpPacket(expected.file());
    assertEquals(InetAddress.getByName(expected.source()), packet.ip().source());
    assertEquals(InetAddress.getByName(expected.destination()), packet.ip().destination());
    assertEquals(255, packet.ip().ttl());

    DecodeResult result = VrrpPacketCodec.decode(packet.payload(), packet.ip());

    DecodeResult.Decoded decoded = assertInstanceOf(DecodeResult.Decoded.class, result);
    assertEquals(expected.adv(), decoded.adv());
    assertEquals(expected.form(), decoded.form());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("captures")
  void reEncodesByteForByte(Expected expected) {
    PcapReader.IpPacket packet = onlyVrrpPacket(expected.file());
    DecodeResult.Decoded decoded =
        assertInstanceOf(
            DecodeResult.Decoded.class, VrrpPacketCodec.decode(packet.payload(), packet.ip()));

    byte[] encoded =
        VrrpPacketCodec.encode(
            decoded.adv(), packet.ip().source(), packet.ip().destination(), expected.sendMode());

    assertArrayEquals(packet.payload(), encoded);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("captures")
  void encodesTheExpectedAdvertFromScratch(Expected expected) throws Exception {
    PcapReader.IpPacket packet = onlyVrrpPacket(expected.file());
    byte[] encoded =
        VrrpPacketCodec.encode(
            expected.adv(),
            InetAddress.getByName(expected.source()),
            InetAddress.getByName(expected.destination()),
            expected.sendMode());
    assertArrayEquals(packet.payload(), encoded);
  }

  /**
   * checksums.txt computed every IPv4 v3 form independently (lib/vrrpcsum.py): the advert 51/101/1
   * s/10.77.0.50 from 10.77.0.11 has plain 0x5ee8, pseudo-header to 10.77.0.12 0x49bb, and
   * pseudo-header to 224.0.0.18 0x7401.
   */
  @ParameterizedTest(name = "{0} to {1} -> {2}")
  @MethodSource("independentChecksums")
  void everyIpv4ModeMatchesTheIndependentChecksum(
      Ipv4ChecksumMode mode, String destination, int checksum, ChecksumForm form) throws Exception {
    InetAddress source = InetAddress.getByName("10.77.0.11");
    InetAddress dst = InetAddress.getByName(destination);
    VrrpAdvertisement adv =
        VrrpAdvertisement.v3(51, 101, 100, List.of(InetAddress.getByName("10.77.0.50")));

    byte[] encoded = VrrpPacketCodec.encode(adv, source, dst, mode);

    assertEquals(checksum, ((encoded[6] & 0xFF) << 8) | (encoded[7] & 0xFF));
    DecodeResult.Decoded decoded =
        assertInstanceOf(
            DecodeResult.Decoded.class,
            VrrpPacketCodec.decode(encoded, new IpHeaderInfo(source, dst, 255)));
    assertEquals(form, decoded.form());
    assertEquals(adv, decoded.adv());
  }

  static Stream<Arguments> independentChecksums() {
    return Stream.of(
        Arguments.of(
            Ipv4ChecksumMode.MESSAGE_ONLY, "224.0.0.18", 0x5ee8, ChecksumForm.MESSAGE_ONLY),
        Arguments.of(
            Ipv4ChecksumMode.MESSAGE_ONLY, "10.77.0.12", 0x5ee8, ChecksumForm.MESSAGE_ONLY),
        Arguments.of(
            Ipv4ChecksumMode.PSEUDO_HEADER, "224.0.0.18", 0x7401, ChecksumForm.IPV4_PSEUDO_HEADER),
        Arguments.of(
            Ipv4ChecksumMode.PSEUDO_HEADER, "10.77.0.12", 0x49bb, ChecksumForm.IPV4_PSEUDO_HEADER),
        Arguments.of(
            Ipv4ChecksumMode.PSEUDO_HEADER_GROUP_DESTINATION,
            "10.77.0.12",
            0x7401,
            ChecksumForm.IPV4_PSEUDO_HEADER_GROUP_DESTINATION),
        Arguments.of(
            Ipv4ChecksumMode.PSEUDO_HEADER_GROUP_DESTINATION,
            "224.0.0.18",
            0x7401,
            ChecksumForm.IPV4_PSEUDO_HEADER));
  }

  static PcapReader.IpPacket onlyVrrpPacket(String file) {
    List<PcapReader.IpPacket> packets = PcapReader.readResource("captures/" + file);
    assertEquals(1, packets.size(), file + " holds one frame");
    PcapReader.IpPacket packet = packets.get(0);
    assertEquals(VrrpPacketCodec.IP_PROTOCOL, packet.protocol(), "IP protocol of " + file);
    return packet;
  }
}
