package io.vipd.vrrp.linux;

import java.nio.ByteBuffer;
import jnr.ffi.Pointer;

/** Ancillary data (struct cmsghdr, 64-bit layout) for sendmsg and from recvmsg. */
final class ControlMessages {

  private static final int HEADER = 16;

  private ControlMessages() {}

  /** One control message: CMSG_SPACE(data.length) bytes, cmsg_len = CMSG_LEN(data.length). */
  static byte[] of(int level, int type, byte[] data) {
    ByteBuffer b = SockAddrs.nativeBuffer(align(HEADER + data.length));
    b.putLong(HEADER + data.length).putInt(level).putInt(type).put(data);
    return b.array();
  }

  /** CMSG_SPACE for a payload of {@code dataLength} bytes. */
  static int space(int dataLength) {
    return align(HEADER + dataLength);
  }

  /**
   * Finds the data offset of the first control message of the given level and type in a received
   * control buffer.
   *
   * @return the offset of its data in {@code control}, or -1 when absent
   */
  static int find(Pointer control, int length, int level, int type, int minDataLength) {
    int offset = 0;
    while (offset + HEADER <= length) {
      long len = control.getLong(offset);
      if (len < HEADER || offset + len > length) {
        return -1;
      }
      if (control.getInt(offset + 8) == level
          && control.getInt(offset + 12) == type
          && len - HEADER >= minDataLength) {
        return offset + HEADER;
      }
      offset += align((int) len);
    }
    return -1;
  }

  private static int align(int n) {
    return (n + 7) & ~7;
  }
}
