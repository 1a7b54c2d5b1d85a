package io.vipd.health.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * Loopback ports that refuse connections for the life of the test JVM: each is bound by a TCP
 * socket that never listens, so the kernel answers a SYN with a reset, no other socket can bind it,
 * and no connect picks it as its ephemeral source port.
 */
public final class RefusedPorts {

  private static final List<SocketChannel> HELD = new ArrayList<>();

  private RefusedPorts() {}

  public static synchronized InetSocketAddress reserve() {
    try {
      SocketChannel ch = SocketChannel.open();
      ch.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      HELD.add(ch);
      return (InetSocketAddress) ch.getLocalAddress();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
