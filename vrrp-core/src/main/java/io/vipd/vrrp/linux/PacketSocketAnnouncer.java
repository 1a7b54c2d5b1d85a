package io.vipd.vrrp.linux;

import io.vipd.vrrp.announce.GratuitousArpFrame;
import io.vipd.vrrp.announce.UnsolicitedNaFrame;
import io.vipd.vrrp.port.LinkAnnouncer;
import java.io.Closeable;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * {@link LinkAnnouncer} that writes the frame builders' Ethernet frames to an AF_PACKET socket
 * (packet(7), SOCK_RAW, protocol 0: send only, nothing is queued for receiving). The source MAC is
 * the interface's own, read over rtnetlink when the announcer is opened. Not thread-safe.
 */
public final class PacketSocketAnnouncer implements LinkAnnouncer, Closeable {

  private static final byte[] BROADCAST = {-1, -1, -1, -1, -1, -1};
  private static final byte[] ALL_NODES = {0x33, 0x33, 0, 0, 0, 1};
  private static final int ETH_P_ARP = 0x0806;
  private static final int ETH_P_IPV6 = 0x86dd;

  private final String interfaceName;
  private final int ifIndex;
  private final byte[] mac;
  private final NativeSocket socket;

  private PacketSocketAnnouncer(String interfaceName, int ifIndex, byte[] mac, NativeSocket s) {
    this.interfaceName = interfaceName;
    this.ifIndex = ifIndex;
    this.mac = mac;
    this.socket = s;
  }

  /** Opens an announcer for {@code interfaceName} in the calling thread's network namespace. */
  public static PacketSocketAnnouncer open(String interfaceName) throws IOException {
    var link = lookUp(interfaceName);
    byte[] mac = link.macAddress();
    if (mac.length != 6) {
      throw new IOException(
          "interface " + interfaceName + " has no Ethernet address (length " + mac.length + ")");
    }
    NativeSocket s =
        NativeSocket.open(
            SockAddrs.AF_PACKET,
            NativeSocket.SOCK_RAW,
            0,
            "socket(AF_PACKET, SOCK_RAW, 0)",
            "on " + interfaceName);
    return new PacketSocketAnnouncer(interfaceName, link.ifIndex(), mac, s);
  }

  private static io.vipd.vrrp.linux.netlink.LinkEntry lookUp(String interfaceName)
      throws IOException {
    try (NetlinkSocket nl = NetlinkSocket.open(0, "looking up " + interfaceName)) {
      return nl.link(interfaceName);
    }
  }

  /** The source MAC address used in every frame. */
  public byte[] macAddress() {
    return mac.clone();
  }

  @Override
  public void announce(InetAddress vip) throws IOException {
    if (vip instanceof Inet4Address v4) {
      socket.sendTo(
          GratuitousArpFrame.build(mac, v4),
          SockAddrs.sockaddrLl(ifIndex, ETH_P_ARP, BROADCAST),
          "gratuitous ARP for " + v4.getHostAddress());
    } else {
      Inet6Address v6 = (Inet6Address) vip;
      socket.sendTo(
          UnsolicitedNaFrame.build(mac, v6),
          SockAddrs.sockaddrLl(ifIndex, ETH_P_IPV6, ALL_NODES),
          "unsolicited NA for " + v6.getHostAddress());
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  @Override
  public String toString() {
    return "PacketSocketAnnouncer[" + interfaceName + "]";
  }
}
