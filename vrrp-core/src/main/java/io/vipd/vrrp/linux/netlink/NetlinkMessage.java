package io.vipd.vrrp.linux.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * One received netlink message.
 *
 * @param type nlmsg_type (RTM_NEWADDR, NLMSG_ERROR, ...)
 * @param flags nlmsg_flags
 * @param sequence nlmsg_seq (0 for multicast notifications)
 * @param payload the bytes after the 16-byte header, in the host byte order it was parsed with
 */
public record NetlinkMessage(int type, int flags, int sequence, ByteBuffer payload) {

  /**
   * Splits a received datagram into messages. A malformed length ends the parse: what was parsed
   * before it is returned, nothing is thrown.
   */
  public static List<NetlinkMessage> parseAll(byte[] datagram, int length, ByteOrder order) {
    ByteBuffer b = ByteBuffer.wrap(datagram, 0, length).slice().order(order);
    List<NetlinkMessage> messages = new ArrayList<>();
    int offset = 0;
    while (offset + RtNetlink.NLMSG_HDRLEN <= length) {
      int len = b.getInt(offset);
      if (len < RtNetlink.NLMSG_HDRLEN || offset + len > length) {
        break;
      }
      int type = b.getShort(offset + 4) & 0xffff;
      int flags = b.getShort(offset + 6) & 0xffff;
      int seq = b.getInt(offset + 8);
      ByteBuffer payload =
          b.duplicate()
              .position(offset + RtNetlink.NLMSG_HDRLEN)
              .limit(offset + len)
              .slice()
              .order(order);
      messages.add(new NetlinkMessage(type, flags, seq, payload));
      offset += (len + 3) & ~3;
    }
    return messages;
  }

  /**
   * For an NLMSG_ERROR message: the positive errno, or 0 for an acknowledgement; -1 when this is
   * not an error message or it is truncated.
   */
  public int errorCode() {
    if (type != RtNetlink.NLMSG_ERROR || payload.limit() < 4) {
      return -1;
    }
    return -payload.getInt(0);
  }

  /** Route attributes (struct rtattr) of the payload after a fixed header of {@code skip} bytes. */
  public List<Attribute> attributes(int skip) {
    List<Attribute> attrs = new ArrayList<>();
    int offset = skip;
    int end = payload.limit();
    while (offset + 4 <= end) {
      int len = payload.getShort(offset) & 0xffff;
      int type = payload.getShort(offset + 2) & 0x3fff; // without NLA_F_NESTED / BYTEORDER
      if (len < 4 || offset + len > end) {
        break;
      }
      byte[] value = new byte[len - 4];
      payload.get(offset + 4, value);
      attrs.add(new Attribute(type, value));
      offset += (len + 3) & ~3;
    }
    return attrs;
  }

  /**
   * One route attribute.
   *
   * @param type rta_type
   * @param value the value bytes
   */
  public record Attribute(int type, byte[] value) {

    /** The value as a NUL-terminated ASCII string. */
    public String asString() {
      int n = 0;
      while (n < value.length && value[n] != 0) {
        n++;
      }
      return new String(value, 0, n, java.nio.charset.StandardCharsets.US_ASCII);
    }
  }
}
