package io.vipd.vrrp.linux.netlink;

/**
 * Constants of netlink (linux/netlink.h) and rtnetlink (linux/rtnetlink.h, if_addr.h, if_link.h)
 * that vipd uses. Values are part of the kernel ABI and the same on every architecture.
 */
public final class RtNetlink {

  /** netlink protocol of the routing family. */
  public static final int NETLINK_ROUTE = 0;

  /** struct nlmsghdr length. */
  public static final int NLMSG_HDRLEN = 16;

  /** Message types. */
  public static final int NLMSG_ERROR = 2;

  public static final int NLMSG_DONE = 3;
  public static final int RTM_NEWLINK = 16;
  public static final int RTM_DELLINK = 17;
  public static final int RTM_GETLINK = 18;
  public static final int RTM_NEWADDR = 20;
  public static final int RTM_DELADDR = 21;
  public static final int RTM_GETADDR = 22;

  /** Header flags. */
  public static final int NLM_F_REQUEST = 0x1;

  public static final int NLM_F_MULTI = 0x2;
  public static final int NLM_F_ACK = 0x4;
  public static final int NLM_F_DUMP = 0x300;
  public static final int NLM_F_EXCL = 0x200;
  public static final int NLM_F_CREATE = 0x400;

  /** Replace an existing object (with RTM_NEWADDR: update its lifetimes). */
  public static final int NLM_F_REPLACE = 0x100;

  /** Multicast group bitmask for link events (RTMGRP_LINK). */
  public static final int RTMGRP_LINK = 0x1;

  /** Address attributes (IFA_*). */
  public static final int IFA_ADDRESS = 1;

  public static final int IFA_LOCAL = 2;
  public static final int IFA_LABEL = 3;

  /** struct ifa_cacheinfo: preferred and valid lifetimes in seconds. */
  public static final int IFA_CACHEINFO = 6;

  /** Lifetime meaning "forever" in ifa_cacheinfo. */
  public static final int INFINITY_LIFE_TIME = 0xFFFFFFFF;

  public static final int IFA_FLAGS = 8;

  /** Address flags (IFA_F_*). */
  public static final int IFA_F_SECONDARY = 0x01;

  public static final int IFA_F_NODAD = 0x02;

  /** Link attributes (IFLA_*). */
  public static final int IFLA_ADDRESS = 1;

  public static final int IFLA_IFNAME = 3;

  /** Interface flags (IFF_*). */
  public static final int IFF_UP = 0x1;

  public static final int IFF_RUNNING = 0x40;

  /** Address families. */
  public static final int AF_UNSPEC = 0;

  public static final int AF_INET = 2;
  public static final int AF_INET6 = 10;

  private RtNetlink() {}
}
