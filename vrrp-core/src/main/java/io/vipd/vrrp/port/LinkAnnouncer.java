package io.vipd.vrrp.port;

import java.io.IOException;
import java.net.InetAddress;

/**
 * Tells the LAN that a virtual address now lives behind this interface's MAC address: a gratuitous
 * ARP request for IPv4 (RFC 5227 section 3), an unsolicited neighbour advertisement for IPv6 (RFC
 * 4861 section 7.2.6). One instance serves one interface, or one per device ({@code
 * DeviceAnnouncers}). Not thread-safe.
 */
public interface LinkAnnouncer {

  /**
   * Sends one announcement frame for {@code vip}; repetition (keepalived's garp_master_repeat) is
   * the caller's business.
   *
   * @throws IOException when the frame could not be sent; the message names the call and interface
   */
  void announce(InetAddress vip) throws IOException;

  /**
   * Sends one announcement frame for {@code vip} on the device it is on; an announcer of one
   * interface sends it there, whatever the device.
   *
   * @throws IOException when the frame could not be sent
   */
  default void announce(VirtualAddress vip) throws IOException {
    announce(vip.address());
  }
}
