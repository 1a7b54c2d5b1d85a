package io.vipd.proxy;

import org.junit.jupiter.api.Nested;

/**
 * Tests of the relay's behaviour run again over Netty's NIO channels ({@link ProxySession}), the
 * transport where native epoll is unavailable: both relays share {@link SessionBase}.
 */
class NioTransportTests {
  @Nested
  class Timeouts extends ProxyTimeoutTest {
    @Override
    boolean nativeTransport() {
      return false;
    }
  }

  @Nested
  class Queue extends ProxyQueueTest {
    @Override
    boolean nativeTransport() {
      return false;
    }
  }

  @Nested
  class Balancing extends ProxyBalancingTest {
    @Override
    boolean nativeTransport() {
      return false;
    }
  }
}
