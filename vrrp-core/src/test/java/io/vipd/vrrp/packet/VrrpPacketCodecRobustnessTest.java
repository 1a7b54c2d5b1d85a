package io.vipd.vrrp.packet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded random input: decode must never throw and must always give a result; whatever it accepts
 * must re-encode to the same bytes (up to the ignored v3 reserved bits). Half the mutated captures
 * get a correct checksum so that the checks behind the checksum are exercised too.
 */
class VrrpPacketCodecRobustnessTest {

  private static final long SEED = 0x5EED_2026L;
  private static final int ROUNDS = 200_000;

  private static final List<IpHeaderInfo> HEADERS =
      List.of(
          TestPackets.MULTICAST4,
          TestPackets.UNICAST4,
          TestPackets.MULTICAST6,
          new IpHeaderInfo(TestPackets.SRC4, TestPackets.GROUP4, 254),
          new IpHeaderInfo(TestPackets.SRC6, TestPackets.GROUP4, 255));

  private static final List<ChecksumForm> IPV4_FORMS =
      List.of(
          ChecksumForm.MESSAGE_ONLY,
          ChecksumForm.IPV4_PSEUDO_HEADER,
          ChecksumForm.IPV4_PSEUDO_HEADER_GROUP_DESTINATION);

  @Test
  void decodeNeverThrowsAndAcceptedAdvertsReEncodeExactly() {
    List<PcapReader.IpPacket> seeds =
        List.of(
            KeepalivedCaptureTest.onlyVrrpPacket("vrrpv2-ipv4.pcap"),
            KeepalivedCaptureTest.onlyVrrpPacket("vrrpv2-ipv4-auth-pass.pcap"),
            KeepalivedCaptureTest.onlyVrrpPacket("vrrpv3-ipv4.pcap"),
            KeepalivedCaptureTest.onlyVrrpPacket("vrrpv3-ipv4-unicast.pcap"),
            KeepalivedCaptureTest.onlyVrrpPacket("vrrpv3-ipv4-unicast-oldcsum.pcap"),
            KeepalivedCaptureTest.onlyVrrpPacket("vrrpv3-ipv6.pcap"));
    Random random = new Random(SEED);
    Map<RxDropReason, Integer> rejected = new EnumMap<>(RxDropReason.class);
    int decoded = 0;
    for (int round = 0; round < ROUNDS; round++) {
      byte[] message;
      IpHeaderInfo ip;
      if (random.nextBoolean()) {
        message = randomBytes(random);
        ip = HEADERS.get(random.nextInt(HEADERS.size()));
      } else {
        PcapReader.IpPacket seed = seeds.get(random.nextInt(seeds.size()));
        ip = random.nextInt(10) == 0 ? HEADERS.get(random.nextInt(HEADERS.size())) : seed.ip();
        message = mutate(seed.payload(), random);
        if (random.nextBoolean() && message.length >= 8 && oneFamily(ip)) {
          message = TestPackets.checksummed(message, ip, randomFormFor(ip, random));
        }
      }
      DecodeResult result = decodeOrFail(message, ip, round);
      if (result instanceof DecodeResult.Rejected r) {
        assertTrue(r.reason().isPacketLevel(), r.reason() + " is not a codec reason");
        rejected.merge(r.reason(), 1, Integer::sum);
      } else if (result instanceof DecodeResult.Decoded d) {
        decoded++;
        assertReEncodes(message, ip, d, round);
      } else {
        fail("round " + round + ": no result");
      }
    }
    System.out.printf("robustness: %d decoded, rejected %s%n", decoded, rejected);
    // The generator must reach past the checksum, or the property above proved little.
    assertTrue(decoded > 1_000, "decoded only " + decoded);
    for (RxDropReason reason : RxDropReason.values()) {
      assertEquals(reason.isPacketLevel(), rejected.containsKey(reason), reason + " reached");
    }
  }

  private static DecodeResult decodeOrFail(byte[] message, IpHeaderInfo ip, int round) {
    try {
      return VrrpPacketCodec.decode(message, ip);
    } catch (RuntimeException | Error e) {
      throw new AssertionError(
          "round " + round + ": decode threw on " + HexFormat.of().formatHex(message) + " " + ip,
          e);
    }
  }

  private static void assertReEncodes(
      byte[] message, IpHeaderInfo ip, DecodeResult.Decoded decoded, int round) {
    InetAddress source = ip.source();
    InetAddress destination = ip.destination();
    byte[] encoded =
        VrrpPacketCodec.encode(
            decoded.adv(), source, destination, TestPackets.modeFor(decoded.form()));
    byte[] expected = message;
    if (decoded.adv().version() == VrrpVersion.V3 && (message[4] & 0xF0) != 0) {
      // Reserved bits are dropped, so the checksum changes too: compare the re-decoded value.
      expected =
          TestPackets.checksummed(
              TestPackets.with(message, 4, message[4] & 0x0F), ip, decoded.form());
    }
    assertArrayEquals(expected, encoded, "round " + round);
    assertEquals(decoded, VrrpPacketCodec.decode(encoded, ip), "round " + round);
  }

  private static boolean oneFamily(IpHeaderInfo ip) {
    return (ip.source() instanceof Inet6Address) == (ip.destination() instanceof Inet6Address);
  }

  private static ChecksumForm randomFormFor(IpHeaderInfo ip, Random random) {
    return ip.source() instanceof Inet6Address
        ? ChecksumForm.IPV6_PSEUDO_HEADER
        : IPV4_FORMS.get(random.nextInt(IPV4_FORMS.size()));
  }

  private static byte[] randomBytes(Random random) {
    byte[] bytes = new byte[random.nextInt(101)];
    random.nextBytes(bytes);
    if (bytes.length > 0 && random.nextBoolean()) {
      bytes[0] = (byte) (random.nextBoolean() ? 0x21 : 0x31);
    }
    return bytes;
  }

  private static byte[] mutate(byte[] payload, Random random) {
    byte[] bytes = payload;
    int mutations = 1 + random.nextInt(3);
    for (int i = 0; i < mutations; i++) {
      switch (random.nextInt(5)) {
        case 0, 1 -> {
          if (bytes.length > 0) {
            int bit = random.nextInt(bytes.length * 8);
            bytes[bit / 8] ^= (byte) (1 << (bit % 8));
          }
        }
        case 2 -> {
          if (bytes.length > 0) {
            bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
          }
        }
        case 3 -> bytes = Arrays.copyOf(bytes, random.nextInt(bytes.length + 1));
        default -> bytes = Arrays.copyOf(bytes, bytes.length + 1 + random.nextInt(20));
      }
    }
    return bytes;
  }
}
