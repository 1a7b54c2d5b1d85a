package io.vipd.vrrp.linux;

import io.vipd.vrrp.linux.netlink.LinkEntry;
import io.vipd.vrrp.linux.netlink.LinkMessages;
import io.vipd.vrrp.linux.netlink.NetlinkMessage;
import io.vipd.vrrp.linux.netlink.RtNetlink;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * A NETLINK_ROUTE socket in the namespace of the thread that opened it: request/acknowledge round
 * trips, dumps, and (when opened with groups) multicast notifications. Not thread-safe.
 */
final class NetlinkSocket implements Closeable {

  static final ByteOrder ORDER = ByteOrder.nativeOrder();
  static final int EEXIST = 17;
  static final int ENODEV = 19;
  static final int EADDRNOTAVAIL = 99;
  static final int ENOBUFS = 105;

  private static final int RECEIVE_BUFFER = 65_536;
  private static final long REPLY_TIMEOUT_NANOS = 5_000_000_000L;
  private static final int MSG_TRUNC = 0x20;

  private final NativeSocket socket;
  private final MessageBuffers rx = new MessageBuffers(RECEIVE_BUFFER, 12, 0);
  private int sequence = 1;

  private NetlinkSocket(NativeSocket socket) {
    this.socket = socket;
  }

  /**
   * Opens and binds the socket.
   *
   * @param groups RTMGRP_* multicast groups to subscribe to, 0 for none
   * @param context what it is for, used in error messages
   */
  static NetlinkSocket open(int groups, String context) throws IOException {
    NativeSocket s =
        NativeSocket.open(
            SockAddrs.AF_NETLINK,
            NativeSocket.SOCK_RAW,
            RtNetlink.NETLINK_ROUTE,
            "socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE)",
            context);
    try {
      s.bind(SockAddrs.sockaddrNl(groups), "AF_NETLINK groups=0x" + Integer.toHexString(groups));
    } catch (IOException e) {
      s.close();
      throw e;
    }
    return new NetlinkSocket(s);
  }

  int nextSequence() {
    return sequence++;
  }

  /** The outcome of a request: the kernel's errno (0: success) and the data messages before it. */
  record Reply(int errno, List<NetlinkMessage> messages) {}

  /**
   * Sends a request carrying sequence number {@code seq} (ACK or DUMP flag set) and collects the
   * answer until its acknowledgement, error or NLMSG_DONE. Messages of other sequences
   * (notifications) are skipped.
   */
  Reply request(byte[] message, int seq, String what) throws IOException {
    socket.sendTo(message, SockAddrs.sockaddrNl(0), what);
    List<NetlinkMessage> data = new ArrayList<>();
    for (int round = 0; round < 10_000; round++) {
      for (NetlinkMessage m : receiveBatch(REPLY_TIMEOUT_NANOS, what)) {
        if (m.sequence() != seq) {
          continue;
        }
        if (m.type() == RtNetlink.NLMSG_ERROR) {
          return new Reply(m.errorCode(), data);
        }
        if (m.type() == RtNetlink.NLMSG_DONE) {
          return new Reply(0, data);
        }
        data.add(m);
      }
    }
    throw new IOException(what + ": no end of the kernel's reply after 10000 datagrams");
  }

  /**
   * Waits up to {@code timeoutNanos} for a datagram and returns its messages (empty on timeout).
   */
  List<NetlinkMessage> poll(long timeoutNanos, String what) throws IOException {
    if (!socket.awaitReadable(timeoutNanos)) {
      return List.of();
    }
    long n = socket.receive(rx);
    if (n < 0) {
      return List.of();
    }
    return parse(n, what);
  }

  /** The interface called {@code name}, via RTM_GETLINK; fails with ENODEV text when absent. */
  LinkEntry link(String name) throws IOException {
    int seq = nextSequence();
    Reply r = request(LinkMessages.getLink(seq, name, ORDER), seq, "RTM_GETLINK " + name);
    if (r.errno() != 0) {
      throw new SyscallException("RTM_GETLINK", "for interface " + name, r.errno());
    }
    for (NetlinkMessage m : r.messages()) {
      var entry = LinkEntry.parse(m);
      if (entry.isPresent() && entry.get().name().equals(name)) {
        return entry.get();
      }
    }
    throw new IOException("RTM_GETLINK for interface " + name + ": no answer describing it");
  }

  private List<NetlinkMessage> receiveBatch(long timeoutNanos, String what) throws IOException {
    if (!socket.awaitReadable(timeoutNanos)) {
      throw new IOException(
          what + " " + socket.context() + ": no reply from the kernel within 5 s");
    }
    long n = socket.receive(rx);
    return n < 0 ? List.of() : parse(n, what);
  }

  private List<NetlinkMessage> parse(long n, String what) throws IOException {
    if ((rx.flags() & MSG_TRUNC) != 0) {
      throw new IOException(what + ": netlink datagram larger than " + RECEIVE_BUFFER + " bytes");
    }
    // A fresh array per datagram: the parsed messages are views of it and outlive this call.
    byte[] datagram = new byte[(int) n];
    rx.data().get(0, datagram, 0, datagram.length);
    return NetlinkMessage.parseAll(datagram, datagram.length, ORDER);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
