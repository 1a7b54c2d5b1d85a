package io.vipd.vrrp.packet;

import java.util.Objects;

/**
 * The Internet checksum (RFC 1071): the 16-bit one's complement of the one's complement sum of
 * 16-bit big-endian words, accumulated over any number of byte segments as if they were one
 * contiguous stream (a segment may end on an odd byte; the next one continues the word).
 *
 * <p>VRRP uses it over the message alone (v2, v3 IPv4 per RFC 9568 section 5.2.8) or over a
 * pseudo-header followed by the message (v3 IPv6 per RFC 8200 section 8.1, v3 IPv4 as keepalived
 * and FRR do). Not thread-safe: one instance per computation.
 */
public final class VrrpChecksum {

  private long sum;
  private boolean oddByteCount;

  /** Adds {@code length} bytes of {@code bytes} starting at {@code offset}. */
  public VrrpChecksum update(byte[] bytes, int offset, int length) {
    Objects.checkFromIndexSize(offset, length, bytes.length);
    int i = offset;
    int end = offset + length;
    if (oddByteCount && i < end) {
      // The previous segment ended mid-word: this byte is that word's low-order half.
      sum += bytes[i++] & 0xFF;
      oddByteCount = false;
    }
    for (; i + 1 < end; i += 2) {
      sum += ((bytes[i] & 0xFF) << 8) | (bytes[i + 1] & 0xFF);
    }
    if (i < end) {
      sum += (bytes[i] & 0xFF) << 8;
      oddByteCount = true;
    }
    return this;
  }

  /** Adds all of {@code bytes}. */
  public VrrpChecksum update(byte[] bytes) {
    return update(bytes, 0, bytes.length);
  }

  /**
   * The checksum of everything added so far, 0..0xFFFF, to be stored big-endian. An odd total
   * length is padded with one zero byte, as RFC 1071 specifies.
   */
  public int value() {
    long folded = sum;
    while ((folded >>> 16) != 0) {
      folded = (folded & 0xFFFF) + (folded >>> 16);
    }
    return (int) (~folded & 0xFFFF);
  }

  /** The checksum of one segment. */
  public static int of(byte[] bytes, int offset, int length) {
    return new VrrpChecksum().update(bytes, offset, length).value();
  }
}
