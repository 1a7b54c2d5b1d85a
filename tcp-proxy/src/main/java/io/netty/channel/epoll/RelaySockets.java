package io.netty.channel.epoll;

import io.netty.channel.unix.NativeInetAddress;
import io.netty.channel.unix.Socket;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * What vipd's relay needs of Netty's native sockets beyond {@link Socket}'s public methods (they
 * are package-private in {@link LinuxSocket}). All sockets are non-blocking.
 */
public final class RelaySockets {
  private RelaySockets() {}

  /** A new TCP socket: AF_INET if {@code ipv4}, else the platform's preferred (dual-stack). */
  public static Socket newStream(boolean ipv4) {
    return ipv4 ? LinuxSocket.newSocketStream(false) : LinuxSocket.newSocketStream();
  }

  /** The socket accept(2) returned as {@code fd}. */
  public static Socket accepted(int fd) {
    return new LinuxSocket(fd);
  }

  /**
   * The peer's address as accept(2) wrote it into {@code addr} (length first, then the address).
   */
  public static InetSocketAddress acceptedAddress(byte[] addr) {
    return NativeInetAddress.address(addr, 1, addr[0]);
  }

  /** Bytes a buffer must have to receive an address from {@link Socket#accept}. */
  public static final int ACCEPTED_ADDRESS_BYTES = 26;

  public static void setCork(Socket s, boolean on) throws IOException {
    ((LinuxSocket) s).setTcpCork(on);
  }

  /**
   * Stops a listening socket listening, as haproxy pauses a frontend: the kernel refuses new
   * connections (and resets those not yet accepted) while the socket stays bound and open, so that
   * {@link Socket#listen} resumes it. Through a fresh wrapper of the same descriptor: a {@link
   * Socket} calls shutdown(2) once in its life, and a paused socket may be paused again after a
   * resume.
   */
  public static void stopListening(Socket listening) throws IOException {
    new LinuxSocket(listening.intValue()).shutdown(true, false);
  }

  public static void setFreeBind(Socket s, boolean on) throws IOException {
    ((LinuxSocket) s).setIpFreeBind(on);
  }

  /**
   * Fails ("Address already in use") if a socket listens on {@code address}, whatever its options:
   * probed by binding a socket (AF_INET if {@code ipv4}, else dual-stack) that has SO_REUSEADDR
   * and, if asked, IP_FREEBIND, but not SO_REUSEPORT. Listeners that all set SO_REUSEPORT share an
   * address, so without this a frontend would silently share its port with another frontend or
   * process (a haproxy still running, a second vipd) instead of failing.
   */
  public static void checkNotListenedOn(boolean ipv4, InetSocketAddress address, boolean freebind)
      throws IOException {
    Socket probe = newStream(ipv4);
    try {
      probe.setReuseAddress(true);
      if (freebind) {
        setFreeBind(probe, true);
      }
      probe.bind(address);
    } finally {
      probe.close();
    }
  }
}
