package io.vipd.vrrp.linux;

import io.vipd.vrrp.linux.netlink.LinkEntry;
import io.vipd.vrrp.linux.netlink.NetlinkMessage;
import io.vipd.vrrp.linux.netlink.RtNetlink;
import io.vipd.vrrp.port.LinkMonitor;
import io.vipd.vrrp.port.LinkState;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * {@link LinkMonitor} from rtnetlink link notifications (RTNLGRP_LINK): the kernel pushes an
 * RTM_NEWLINK whenever flags or carrier change, and an RTM_DELLINK when the interface disappears;
 * no polling of {@code /sys}. The interface is followed by name, so a deleted and re-created
 * interface is seen coming back. If the kernel drops notifications (ENOBUFS), the state is read
 * again. Not thread-safe: one polling thread.
 */
public final class NetlinkLinkMonitor implements LinkMonitor {

  private final String interfaceName;
  private final NetlinkSocket events;
  private final NetlinkSocket queries;
  private LinkState current;

  private NetlinkLinkMonitor(String interfaceName, NetlinkSocket events, NetlinkSocket queries) {
    this.interfaceName = interfaceName;
    this.events = events;
    this.queries = queries;
  }

  /**
   * Starts watching {@code interfaceName} in the calling thread's network namespace. Subscribes
   * first and reads the state second, so no change in between is missed.
   *
   * @throws IOException when the interface does not exist or netlink fails
   */
  public static NetlinkLinkMonitor open(String interfaceName) throws IOException {
    NetlinkSocket events = NetlinkSocket.open(RtNetlink.RTMGRP_LINK, "watching " + interfaceName);
    NetlinkSocket queries = null;
    try {
      queries = NetlinkSocket.open(0, "querying " + interfaceName);
      NetlinkLinkMonitor m = new NetlinkLinkMonitor(interfaceName, events, queries);
      m.current = new LinkState(interfaceName, queries.link(interfaceName).isUp());
      return m;
    } catch (IOException | RuntimeException e) {
      events.close();
      if (queries != null) {
        queries.close();
      }
      throw e;
    }
  }

  @Override
  public LinkState current() {
    return current;
  }

  /**
   * {@inheritDoc}
   *
   * <p>May also return {@code null} before the timeout when only unrelated notifications (other
   * interfaces, or no change of up/down) arrived: the caller simply polls again.
   */
  @Override
  public LinkState poll(long timeoutNanos) throws IOException {
    List<NetlinkMessage> batch;
    try {
      batch = events.poll(timeoutNanos, "link notifications for " + interfaceName);
    } catch (SyscallException e) {
      if (e.errno() != NetlinkSocket.ENOBUFS) {
        throw e;
      }
      return resync();
    }
    Boolean up = null;
    for (NetlinkMessage m : batch) {
      Optional<LinkEntry> e = LinkEntry.parse(m);
      if (e.isPresent() && e.get().name().equals(interfaceName)) {
        up = e.get().isUp();
      }
    }
    return up == null ? null : changeTo(up);
  }

  private LinkState resync() throws IOException {
    boolean up;
    try {
      up = queries.link(interfaceName).isUp();
    } catch (SyscallException e) {
      if (e.errno() != NetlinkSocket.ENODEV) {
        throw e;
      }
      up = false;
    }
    return changeTo(up);
  }

  private LinkState changeTo(boolean up) {
    if (up == current.up()) {
      return null;
    }
    current = new LinkState(interfaceName, up);
    return current;
  }

  @Override
  public void close() throws IOException {
    try {
      events.close();
    } finally {
      queries.close();
    }
  }
}
