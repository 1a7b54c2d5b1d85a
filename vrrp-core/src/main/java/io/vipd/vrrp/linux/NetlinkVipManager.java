package io.vipd.vrrp.linux;

import io.vipd.vrrp.linux.netlink.AddressEntry;
import io.vipd.vrrp.linux.netlink.AddressMessages;
import io.vipd.vrrp.linux.netlink.NetlinkMessage;
import io.vipd.vrrp.port.VipManager;
import io.vipd.vrrp.port.VirtualAddress;
import java.io.Closeable;
import java.io.IOException;
import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@link VipManager} over rtnetlink: RTM_NEWADDR / RTM_DELADDR, acknowledged, and an RTM_GETADDR
 * dump for {@link #list}. Interface names are resolved over the same socket, so everything happens
 * in the network namespace the manager was opened in. Thread-safe: every instance's runtime
 * refreshes its VIPs through the daemon's one manager, so each call holds the manager for its round
 * trips (a reply read by another thread's call would be dropped as not its own, and its caller
 * would wait out the socket's timeout, sending no adverts meanwhile).
 */
public final class NetlinkVipManager implements VipManager, Closeable {

  private final NetlinkSocket socket;

  private NetlinkVipManager(NetlinkSocket socket) {
    this.socket = socket;
  }

  /** Opens a manager in the calling thread's network namespace. Needs CAP_NET_ADMIN to change. */
  public static NetlinkVipManager open() throws IOException {
    return new NetlinkVipManager(NetlinkSocket.open(0, "for virtual addresses"));
  }

  @Override
  public synchronized boolean add(VirtualAddress v) throws IOException {
    int ifIndex = socket.link(v.interfaceName()).ifIndex();
    int seq = socket.nextSequence();
    byte[] msg =
        AddressMessages.newAddress(
            seq,
            ifIndex,
            v.address(),
            v.prefixLength(),
            v.label().orElse(null),
            NetlinkSocket.ORDER);
    int errno = socket.request(msg, seq, "RTM_NEWADDR " + v).errno();
    if (errno == NetlinkSocket.EEXIST) {
      return false;
    }
    if (errno != 0) {
      throw new SyscallException("RTM_NEWADDR", "adding " + v, errno);
    }
    return true;
  }

  @Override
  public synchronized void install(VirtualAddress v, int lifetimeSeconds) throws IOException {
    int ifIndex = socket.link(v.interfaceName()).ifIndex();
    int seq = socket.nextSequence();
    byte[] msg =
        AddressMessages.installAddress(
            seq,
            ifIndex,
            v.address(),
            v.prefixLength(),
            v.label().orElse(null),
            lifetimeSeconds,
            NetlinkSocket.ORDER);
    int errno = socket.request(msg, seq, "RTM_NEWADDR " + v).errno();
    if (errno != 0) {
      throw new SyscallException("RTM_NEWADDR", "installing " + v, errno);
    }
  }

  @Override
  public synchronized boolean remove(VirtualAddress v) throws IOException {
    int ifIndex = socket.link(v.interfaceName()).ifIndex();
    int seq = socket.nextSequence();
    byte[] msg =
        AddressMessages.deleteAddress(
            seq, ifIndex, v.address(), v.prefixLength(), NetlinkSocket.ORDER);
    int errno = socket.request(msg, seq, "RTM_DELADDR " + v).errno();
    if (errno == NetlinkSocket.EADDRNOTAVAIL) {
      return false;
    }
    if (errno != 0) {
      throw new SyscallException("RTM_DELADDR", "removing " + v, errno);
    }
    return true;
  }

  @Override
  public synchronized List<VirtualAddress> list(String interfaceName) throws IOException {
    int ifIndex = socket.link(interfaceName).ifIndex();
    int seq = socket.nextSequence();
    NetlinkSocket.Reply r =
        socket.request(
            AddressMessages.dumpAddresses(seq, NetlinkSocket.ORDER), seq, "RTM_GETADDR dump");
    if (r.errno() != 0) {
      throw new SyscallException("RTM_GETADDR", "listing " + interfaceName, r.errno());
    }
    List<VirtualAddress> out = new ArrayList<>();
    for (NetlinkMessage m : r.messages()) {
      Optional<AddressEntry> e = AddressEntry.parse(m);
      if (e.isPresent() && e.get().ifIndex() == ifIndex) {
        out.add(toVirtualAddress(e.get(), interfaceName));
      }
    }
    return out;
  }

  private static VirtualAddress toVirtualAddress(AddressEntry e, String interfaceName) {
    Optional<String> label =
        e.address() instanceof Inet4Address
            ? e.label().filter(l -> !l.equals(interfaceName))
            : Optional.empty();
    return new VirtualAddress(e.address(), e.prefixLength(), interfaceName, label);
  }

  @Override
  public synchronized void close() throws IOException {
    socket.close();
  }
}
