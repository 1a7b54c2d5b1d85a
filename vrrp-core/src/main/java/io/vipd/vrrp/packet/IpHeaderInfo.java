package io.vipd.vrrp.packet;

import java.net.InetAddress;

/**
 * What the socket saw of the IP header that carried a VRRP message: the codec needs the addresses
 * for the pseudo-header checksum and the TTL / hop limit for the RFC's 255 check.
 *
 * @param source the sender's address (IPv4 primary address, or IPv6 link-local address)
 * @param destination the address the packet was sent to (224.0.0.18, ff02::12, or a unicast peer)
 * @param ttl IPv4 TTL or IPv6 hop limit
 */
public record IpHeaderInfo(InetAddress source, InetAddress destination, int ttl) {}
