package io.vipd.health.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * A loopback TCP listener that never accepts: the kernel completes the TCP handshake from its
 * backlog, then nothing is ever read or written, like a hung server. Connect succeeds; TLS and HTTP
 * time out.
 */
public final class SilentServer implements AutoCloseable {

  private final ServerSocket socket;

  public SilentServer() {
    try {
      socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public InetSocketAddress address() {
    return (InetSocketAddress) socket.getLocalSocketAddress();
  }

  /**
   * A loopback address where nothing listens and nothing can start to: the port stays bound by a
   * socket that never listens, until the JVM exits. A port merely bound and released could be taken
   * by any other process before the test connects, or picked as the connecting socket's own
   * ephemeral port (a TCP self-connect); either turns "refused" into a flaky "connected".
   */
  public static InetSocketAddress refusedAddress() {
    return RefusedPorts.reserve();
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
