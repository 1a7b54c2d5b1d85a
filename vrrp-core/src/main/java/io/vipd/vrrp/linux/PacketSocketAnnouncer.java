package io.vipd.vrrp.linux;

import io.vipd.vrrp.announce.GratuitousArpFrame;
import io.vipd.vrrp.announce.UnsolicitedNaFrame;
import io.vipd.vrrp.port.LinkAnnouncer;
import java.io.Closeable;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link LinkAnnouncer} that writes the frame builders' Ethernet frames to an AF_PACKET socket
 * (packet(7), SOCK_RAW, protocol 0: send only, nothing is queued for receiving). The source MAC is
 * the interface's own, read over rtnetlink when the announcer is opened and looked for again at
 * most once a second before an announcement (from sysfs, which takes no rtnl lock): a bond with
 * {@code fail_over_mac=active}, or {@code ip link set address}, changes it under the same
 * interface, and announcing the old one would send the VIP's traffic to a MAC no longer there, as
 * keepalived avoids by following the link's address. Not thread-safe.
 */
public final class PacketSocketAnnouncer implements LinkAnnouncer, Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(PacketSocketAnnouncer.class);

  private static final byte[] BROADCAST = {-1, -1, -1, -1, -1, -1};
  private static final byte[] ALL_NODES = {0x33, 0x33, 0, 0, 0, 1};
  private static final int ETH_P_ARP = 0x0806;
  private static final int ETH_P_IPV6 = 0x86dd;

  private final String interfaceName;
  private final int ifIndex;
  private byte[] mac;
  private long macCheckedAt = System.nanoTime();
  private final Path macFile;
  private final Path forwardingFile;
  private final NativeSocket socket;

  private PacketSocketAnnouncer(String interfaceName, int ifIndex, byte[] mac, NativeSocket s) {
    this.interfaceName = interfaceName;
    this.ifIndex = ifIndex;
    this.mac = mac;
    this.socket = s;
    this.macFile = Path.of("/sys/class/net", interfaceName, "address");
    this.forwardingFile = Path.of("/proc/sys/net/ipv6/conf", interfaceName, "forwarding");
  }

  /** Opens an announcer for {@code interfaceName} in the calling thread's network namespace. */
  public static PacketSocketAnnouncer open(String interfaceName) throws IOException {
    var link = lookUp(interfaceName);
    byte[] mac = link.macAddress();
    if (mac.length != 6) {
      throw new NoEthernetAddressException(
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

  /** The interface's MAC now, looked for at most once a second; the last one known otherwise. */
  private byte[] currentMac() {
    long now = System.nanoTime();
    if (now - macCheckedAt < MAC_CHECK_NANOS) {
      return mac;
    }
    macCheckedAt = now;
    try {
      String text = Files.readString(macFile).strip();
      byte[] read = HexFormat.ofDelimiter(":").parseHex(text);
      if (read.length == 6 && !Arrays.equals(read, mac)) {
        LOG.info(
            "interface {}: its MAC is now {} (was {}): announcing with it",
            interfaceName,
            text,
            HexFormat.ofDelimiter(":").formatHex(mac));
        mac = read;
      }
    } catch (IOException | RuntimeException e) {
      // no sysfs here (or the interface is going): the last MAC known
    }
    return mac;
  }

  private static final long MAC_CHECK_NANOS = 1_000_000_000L;

  /**
   * Whether the interface forwards IPv6 ({@code net.ipv6.conf.<if>.forwarding}), read at each NA as
   * keepalived reads it: the NA's Router flag. False if it cannot be read.
   */
  private boolean forwardsIpv6() {
    try {
      return Files.readString(forwardingFile).strip().equals("1");
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  @Override
  public void announce(InetAddress vip) throws IOException {
    if (vip instanceof Inet4Address v4) {
      socket.sendTo(
          GratuitousArpFrame.build(currentMac(), v4),
          SockAddrs.sockaddrLl(ifIndex, ETH_P_ARP, BROADCAST),
          "gratuitous ARP for " + v4.getHostAddress());
    } else {
      Inet6Address v6 = (Inet6Address) vip;
      socket.sendTo(
          UnsolicitedNaFrame.build(currentMac(), v6, forwardsIpv6()),
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
