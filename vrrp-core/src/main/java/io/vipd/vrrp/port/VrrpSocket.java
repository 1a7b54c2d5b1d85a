package io.vipd.vrrp.port;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;

/**
 * Sends and receives VRRP messages (IP protocol 112) on one interface, for one address family.
 *
 * <p>The socket owns the IP header: on send it sets TTL / hop limit 255 and the source address; on
 * receive it reports what it saw of the header in {@link ReceivedDatagram#ip()} and hands up only
 * the VRRP message, or reports {@link ReceivedDatagram#unreadable()} when it could not read the
 * header. Not thread-safe: one thread (the VRRP runtime) sends, receives and closes.
 */
public interface VrrpSocket extends Closeable {

  /**
   * Sends one VRRP message.
   *
   * @param vrrpMessage the VRRP message only (no IP header), checksum already filled in
   * @param destination the multicast group (224.0.0.18 / ff02::12) or a unicast peer
   * @throws IOException when the kernel refuses the datagram; the message names the call
   */
  void send(byte[] vrrpMessage, InetAddress destination) throws IOException;

  /**
   * Waits up to {@code timeoutNanos} for one datagram.
   *
   * @param timeoutNanos longest wait in nanoseconds; 0 polls without waiting
   * @return the datagram; {@link ReceivedDatagram#unreadable()} when one arrived whose IP header
   *     (or ancillary data) could not be read, for the caller to count as a drop; or {@code null}
   *     when none arrived in time (also, rarely, when the wait was interrupted by a signal: the
   *     caller recomputes its deadline and calls again)
   * @throws IOException when the socket fails, never for what a datagram contains
   */
  ReceivedDatagram receive(long timeoutNanos) throws IOException;

  /** Releases the socket; further calls fail. Idempotent. */
  @Override
  void close() throws IOException;
}
