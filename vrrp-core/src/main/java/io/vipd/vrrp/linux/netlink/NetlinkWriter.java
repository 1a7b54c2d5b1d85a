package io.vipd.vrrp.linux.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Writes one netlink message: the nlmsghdr, a fixed family header, then route attributes, each
 * aligned to 4 bytes (NLMSG_ALIGN / RTA_ALIGN). Integers are in the given (host) byte order,
 * addresses in network order. Not thread-safe; one writer per message.
 */
final class NetlinkWriter {

  private static final int MAX_MESSAGE = 1024;

  private final ByteBuffer buf;

  NetlinkWriter(int type, int flags, int sequence, ByteOrder order) {
    buf = ByteBuffer.allocate(MAX_MESSAGE).order(order);
    buf.putInt(0).putShort((short) type).putShort((short) flags).putInt(sequence).putInt(0);
  }

  NetlinkWriter u8(int value) {
    buf.put((byte) value);
    return this;
  }

  NetlinkWriter u16(int value) {
    buf.putShort((short) value);
    return this;
  }

  NetlinkWriter u32(int value) {
    buf.putInt(value);
    return this;
  }

  NetlinkWriter attribute(int type, byte[] value) {
    buf.putShort((short) (4 + value.length)).putShort((short) type).put(value);
    pad();
    return this;
  }

  NetlinkWriter attributeU32(int type, int value) {
    byte[] v = ByteBuffer.allocate(4).order(buf.order()).putInt(value).array();
    return attribute(type, v);
  }

  /** A NUL-terminated string attribute. */
  NetlinkWriter attribute(int type, String value) {
    return attribute(type, (value + "\0").getBytes(StandardCharsets.US_ASCII));
  }

  byte[] finish() {
    pad();
    int length = buf.position();
    buf.putInt(0, length);
    byte[] out = new byte[length];
    buf.flip();
    buf.get(out);
    return out;
  }

  private void pad() {
    while ((buf.position() & 3) != 0) {
      buf.put((byte) 0);
    }
  }
}
