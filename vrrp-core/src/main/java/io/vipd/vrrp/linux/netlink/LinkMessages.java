package io.vipd.vrrp.linux.netlink;

import java.nio.ByteOrder;

/** Builds RTM_GETLINK requests (rtnetlink(7), struct ifinfomsg). Pure. */
public final class LinkMessages {

  private LinkMessages() {}

  /**
   * Asks for one interface by name, acknowledged: answered by one RTM_NEWLINK (or ENODEV), then the
   * acknowledgement.
   */
  public static byte[] getLink(int sequence, String interfaceName, ByteOrder order) {
    NetlinkWriter w =
        new NetlinkWriter(
            RtNetlink.RTM_GETLINK, RtNetlink.NLM_F_REQUEST | RtNetlink.NLM_F_ACK, sequence, order);
    w.u8(RtNetlink.AF_UNSPEC).u8(0).u16(0).u32(0).u32(0).u32(0);
    w.attribute(RtNetlink.IFLA_IFNAME, interfaceName);
    return w.finish();
  }
}
