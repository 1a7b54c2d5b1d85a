package io.vipd.proxy;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.Errors;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Which connect failures are this node's shortage rather than the server's failure. */
class LocalConnectErrorsTest {

  @BeforeAll
  static void loadNettysNativeLayer() {
    ProxyHarness.require(Epoll.isAvailable(), "the native epoll transport");
  }

  @Test
  void portAndDescriptorShortagesAreLocal() {
    for (int errno : new int[] {11, 12, 23, 24, 98, 99, 105}) {
      assertTrue(
          LocalConnectErrors.isLocal(new Errors.NativeIoException("connect", -errno)),
          "errno " + errno);
    }
    assertTrue(LocalConnectErrors.isLocal(new BindException("Cannot assign requested address")));
    // NIO: Netty wraps the JDK's BindException with the address in the message
    java.net.SocketException annotated = new java.net.SocketException("... : /10.0.0.1:6443");
    annotated.initCause(new BindException("Cannot assign requested address"));
    assertTrue(LocalConnectErrors.isLocal(annotated));
    // what a failed connect(2) throws on epoll: Netty's own ConnectException with the errno
    IOException fromConnect =
        assertThrows(IOException.class, () -> Errors.handleConnectErrno("connect", -99));
    assertTrue(LocalConnectErrors.isLocal(fromConnect), fromConnect.toString());
  }

  @Test
  void whatTheServerOrTheNetworkDidIsNot() {
    assertFalse(LocalConnectErrors.isLocal(new ConnectException("Connection refused")));
    assertFalse(LocalConnectErrors.isLocal(new NoRouteToHostException("No route to host")));
    assertFalse(LocalConnectErrors.isLocal(new Errors.NativeIoException("connect", -110)));
    assertFalse(LocalConnectErrors.isLocal(new Errors.NativeIoException("connect", -104)));
    assertFalse(LocalConnectErrors.isLocal(new IOException("connect timed out")));
    IOException refused =
        assertThrows(IOException.class, () -> Errors.handleConnectErrno("connect", -111));
    assertFalse(LocalConnectErrors.isLocal(refused), refused.toString());
  }
}
