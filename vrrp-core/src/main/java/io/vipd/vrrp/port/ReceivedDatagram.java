package io.vipd.vrrp.port;

import io.vipd.vrrp.packet.IpHeaderInfo;

/**
 * One received VRRP datagram.
 *
 * @param payload the VRRP message only, IP header removed
 * @param ip source, destination and TTL / hop limit as the socket saw them
 */
public record ReceivedDatagram(byte[] payload, IpHeaderInfo ip) {

  public ReceivedDatagram {
    payload = payload.clone();
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
        && ip.equals(other.ip);
  }

  @Override
  public int hashCode() {
    return 31 * java.util.Arrays.hashCode(payload) + ip.hashCode();
  }

  @Override
  public String toString() {
    return "ReceivedDatagram[" + payload.length + " bytes, " + ip + "]";
  }
}
