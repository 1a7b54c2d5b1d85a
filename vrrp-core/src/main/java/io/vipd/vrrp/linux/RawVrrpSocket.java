package io.vipd.vrrp.linux;

import io.vipd.vrrp.packet.IpHeaderInfo;
import io.vipd.vrrp.port.ReceivedDatagram;
import io.vipd.vrrp.port.VrrpSocket;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * A raw IP socket for protocol 112 (VRRP) on one interface, one address family.
 *
 * <p>Sends with TTL / hop limit 255 (RFC 3768 5.1.1.3, RFC 9568 5.1.1.3), TOS / traffic class 0xc0
 * (network control, as keepalived), the configured source address (set per datagram with IP_PKTINFO
 * / IPV6_PKTINFO, because binding a raw socket to a local address would also filter out the
 * multicast it must receive), and multicast loopback off. Receives what arrives on the interface
 * for protocol 112: the group if joined, and unicast to any local address.
 *
 * <p>IPv4 raw sockets deliver the IP header; it is parsed for source, destination and TTL and cut
 * off. IPv6 raw sockets deliver the payload only; the hop limit and destination come from
 * IPV6_HOPLIMIT / IPV6_PKTINFO control messages, the source from the socket address. The kernel
 * neither computes nor checks the VRRP checksum (IPV6_CHECKSUM is deliberately not set): the codec
 * does both, so that bad checksums are counted rather than silently dropped. For the same reason a
 * datagram whose header or control messages cannot be read is returned as {@link
 * ReceivedDatagram#unreadable()}, not swallowed.
 *
 * <p>Not thread-safe: owned by the VRRP runtime thread.
 */
public final class RawVrrpSocket implements VrrpSocket {

  /** IANA protocol number of VRRP. */
  public static final int IPPROTO_VRRP = 112;

  /** The IPv4 VRRP group 224.0.0.18 (RFC 3768 5.2.2). */
  public static final Inet4Address IPV4_GROUP = (Inet4Address) literal("224.0.0.18");

  /** The IPv6 VRRP group ff02::12 (RFC 9568 5.1.2.2). */
  public static final Inet6Address IPV6_GROUP = (Inet6Address) literal("ff02::12");

  /** IP TOS / IPv6 traffic class: DSCP CS6 (network control), what keepalived sends. */
  public static final int TOS_NETWORK_CONTROL = 0xc0;

  private static final int TTL = 255;
  private static final int MAX_DATAGRAM = 65_535;
  private static final int IPPROTO_IP = 0;
  private static final int IP_TOS = 1;
  private static final int IP_TTL = 2;
  private static final int IP_PKTINFO = 8;
  private static final int IP_MULTICAST_IF = 32;
  private static final int IP_MULTICAST_TTL = 33;
  private static final int IP_MULTICAST_LOOP = 34;
  private static final int IP_ADD_MEMBERSHIP = 35;
  private static final int IP_MULTICAST_ALL = 49;
  private static final int IPPROTO_IPV6 = 41;
  private static final int IPV6_UNICAST_HOPS = 16;
  private static final int IPV6_MULTICAST_IF = 17;
  private static final int IPV6_MULTICAST_HOPS = 18;
  private static final int IPV6_MULTICAST_LOOP = 19;
  private static final int IPV6_ADD_MEMBERSHIP = 20;
  private static final int IPV6_MULTICAST_ALL = 29;
  private static final int IPV6_RECVPKTINFO = 49;
  private static final int IPV6_PKTINFO = 50;
  private static final int IPV6_RECVHOPLIMIT = 51;
  private static final int IPV6_HOPLIMIT = 52;
  private static final int IPV6_TCLASS = 67;

  private final NativeSocket socket;
  private final boolean ipv6;
  private final int ifIndex;
  private final byte[] sendControl;
  private final MessageBuffers rx;

  /**
   * The index of the interface this socket was opened on. Sockets stay bound to it: if the
   * interface is deleted and created again under the same name (a new index), they must be opened
   * anew.
   */
  public int interfaceIndex() {
    return ifIndex;
  }

  /** The current index of {@code interfaceName}, or -1 when there is no such interface now. */
  public static int currentIndex(String interfaceName) {
    try {
      return Interfaces.index(interfaceName);
    } catch (SyscallException e) {
      return -1;
    }
  }

  private RawVrrpSocket(NativeSocket socket, boolean ipv6, int ifIndex, byte[] sendControl) {
    this.socket = socket;
    this.ipv6 = ipv6;
    this.ifIndex = ifIndex;
    this.sendControl = sendControl;
    this.rx = new MessageBuffers(MAX_DATAGRAM, 28, 256);
  }

  /**
   * Opens an IPv4 VRRP socket (VRRPv2 or v3 over IPv4) in the calling thread's network namespace.
   *
   * @param interfaceName the interface to send and receive on
   * @param source the source address of adverts: the interface's primary IPv4 address
   * @param joinGroup join 224.0.0.18 (multicast mode); {@code false} for unicast peers only
   */
  public static RawVrrpSocket openIpv4(String interfaceName, Inet4Address source, boolean joinGroup)
      throws IOException {
    int ifIndex = Interfaces.index(interfaceName);
    NativeSocket s =
        NativeSocket.open(
            SockAddrs.AF_INET,
            NativeSocket.SOCK_RAW,
            IPPROTO_VRRP,
            "socket(AF_INET, SOCK_RAW, 112)",
            "on " + interfaceName);
    try {
      s.bindToDevice(interfaceName);
      s.setInt(IPPROTO_IP, IP_TOS, TOS_NETWORK_CONTROL, "IP_TOS");
      s.setInt(IPPROTO_IP, IP_TTL, TTL, "IP_TTL");
      s.setInt(IPPROTO_IP, IP_MULTICAST_TTL, TTL, "IP_MULTICAST_TTL");
      s.setInt(IPPROTO_IP, IP_MULTICAST_LOOP, 0, "IP_MULTICAST_LOOP");
      s.setInt(IPPROTO_IP, IP_MULTICAST_ALL, 0, "IP_MULTICAST_ALL");
      s.setBytes(
          IPPROTO_IP,
          IP_MULTICAST_IF,
          SockAddrs.ipMreqn(null, source, ifIndex),
          "IP_MULTICAST_IF " + source.getHostAddress());
      if (joinGroup) {
        s.setBytes(
            IPPROTO_IP,
            IP_ADD_MEMBERSHIP,
            SockAddrs.ipMreqn(IPV4_GROUP, null, ifIndex),
            "IP_ADD_MEMBERSHIP 224.0.0.18");
      }
      byte[] control =
          ControlMessages.of(IPPROTO_IP, IP_PKTINFO, SockAddrs.inPktinfo(ifIndex, source));
      return new RawVrrpSocket(s, false, ifIndex, control);
    } catch (IOException | RuntimeException e) {
      closeQuietlyInto(s, e);
      throw e;
    }
  }

  /**
   * Opens an IPv6 VRRPv3 socket in the calling thread's network namespace.
   *
   * @param interfaceName the interface to send and receive on
   * @param source the source address of adverts: the interface's link-local address
   * @param joinGroup join ff02::12 (multicast mode); {@code false} for unicast peers only
   */
  public static RawVrrpSocket openIpv6(String interfaceName, Inet6Address source, boolean joinGroup)
      throws IOException {
    int ifIndex = Interfaces.index(interfaceName);
    NativeSocket s =
        NativeSocket.open(
            SockAddrs.AF_INET6,
            NativeSocket.SOCK_RAW,
            IPPROTO_VRRP,
            "socket(AF_INET6, SOCK_RAW, 112)",
            "on " + interfaceName);
    try {
      s.bindToDevice(interfaceName);
      s.setInt(IPPROTO_IPV6, IPV6_TCLASS, TOS_NETWORK_CONTROL, "IPV6_TCLASS");
      s.setInt(IPPROTO_IPV6, IPV6_UNICAST_HOPS, TTL, "IPV6_UNICAST_HOPS");
      s.setInt(IPPROTO_IPV6, IPV6_MULTICAST_HOPS, TTL, "IPV6_MULTICAST_HOPS");
      s.setInt(IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 0, "IPV6_MULTICAST_LOOP");
      s.setInt(IPPROTO_IPV6, IPV6_MULTICAST_ALL, 0, "IPV6_MULTICAST_ALL");
      s.setInt(IPPROTO_IPV6, IPV6_MULTICAST_IF, ifIndex, "IPV6_MULTICAST_IF");
      s.setInt(IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1, "IPV6_RECVHOPLIMIT");
      s.setInt(IPPROTO_IPV6, IPV6_RECVPKTINFO, 1, "IPV6_RECVPKTINFO");
      if (joinGroup) {
        s.setBytes(
            IPPROTO_IPV6,
            IPV6_ADD_MEMBERSHIP,
            SockAddrs.ipv6Mreq(IPV6_GROUP, ifIndex),
            "IPV6_ADD_MEMBERSHIP ff02::12");
      }
      byte[] control =
          ControlMessages.of(IPPROTO_IPV6, IPV6_PKTINFO, SockAddrs.in6Pktinfo(source, ifIndex));
      return new RawVrrpSocket(s, true, ifIndex, control);
    } catch (IOException | RuntimeException e) {
      closeQuietlyInto(s, e);
      throw e;
    }
  }

  @Override
  public void send(byte[] vrrpMessage, InetAddress destination) throws IOException {
    if ((destination instanceof Inet6Address) != ipv6) {
      throw new IllegalArgumentException(
          "destination " + destination + " is not " + (ipv6 ? "IPv6" : "IPv4"));
    }
    socket.sendMsg(
        vrrpMessage,
        SockAddrs.sockaddr(destination, ifIndex),
        sendControl,
        "to " + destination.getHostAddress());
  }

  @Override
  public ReceivedDatagram receive(long timeoutNanos) throws IOException {
    if (!socket.awaitReadable(timeoutNanos)) {
      return null;
    }
    long n = socket.receive(rx);
    if (n < 0) {
      return null;
    }
    byte[] datagram = new byte[(int) Math.min(n, MAX_DATAGRAM)];
    rx.data().get(0, datagram, 0, datagram.length);
    return ipv6 ? ipv6Datagram(datagram, rx) : ipv4Datagram(datagram);
  }

  /**
   * Cuts the IPv4 header off. The kernel validated the header before delivering the packet; a
   * datagram that still does not look like IPv4 is unreadable, never thrown.
   */
  static ReceivedDatagram ipv4Datagram(byte[] d) throws UnknownHostException {
    if (d.length < 20 || (d[0] & 0xf0) != 0x40) {
      return ReceivedDatagram.unreadable();
    }
    int headerLength = (d[0] & 0x0f) * 4;
    if (headerLength < 20 || headerLength > d.length) {
      return ReceivedDatagram.unreadable();
    }
    InetAddress src = InetAddress.getByAddress(java.util.Arrays.copyOfRange(d, 12, 16));
    InetAddress dst = InetAddress.getByAddress(java.util.Arrays.copyOfRange(d, 16, 20));
    byte[] payload = java.util.Arrays.copyOfRange(d, headerLength, d.length);
    return new ReceivedDatagram(payload, new IpHeaderInfo(src, dst, d[8] & 0xff));
  }

  /**
   * IPv6 raw sockets hand up no header: source, destination and hop limit come from what recvmsg
   * left in {@code rx}. Without all three the codec could check nothing, so the datagram is
   * unreadable (also when the kernel truncated the control messages, MSG_CTRUNC).
   */
  static ReceivedDatagram ipv6Datagram(byte[] payload, MessageBuffers rx)
      throws UnknownHostException {
    if (rx.nameLength() < 24) {
      return ReceivedDatagram.unreadable();
    }
    byte[] src = new byte[16];
    rx.name().get(8, src, 0, 16);
    int controlLength = rx.controlLength();
    int hop = ControlMessages.find(rx.control(), controlLength, IPPROTO_IPV6, IPV6_HOPLIMIT, 4);
    int info = ControlMessages.find(rx.control(), controlLength, IPPROTO_IPV6, IPV6_PKTINFO, 20);
    if (hop < 0 || info < 0) {
      return ReceivedDatagram.unreadable();
    }
    byte[] dst = new byte[16];
    rx.control().get(info, dst, 0, 16);
    int hopLimit = rx.control().getInt(hop);
    return new ReceivedDatagram(
        payload,
        new IpHeaderInfo(InetAddress.getByAddress(src), InetAddress.getByAddress(dst), hopLimit));
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  private static void closeQuietlyInto(NativeSocket s, Exception failure) {
    try {
      s.close();
    } catch (IOException closeFailure) {
      failure.addSuppressed(closeFailure);
    }
  }

  private static InetAddress literal(String address) {
    try {
      return InetAddress.getByName(address);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
