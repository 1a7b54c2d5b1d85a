package io.vipd.vrrp.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

class VrrpChecksumTest {

  private static byte[] bytes(int... values) {
    byte[] out = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (byte) values[i];
    }
    return out;
  }

  /**
   * RFC 1071 section 3 example: the words sum to 0xddf2 (folded), the checksum is its complement.
   */
  @Test
  void rfc1071Example() {
    byte[] data = bytes(0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7);
    assertEquals(~0xddf2 & 0xFFFF, VrrpChecksum.of(data, 0, data.length));
  }

  /** The v2 capture's message with its checksum field zeroed gives the captured 0x6f4b. */
  @Test
  void capturedVrrpv2Checksum() {
    byte[] message =
        bytes(
            0x21, 0x33, 0x65, 0x01, 0x00, 0x01, 0, 0, 0x0a, 0x4d, 0x00, 0x32, 0, 0, 0, 0, 0, 0, 0,
            0);
    assertEquals(0x6f4b, VrrpChecksum.of(message, 0, message.length));
  }

  @Test
  void emptyInputIsAllOnes() {
    assertEquals(0xFFFF, new VrrpChecksum().value());
  }

  @Test
  void oddLengthIsPaddedWithAZeroByte() {
    assertEquals(
        VrrpChecksum.of(bytes(0x12, 0x34, 0x56, 0x00), 0, 4),
        VrrpChecksum.of(bytes(0x12, 0x34, 0x56), 0, 3));
  }

  @Test
  void carriesAreFoldedBackIn() {
    // 0xffff + 0x0001 = 0x10000 -> folds to 0x0001 -> checksum 0xfffe.
    assertEquals(0xfffe, VrrpChecksum.of(bytes(0xff, 0xff, 0x00, 0x01), 0, 4));
  }

  @Test
  void aMessageWithItsChecksumSumsToZero() {
    byte[] data = bytes(0x45, 0x00, 0x00, 0x1c, 0xab, 0xcd, 0x00, 0x00, 0x12, 0x34);
    int checksum = VrrpChecksum.of(data, 0, data.length);
    data[6] = (byte) (checksum >>> 8);
    data[7] = (byte) checksum;
    assertEquals(0, VrrpChecksum.of(data, 0, data.length));
  }

  /** Segments, whatever their split points (odd ones included), equal one contiguous stream. */
  @Test
  void segmentsEqualTheConcatenation() {
    Random random = new Random(1071);
    for (int round = 0; round < 2_000; round++) {
      byte[] data = new byte[random.nextInt(80)];
      random.nextBytes(data);
      int whole = VrrpChecksum.of(data, 0, data.length);
      VrrpChecksum segmented = new VrrpChecksum();
      int offset = 0;
      while (offset < data.length) {
        int length = Math.min(random.nextInt(7), data.length - offset);
        segmented.update(data, offset, length);
        offset += length;
      }
      assertEquals(whole, segmented.value(), "round " + round);
    }
  }

  @Test
  void rejectsOutOfBoundsSegments() {
    byte[] data = new byte[4];
    assertThrows(IndexOutOfBoundsException.class, () -> new VrrpChecksum().update(data, 2, 3));
    assertThrows(IndexOutOfBoundsException.class, () -> new VrrpChecksum().update(data, -1, 1));
  }
}
