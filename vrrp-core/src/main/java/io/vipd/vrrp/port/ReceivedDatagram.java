package io.vipd.vrrp.port;

import io.vipd.vrrp.packet.IpHeaderInfo;
import java.util.Objects;

/**
 * One received VRRP datagram, or one the socket could not read (see {@link #unreadable()}).
 *
 * @param payload the VRRP message only, IP header removed; empty when unreadable
 * @param ip source, destination and TTL / hop limit as the socket saw them; {@code null} when
 *     unreadable
 */
public record ReceivedDatagram(byte[] payload, IpHeaderInfo ip) {

  private static final ReceivedDatagram UNREADABLE = new ReceivedDatagram(new byte[0], null);

  public ReceivedDatagram {
    payload = payload.clone();
    if (ip == null && payload.length > 0) {
      throw new IllegalArgumentException("a payload without its IP header information");
    }
  }

  /**
   * A datagram arrived but its IP header, or the ancillary data that stands in for it, could not be
   * read. Distinct from {@code null} (nothing arrived) so that the receiver counts the drop rather
   * than mistaking it for silence. It carries no message and no addresses: without the TTL / hop
   * limit and the destination the codec could check nothing.
   */
  public static ReceivedDatagram unreadable() {
    return UNREADABLE;
  }

  /** Whether this is {@link #unreadable()}: then {@link #ip()} is null and the payload empty. */
  public boolean isUnreadable() {
    return ip == null;
  }

  /** A defensive copy of the VRRP message. */
  @Override
  public byte[] payload() {
    return payload.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ReceivedDatagram other
        && java.util.Arrays.equals(payload, other.payload)
        && Objects.equals(ip, other.ip);
  }

  @Override
  public int hashCode() {
    return 31 * java.util.Arrays.hashCode(payload) + Objects.hashCode(ip);
  }

  @Override
  public String toString() {
    return isUnreadable()
        ? "ReceivedDatagram[unreadable]"
        : "ReceivedDatagram[" + payload.length + " bytes, " + ip + "]";
  }
}
