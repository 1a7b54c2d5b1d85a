package io.vipd.vrrp.linux;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * An AF_PACKET receiver for tests: every Ethernet frame seen on one interface (both directions),
 * link-layer header included. Open it inside the namespace (see {@link NetnsLan#inNode}).
 */
final class PacketCapture implements Closeable {

  private static final int ETH_P_ALL = 0x0003;
  private static final long POLL_NANOS = 50_000_000L;

  private final NativeSocket socket;
  private final MessageBuffers rx = new MessageBuffers(65_536, 20, 0);
  private final List<byte[]> seen = new ArrayList<>();

  private PacketCapture(NativeSocket socket) {
    this.socket = socket;
  }

  static PacketCapture open(String interfaceName) throws IOException {
    int ifIndex = Interfaces.index(interfaceName);
    int protocol = Short.toUnsignedInt(Short.reverseBytes((short) ETH_P_ALL));
    NativeSocket s =
        NativeSocket.open(
            SockAddrs.AF_PACKET, NativeSocket.SOCK_RAW, protocol, "socket(AF_PACKET)", "test");
    s.bind(SockAddrs.sockaddrLl(ifIndex, ETH_P_ALL, new byte[0]), interfaceName);
    return new PacketCapture(s);
  }

  /**
   * Waits up to {@code timeoutMillis} for a frame matching {@code filter} (frames seen earlier
   * count too); returns it or {@code null}.
   */
  byte[] await(Predicate<byte[]> filter, long timeoutMillis) throws IOException {
    long rounds = Math.max(1, timeoutMillis * 1_000_000L / POLL_NANOS);
    for (long r = 0; r <= rounds; r++) {
      for (byte[] f : seen) {
        if (filter.test(f)) {
          return f;
        }
      }
      if (socket.awaitReadable(POLL_NANOS)) {
        long n;
        while ((n = socket.receive(rx)) >= 0) {
          byte[] frame = new byte[(int) n];
          rx.data().get(0, frame, 0, frame.length);
          seen.add(frame);
        }
      }
    }
    return null;
  }

  static int etherType(byte[] frame) {
    return frame.length < 14 ? -1 : ByteBuffer.wrap(frame).getShort(12) & 0xffff;
  }

  /** IPv4 frame carrying protocol {@code protocol}. */
  static boolean isIpv4(byte[] frame, int protocol) {
    return etherType(frame) == 0x0800 && frame.length >= 34 && (frame[23] & 0xff) == protocol;
  }

  /** IPv6 frame whose (first) next header is {@code nextHeader}. */
  static boolean isIpv6(byte[] frame, int nextHeader) {
    return etherType(frame) == 0x86dd && frame.length >= 54 && (frame[20] & 0xff) == nextHeader;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
