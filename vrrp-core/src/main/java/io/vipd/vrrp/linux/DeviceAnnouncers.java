package io.vipd.vrrp.linux;

import io.vipd.vrrp.port.LinkAnnouncer;
import io.vipd.vrrp.port.VirtualAddress;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An instance's announcer for virtual addresses on several devices: each address is announced on
 * its own device ({@code dev} in its line), from that device's MAC, as keepalived does; the
 * instance's interface has the announcer it was opened with, another device one opened the first
 * time one of its addresses is announced. An announcer whose send fails is closed and opened again
 * next time: its device may have been deleted and created again under another index. Not
 * thread-safe: the instance's runtime thread announces.
 */
public final class DeviceAnnouncers implements LinkAnnouncer, Closeable {
  /** Opens the announcer of a device. */
  @FunctionalInterface
  public interface Opener {
    LinkAnnouncer open(String interfaceName) throws IOException;
  }

  private static final Logger LOG = LoggerFactory.getLogger(DeviceAnnouncers.class);

  /** A device without ARP or NDP (no Ethernet address): nothing to send there. */
  private static final LinkAnnouncer NOTHING_TO_ANNOUNCE = vip -> {};

  private final String interfaceName;
  private final LinkAnnouncer own;
  private final Opener opener;
  private final Map<String, LinkAnnouncer> others = new HashMap<>();

  /**
   * @param interfaceName the instance's interface, which {@code own} announces on
   * @param opener opens the announcer of another device (in the instance's network namespace)
   */
  public DeviceAnnouncers(String interfaceName, LinkAnnouncer own, Opener opener) {
    this.interfaceName = interfaceName;
    this.own = own;
    this.opener = opener;
  }

  /** The instance's interface's announcer and {@link PacketSocketAnnouncer}s for the others. */
  public static DeviceAnnouncers open(String interfaceName) throws IOException {
    return new DeviceAnnouncers(
        interfaceName, PacketSocketAnnouncer.open(interfaceName), PacketSocketAnnouncer::open);
  }

  @Override
  public void announce(InetAddress vip) throws IOException {
    own.announce(vip);
  }

  @Override
  public void announce(VirtualAddress vip) throws IOException {
    String device = vip.interfaceName();
    if (device.equals(interfaceName)) {
      own.announce(vip.address());
      return;
    }
    LinkAnnouncer a = others.get(device);
    if (a == null) {
      try {
        a = opener.open(device);
      } catch (NoEthernetAddressException e) {
        // said once; its addresses are then skipped, as before this announcer existed they went
        // out on the instance's interface, to no one who reaches them over this device
        LOG.info("virtual addresses on {} are not announced: {}", device, e.getMessage());
        a = NOTHING_TO_ANNOUNCE;
      }
      others.put(device, a);
    }
    try {
      a.announce(vip.address());
    } catch (IOException e) {
      others.remove(device);
      closeQuietly(a);
      throw e;
    }
  }

  @Override
  public void close() throws IOException {
    try {
      others.values().forEach(DeviceAnnouncers::closeQuietly);
      others.clear();
    } finally {
      if (own instanceof Closeable c) {
        c.close();
      }
    }
  }

  private static void closeQuietly(LinkAnnouncer a) {
    if (a instanceof Closeable c) {
      try {
        c.close();
      } catch (IOException e) {
        // its socket is gone either way
      }
    }
  }

  @Override
  public String toString() {
    return "DeviceAnnouncers[" + interfaceName + " " + others.keySet() + "]";
  }
}
