package io.vipd.vrrp.packet;

import static io.vipd.vrrp.packet.TestPackets.GROUP4;
import static io.vipd.vrrp.packet.TestPackets.GROUP6;
import static io.vipd.vrrp.packet.TestPackets.MULTICAST4;
import static io.vipd.vrrp.packet.TestPackets.MULTICAST6;
import static io.vipd.vrrp.packet.TestPackets.PEER4;
import static io.vipd.vrrp.packet.TestPackets.SRC4;
import static io.vipd.vrrp.packet.TestPackets.SRC6;
import static io.vipd.vrrp.packet.TestPackets.UNICAST4;
import static io.vipd.vrrp.packet.TestPackets.VIP4;
import static io.vipd.vrrp.packet.TestPackets.VIP6;
import static io.vipd.vrrp.packet.TestPackets.address;
import static io.vipd.vrrp.packet.TestPackets.checksummed;
import static io.vipd.vrrp.packet.TestPackets.truncated;
import static io.vipd.vrrp.packet.TestPackets.validV2;
import static io.vipd.vrrp.packet.TestPackets.validV3;
import static io.vipd.vrrp.packet.TestPackets.validV6;
import static io.vipd.vrrp.packet.TestPackets.with;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class VrrpPacketCodecTest {

  // ---------------------------------------------------------------- round trips

  record RoundTrip(
      String name,
      VrrpAdvertisement adv,
      IpHeaderInfo ip,
      Ipv4ChecksumMode mode,
      ChecksumForm form) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<RoundTrip> roundTrips() {
    List<InetAddress> many4 = new ArrayList<>();
    List<InetAddress> many6 = new ArrayList<>();
    for (int i = 0; i < 255; i++) {
      many4.add(address("10.1." + i + ".7"));
      many6.add(address("fd00::" + Integer.toHexString(i + 1)));
    }
    byte[] pass = "hunter2!".getBytes(StandardCharsets.US_ASCII);
    Ipv4ChecksumMode pseudo = Ipv4ChecksumMode.PSEUDO_HEADER;
    return Stream.of(
        new RoundTrip(
            "v2 255 addresses, 255 s, owner",
            VrrpAdvertisement.v2(255, 255, 255, many4, 0, new byte[0]),
            MULTICAST4,
            pseudo,
            ChecksumForm.MESSAGE_ONLY),
        new RoundTrip(
            "v2 password, priority 0",
            VrrpAdvertisement.v2(1, 0, 3, List.of(VIP4, PEER4), 1, pass),
            UNICAST4,
            pseudo,
            ChecksumForm.MESSAGE_ONLY),
        new RoundTrip(
            "v3 ipv4 multicast message-only",
            VrrpAdvertisement.v3(7, 200, 10, List.of(VIP4)),
            MULTICAST4,
            Ipv4ChecksumMode.MESSAGE_ONLY,
            ChecksumForm.MESSAGE_ONLY),
        new RoundTrip(
            "v3 ipv4 unicast pseudo-header",
            VrrpAdvertisement.v3(7, 200, 4095, List.of(VIP4, address("10.77.0.51"))),
            UNICAST4,
            pseudo,
            ChecksumForm.IPV4_PSEUDO_HEADER),
        new RoundTrip(
            "v3 ipv4 unicast group-destination pseudo-header",
            VrrpAdvertisement.v3(7, 200, 1, List.of(VIP4)),
            UNICAST4,
            Ipv4ChecksumMode.PSEUDO_HEADER_GROUP_DESTINATION,
            ChecksumForm.IPV4_PSEUDO_HEADER_GROUP_DESTINATION),
        new RoundTrip(
            "v3 ipv4 255 addresses",
            VrrpAdvertisement.v3(255, 1, 100, many4),
            MULTICAST4,
            pseudo,
            ChecksumForm.IPV4_PSEUDO_HEADER),
        new RoundTrip(
            "v3 ipv6 multicast",
            VrrpAdvertisement.v3(51, 101, 100, List.of(address("fe80::1"), VIP6)),
            MULTICAST6,
            Ipv4ChecksumMode.MESSAGE_ONLY,
            ChecksumForm.IPV6_PSEUDO_HEADER),
        new RoundTrip(
            "v3 ipv6 unicast, 255 addresses (longest message)",
            VrrpAdvertisement.v3(51, 101, 100, many6),
            new IpHeaderInfo(SRC6, address("fe80::77:ff:fe00:12"), 255),
            pseudo,
            ChecksumForm.IPV6_PSEUDO_HEADER));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("roundTrips")
  void encodeThenDecodeGivesTheAdvertBack(RoundTrip rt) {
    byte[] message =
        VrrpPacketCodec.encode(rt.adv(), rt.ip().source(), rt.ip().destination(), rt.mode());

    DecodeResult.Decoded decoded =
        assertInstanceOf(DecodeResult.Decoded.class, VrrpPacketCodec.decode(message, rt.ip()));
    assertEquals(rt.adv(), decoded.adv());
    assertEquals(rt.form(), decoded.form());
  }

  @Test
  void longestMessageIsMaxMessageLength() {
    RoundTrip longest = roundTrips().reduce((a, b) -> b).orElseThrow();
    byte[] message =
        VrrpPacketCodec.encode(
            longest.adv(), longest.ip().source(), longest.ip().destination(), longest.mode());
    assertEquals(VrrpPacketCodec.MAX_MESSAGE_LENGTH, message.length);
  }

  @Test
  void v3LayoutIsTheRfcLayout() {
    byte[] message =
        VrrpPacketCodec.encode(
            VrrpAdvertisement.v3(9, 200, 4095, List.of(VIP4)),
            SRC4,
            GROUP4,
            Ipv4ChecksumMode.MESSAGE_ONLY);
    // Version 3, type 1; VRID; priority; count; reserved 0 + 0xFFF cs; checksum; address.
    assertArrayEquals(
        new byte[] {0x31, 9, (byte) 200, 1, 0x0F, (byte) 0xFF}, Arrays.copyOf(message, 6));
    assertArrayEquals(VIP4.getAddress(), Arrays.copyOfRange(message, 8, 12));
    assertEquals(12, message.length);
  }

  @Test
  void v3ReservedBitsAreIgnoredOnReceive() {
    byte[] reservedSet =
        checksummed(
            with(validV3(), 4, 0xF0 | 0x00, 0x64), MULTICAST4, ChecksumForm.IPV4_PSEUDO_HEADER);

    DecodeResult.Decoded decoded =
        assertInstanceOf(
            DecodeResult.Decoded.class, VrrpPacketCodec.decode(reservedSet, MULTICAST4));

    assertEquals(100, decoded.adv().advertIntervalCentis());
    byte[] reEncoded =
        VrrpPacketCodec.encode(decoded.adv(), SRC4, GROUP4, Ipv4ChecksumMode.PSEUDO_HEADER);
    assertEquals(0, reEncoded[4] & 0xF0, "reserved bits are sent as 0");
  }

  @Test
  void v2AuthenticationIsPassedThroughForTheRouterToJudge() {
    byte[] unknownAuthType =
        checksummed(with(validV2(), 4, 2), MULTICAST4, ChecksumForm.MESSAGE_ONLY);
    unknownAuthType = with(unknownAuthType, 12, 'x'); // auth data is covered by the checksum
    assertEquals(
        RxDropReason.BAD_CHECKSUM,
        assertInstanceOf(
                DecodeResult.Rejected.class, VrrpPacketCodec.decode(unknownAuthType, MULTICAST4))
            .reason());

    byte[] fixed = checksummed(unknownAuthType, MULTICAST4, ChecksumForm.MESSAGE_ONLY);
    DecodeResult.Decoded decoded =
        assertInstanceOf(DecodeResult.Decoded.class, VrrpPacketCodec.decode(fixed, MULTICAST4));
    assertEquals(2, decoded.adv().authType());
    assertArrayEquals(new byte[] {'x', 0, 0, 0, 0, 0, 0, 0}, decoded.adv().authData());
  }

  @Test
  void ipv6AddressesStayIpv6EvenWhenIpv4Mapped() throws Exception {
    byte[] mapped = new byte[16];
    mapped[10] = (byte) 0xff;
    mapped[11] = (byte) 0xff;
    mapped[12] = 10;
    mapped[15] = 1;
    byte[] message =
        checksummed(
            with(validV6(), 8, toInts(mapped)), MULTICAST6, ChecksumForm.IPV6_PSEUDO_HEADER);

    DecodeResult.Decoded decoded =
        assertInstanceOf(DecodeResult.Decoded.class, VrrpPacketCodec.decode(message, MULTICAST6));

    InetAddress vip = decoded.adv().addresses().get(0);
    assertInstanceOf(Inet6Address.class, vip);
    assertArrayEquals(mapped, vip.getAddress());
    assertArrayEquals(
        message,
        VrrpPacketCodec.encode(decoded.adv(), SRC6, GROUP6, Ipv4ChecksumMode.PSEUDO_HEADER));
  }

  @Test
  void byteBufferDecodingReadsPositionToLimitAndLeavesTheBufferAlone() {
    byte[] message = validV3();
    ByteBuffer heap = ByteBuffer.allocate(message.length + 10);
    heap.position(3);
    heap.put(message);
    heap.limit(3 + message.length).position(3);
    ByteBuffer direct = ByteBuffer.allocateDirect(message.length);
    direct.put(message).flip();

    for (ByteBuffer buffer : List.of(heap, direct, heap.asReadOnlyBuffer())) {
      int position = buffer.position();
      int limit = buffer.limit();
      DecodeResult result = VrrpPacketCodec.decode(buffer, MULTICAST4);
      assertEquals(VrrpPacketCodec.decode(message, MULTICAST4), result);
      assertInstanceOf(DecodeResult.Decoded.class, result);
      assertEquals(position, buffer.position());
      assertEquals(limit, buffer.limit());
    }
    assertEquals(
        new DecodeResult.Rejected(RxDropReason.TRUNCATED),
        VrrpPacketCodec.decode((ByteBuffer) null, MULTICAST4));
  }

  // ---------------------------------------------------------------- rejections

  record Rejection(RxDropReason reason, String name, Supplier<byte[]> message, IpHeaderInfo ip) {
    @Override
    public String toString() {
      return reason + ": " + name;
    }
  }

  private static Rejection reject(
      RxDropReason reason, String name, Supplier<byte[]> message, IpHeaderInfo ip) {
    return new Rejection(reason, name, message, ip);
  }

  private static byte[] fix4(byte[] message) {
    return checksummed(message, MULTICAST4, ChecksumForm.IPV4_PSEUDO_HEADER);
  }

  private static byte[] fix2(byte[] message) {
    return checksummed(message, MULTICAST4, ChecksumForm.MESSAGE_ONLY);
  }

  static Stream<Rejection> rejections() {
    RxDropReason family = RxDropReason.BAD_ADDRESS_FAMILY;
    RxDropReason ttl = RxDropReason.BAD_TTL;
    RxDropReason truncated = RxDropReason.TRUNCATED;
    RxDropReason version = RxDropReason.BAD_VERSION;
    RxDropReason type = RxDropReason.BAD_TYPE;
    RxDropReason trailing = RxDropReason.TRAILING_BYTES;
    RxDropReason checksum = RxDropReason.BAD_CHECKSUM;
    RxDropReason vrid = RxDropReason.BAD_VRID;
    RxDropReason none = RxDropReason.NO_ADDRESSES;
    RxDropReason zero = RxDropReason.ZERO_INTERVAL;
    return Stream.of(
        reject(family, "no ip header info", TestPackets::validV3, null),
        reject(family, "no source", TestPackets::validV3, new IpHeaderInfo(null, GROUP4, 255)),
        reject(family, "no destination", TestPackets::validV3, new IpHeaderInfo(SRC4, null, 255)),
        reject(
            family,
            "v4 source, v6 destination",
            TestPackets::validV3,
            new IpHeaderInfo(SRC4, GROUP6, 255)),
        reject(ttl, "ttl 254", TestPackets::validV3, new IpHeaderInfo(SRC4, GROUP4, 254)),
        reject(ttl, "ttl 1 unicast", TestPackets::validV3, new IpHeaderInfo(SRC4, PEER4, 1)),
        reject(ttl, "hop limit 64", TestPackets::validV6, new IpHeaderInfo(SRC6, GROUP6, 64)),
        reject(ttl, "ttl 0 v2", TestPackets::validV2, new IpHeaderInfo(SRC4, GROUP4, 0)),
        reject(truncated, "null message", () -> null, MULTICAST4),
        reject(truncated, "empty", () -> new byte[0], MULTICAST4),
        reject(truncated, "7 bytes", () -> truncated(validV3(), 7), MULTICAST4),
        reject(truncated, "last address byte missing", () -> truncated(validV3(), 11), MULTICAST4),
        reject(truncated, "v2 without auth data", () -> fix2(truncated(validV2(), 12)), MULTICAST4),
        reject(truncated, "count 2, one address", () -> fix4(with(validV3(), 3, 2)), MULTICAST4),
        reject(truncated, "v4-sized address in ipv6", () -> truncated(validV6(), 12), MULTICAST6),
        reject(version, "version 1", () -> fix4(with(validV3(), 0, 0x11)), MULTICAST4),
        reject(version, "version 4", () -> fix4(with(validV3(), 0, 0x41)), MULTICAST4),
        reject(version, "version 0", () -> fix4(with(validV3(), 0, 0x01)), MULTICAST4),
        reject(version, "version 15", () -> fix4(with(validV3(), 0, 0xF1)), MULTICAST4),
        reject(version, "v2 over ipv6", TestPackets::v2OverIpv6, MULTICAST6),
        reject(type, "type 0", () -> fix4(with(validV3(), 0, 0x30)), MULTICAST4),
        reject(type, "type 2", () -> fix4(with(validV3(), 0, 0x32)), MULTICAST4),
        reject(type, "type 15 v2", () -> fix2(with(validV2(), 0, 0x2F)), MULTICAST4),
        reject(trailing, "one extra byte", () -> fix4(Arrays.copyOf(validV3(), 13)), MULTICAST4),
        reject(trailing, "uncounted address", () -> fix4(Arrays.copyOf(validV3(), 16)), MULTICAST4),
        reject(trailing, "v2 extra word", () -> fix2(Arrays.copyOf(validV2(), 24)), MULTICAST4),
        reject(trailing, "ipv6 extra address", () -> Arrays.copyOf(validV6(), 40), MULTICAST6),
        reject(trailing, "64 KiB", () -> Arrays.copyOf(validV3(), 65_536), MULTICAST4),
        reject(
            checksum,
            "flipped checksum bit",
            () -> with(validV3(), 7, validV3()[7] ^ 1),
            MULTICAST4),
        reject(
            checksum,
            "flipped address bit",
            () -> with(validV3(), 11, validV3()[11] ^ 0x80),
            MULTICAST4),
        reject(checksum, "v2 with a pseudo-header checksum", () -> fix4(validV2()), MULTICAST4),
        reject(
            checksum,
            "ipv6 message-only checksum",
            () -> checksummed(validV6(), MULTICAST6, ChecksumForm.MESSAGE_ONLY),
            MULTICAST6),
        reject(
            checksum,
            "ipv6 from another source",
            TestPackets::validV6,
            new IpHeaderInfo(address("fe80::99"), GROUP6, 255)),
        reject(
            checksum,
            "v3 pseudo-header for another unicast peer",
            () ->
                checksummed(
                    validV3(),
                    new IpHeaderInfo(SRC4, address("10.77.0.13"), 255),
                    ChecksumForm.IPV4_PSEUDO_HEADER),
            UNICAST4),
        reject(vrid, "vrid 0", () -> fix4(with(validV3(), 1, 0)), MULTICAST4),
        reject(vrid, "vrid 0 v2", () -> fix2(with(validV2(), 1, 0)), MULTICAST4),
        reject(none, "count 0", () -> fix4(truncated(with(validV3(), 3, 0), 8)), MULTICAST4),
        reject(none, "count 0 v2", TestPackets::v2WithoutAddresses, MULTICAST4),
        reject(
            none,
            "count 0 ipv6",
            () ->
                checksummed(
                    truncated(with(validV6(), 3, 0), 8),
                    MULTICAST6,
                    ChecksumForm.IPV6_PSEUDO_HEADER),
            MULTICAST6),
        reject(zero, "interval 0", () -> fix4(with(validV3(), 4, 0, 0)), MULTICAST4),
        reject(
            zero,
            "interval 0, reserved bits set",
            () -> fix4(with(validV3(), 4, 0xF0, 0)),
            MULTICAST4),
        reject(zero, "v2 adver int 0", () -> fix2(with(validV2(), 5, 0)), MULTICAST4));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rejections")
  void rejectsWithTheReason(Rejection rejection) {
    DecodeResult result = VrrpPacketCodec.decode(rejection.message().get(), rejection.ip());
    assertEquals(new DecodeResult.Rejected(rejection.reason()), result);
  }

  @Test
  void everyPacketLevelReasonIsProducedByACraftedPacket() {
    Set<RxDropReason> packetLevel = EnumSet.noneOf(RxDropReason.class);
    for (RxDropReason reason : RxDropReason.values()) {
      if (reason.isPacketLevel()) {
        packetLevel.add(reason);
      }
    }
    Set<RxDropReason> crafted =
        rejections()
            .map(Rejection::reason)
            .collect(Collectors.toCollection(() -> EnumSet.noneOf(RxDropReason.class)));
    assertEquals(packetLevel, crafted);
    assertEquals(
        EnumSet.of(
            RxDropReason.BAD_TTL,
            RxDropReason.TRUNCATED,
            RxDropReason.BAD_VERSION,
            RxDropReason.BAD_TYPE,
            RxDropReason.BAD_CHECKSUM,
            RxDropReason.BAD_VRID,
            RxDropReason.NO_ADDRESSES,
            RxDropReason.ZERO_INTERVAL,
            RxDropReason.BAD_ADDRESS_FAMILY,
            RxDropReason.TRAILING_BYTES),
        packetLevel);
  }

  // ---------------------------------------------------------------- encode preconditions

  static Stream<Arguments> unencodable() {
    byte[] noAuth = new byte[8];
    List<InetAddress> one4 = List.of(VIP4);
    List<InetAddress> tooMany = new ArrayList<>();
    for (int i = 0; i < 256; i++) {
      tooMany.add(address("10.2." + i + ".1"));
    }
    return Stream.of(
        Arguments.of(
            "v2 150 cs",
            new VrrpAdvertisement(VrrpVersion.V2, 1, 100, 150, one4, 0, noAuth),
            SRC4,
            GROUP4),
        Arguments.of(
            "v2 0 s",
            new VrrpAdvertisement(VrrpVersion.V2, 1, 100, 0, one4, 0, noAuth),
            SRC4,
            GROUP4),
        Arguments.of("v2 256 s", VrrpAdvertisement.v2(1, 100, 256, one4, 0, noAuth), SRC4, GROUP4),
        Arguments.of(
            "v2 7 auth bytes",
            new VrrpAdvertisement(VrrpVersion.V2, 1, 100, 100, one4, 0, new byte[7]),
            SRC4,
            GROUP4),
        Arguments.of(
            "v2 auth type 256", VrrpAdvertisement.v2(1, 100, 1, one4, 256, noAuth), SRC4, GROUP4),
        Arguments.of(
            "v2 over ipv6",
            VrrpAdvertisement.v2(1, 100, 1, List.of(VIP6), 0, noAuth),
            SRC6,
            GROUP6),
        Arguments.of("v3 0 cs", VrrpAdvertisement.v3(1, 100, 0, one4), SRC4, GROUP4),
        Arguments.of("v3 4096 cs", VrrpAdvertisement.v3(1, 100, 4096, one4), SRC4, GROUP4),
        Arguments.of(
            "v3 with auth",
            new VrrpAdvertisement(VrrpVersion.V3, 1, 100, 100, one4, 1, noAuth),
            SRC4,
            GROUP4),
        Arguments.of("vrid 0", VrrpAdvertisement.v3(0, 100, 100, one4), SRC4, GROUP4),
        Arguments.of("vrid 256", VrrpAdvertisement.v3(256, 100, 100, one4), SRC4, GROUP4),
        Arguments.of("priority -1", VrrpAdvertisement.v3(1, -1, 100, one4), SRC4, GROUP4),
        Arguments.of("priority 256", VrrpAdvertisement.v3(1, 256, 100, one4), SRC4, GROUP4),
        Arguments.of("no addresses", VrrpAdvertisement.v3(1, 100, 100, List.of()), SRC4, GROUP4),
        Arguments.of("256 addresses", VrrpAdvertisement.v3(1, 100, 100, tooMany), SRC4, GROUP4),
        Arguments.of(
            "mixed families", VrrpAdvertisement.v3(1, 100, 100, List.of(VIP4, VIP6)), SRC4, GROUP4),
        Arguments.of(
            "ipv6 vip from ipv4 source",
            VrrpAdvertisement.v3(1, 100, 100, List.of(VIP6)),
            SRC4,
            GROUP4),
        Arguments.of(
            "ipv4 source, ipv6 destination",
            VrrpAdvertisement.v3(1, 100, 100, one4),
            SRC4,
            GROUP6));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("unencodable")
  void encodingAnInvalidAdvertIsAProgrammingError(
      String name, VrrpAdvertisement adv, InetAddress source, InetAddress destination) {
    assertThrows(
        IllegalArgumentException.class,
        () -> VrrpPacketCodec.encode(adv, source, destination, Ipv4ChecksumMode.PSEUDO_HEADER));
  }

  @Test
  void constantsAreTheRfcValues() {
    assertEquals(112, VrrpPacketCodec.IP_PROTOCOL);
    assertEquals(255, VrrpPacketCodec.REQUIRED_TTL);
    assertEquals(GROUP4, VrrpPacketCodec.IPV4_GROUP);
    assertEquals(GROUP6, VrrpPacketCodec.IPV6_GROUP);
    assertEquals(SRC6, TestPackets.address("fe80:0:0:0:77:ff:fe00:11"));
  }

  private static int[] toInts(byte[] bytes) {
    int[] out = new int[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      out[i] = bytes[i];
    }
    return out;
  }
}
