package io.netty.channel.epoll;

import static io.netty.channel.ChannelOption.ALLOW_HALF_CLOSURE;
import static io.netty.channel.ChannelOption.IP_TOS;
import static io.netty.channel.ChannelOption.SO_KEEPALIVE;
import static io.netty.channel.ChannelOption.SO_LINGER;
import static io.netty.channel.ChannelOption.SO_RCVBUF;
import static io.netty.channel.ChannelOption.SO_REUSEADDR;
import static io.netty.channel.ChannelOption.SO_SNDBUF;
import static io.netty.channel.ChannelOption.TCP_NODELAY;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelOption;
import io.netty.channel.MessageSizeEstimator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannelConfig;
import io.netty.util.internal.PlatformDependent;
import java.io.IOException;
import java.util.Map;

/**
 * The options of a {@link ProxyEpollSocketChannel}: the standard socket options and half-closure,
 * as {@link EpollSocketChannelConfig} has them, but no {@code getsockopt(SO_SNDBUF)} at creation
 * (Netty sizes its gathering writes from it; the relay's writes are bounded by the write-buffer
 * watermarks instead) and {@code SO_LINGER} remembered rather than read back on every close.
 */
public final class ProxyEpollSocketChannelConfig extends EpollChannelConfig
    implements SocketChannelConfig {
  private volatile boolean allowHalfClosure;
  private volatile int soLinger = -1; // the kernel's default: off

  /**
   * @param setNoDelay whether to turn TCP_NODELAY on (where Netty would by default); false for a
   *     socket that inherited it from its listener
   */
  ProxyEpollSocketChannelConfig(ProxyEpollSocketChannel channel, boolean setNoDelay) {
    super(channel);
    if (setNoDelay && PlatformDependent.canEnableTcpNoDelayByDefault()) {
      setTcpNoDelay(true);
    }
  }

  @Override
  public Map<ChannelOption<?>, Object> getOptions() {
    return getOptions(
        super.getOptions(),
        SO_RCVBUF,
        SO_SNDBUF,
        TCP_NODELAY,
        SO_KEEPALIVE,
        SO_REUSEADDR,
        SO_LINGER,
        IP_TOS,
        ALLOW_HALF_CLOSURE);
  }

  @SuppressWarnings("unchecked")
  @Override
  public <T> T getOption(ChannelOption<T> option) {
    if (option == SO_RCVBUF) {
      return (T) Integer.valueOf(getReceiveBufferSize());
    }
    if (option == SO_SNDBUF) {
      return (T) Integer.valueOf(getSendBufferSize());
    }
    if (option == TCP_NODELAY) {
      return (T) Boolean.valueOf(isTcpNoDelay());
    }
    if (option == SO_KEEPALIVE) {
      return (T) Boolean.valueOf(isKeepAlive());
    }
    if (option == SO_REUSEADDR) {
      return (T) Boolean.valueOf(isReuseAddress());
    }
    if (option == SO_LINGER) {
      return (T) Integer.valueOf(getSoLinger());
    }
    if (option == IP_TOS) {
      return (T) Integer.valueOf(getTrafficClass());
    }
    if (option == ALLOW_HALF_CLOSURE) {
      return (T) Boolean.valueOf(isAllowHalfClosure());
    }
    return super.getOption(option);
  }

  @Override
  public <T> boolean setOption(ChannelOption<T> option, T value) {
    validate(option, value);
    if (option == SO_RCVBUF) {
      setReceiveBufferSize((Integer) value);
    } else if (option == SO_SNDBUF) {
      setSendBufferSize((Integer) value);
    } else if (option == TCP_NODELAY) {
      setTcpNoDelay((Boolean) value);
    } else if (option == SO_KEEPALIVE) {
      setKeepAlive((Boolean) value);
    } else if (option == SO_REUSEADDR) {
      setReuseAddress((Boolean) value);
    } else if (option == SO_LINGER) {
      setSoLinger((Integer) value);
    } else if (option == IP_TOS) {
      setTrafficClass((Integer) value);
    } else if (option == ALLOW_HALF_CLOSURE) {
      setAllowHalfClosure((Boolean) value);
    } else {
      return super.setOption(option, value);
    }
    return true;
  }

  /** True if a close must linger (Netty then closes off the event loop); no system call. */
  boolean lingersOnClose() {
    return soLinger > 0;
  }

  // ---- socket options, read from and written to the socket ----

  @Override
  public int getReceiveBufferSize() {
    try {
      return socket().getReceiveBufferSize();
    } catch (IOException e) {
      throw new ChannelException(e);
    }
  }

  @Override
  public int getSendBufferSize() {
    try {
      return socket().getSendBufferSize();
    } catch (IOException e) {
      throw new ChannelException(e);
    }
  }

  @Override
  public int getSoLinger() {
    try {
      return socket().getSoLinger();
    } catch (IOException e) {
      throw new ChannelException(e);
    }
  }

  @Override
  public int getTrafficClass() {
    try {
      return socket().getTrafficClass();
    } catch (IOException e) {
      throw new ChannelException(e);
    }
  }

  @Override
  public boolean isKeepAlive() {
    try {
      return socket().isKeepAlive();
    } catch (IOException e) {
      throw new ChannelException(e);
    }
  }

  @Override
  public boolean isReuseAddress() {
    try {
      return socket().isReuseAddress();
    } catch (IOException e) {
      throw new ChannelException(e);
    }
  }

  @Override
  public boolean isTcpNoDelay() {
    try {
      return socket().isTcpNoDelay();
    } catch (IOException e) {
      throw new ChannelException(e);
    }
  }

  @Override
  public ProxyEpollSocketChannelConfig setKeepAlive(boolean keepAlive) {
    try {
      socket().setKeepAlive(keepAlive);
      return this;
    } catch (IOException e) {
      throw new ChannelException(e);
    }
  }

  @Override
  public ProxyEpollSocketChannelConfig setPerformancePreferences(
      int connectionTime, int latency, int bandwidth) {
    return this;
  }

  @Override
  public ProxyEpollSocketChannelConfig setReceiveBufferSize(int receiveBufferSize) {
    try {
      socket().setReceiveBufferSize(receiveBufferSize);
      return this;
    } catch (IOException e) {
      throw new ChannelException(e);
    }
  }

  @Override
  public ProxyEpollSocketChannelConfig setReuseAddress(boolean reuseAddress) {
    try {
      socket().setReuseAddress(reuseAddress);
      return this;
    } catch (IOException e) {
      throw new ChannelException(e);
    }
  }

  @Override
  public ProxyEpollSocketChannelConfig setSendBufferSize(int sendBufferSize) {
    try {
      socket().setSendBufferSize(sendBufferSize);
      return this;
    } catch (IOException e) {
      throw new ChannelException(e);
    }
  }

  @Override
  public ProxyEpollSocketChannelConfig setSoLinger(int soLinger) {
    try {
      socket().setSoLinger(soLinger);
      this.soLinger = soLinger;
      return this;
    } catch (IOException e) {
      throw new ChannelException(e);
    }
  }

  @Override
  public ProxyEpollSocketChannelConfig setTcpNoDelay(boolean tcpNoDelay) {
    try {
      socket().setTcpNoDelay(tcpNoDelay);
      return this;
    } catch (IOException e) {
      throw new ChannelException(e);
    }
  }

  @Override
  public ProxyEpollSocketChannelConfig setTrafficClass(int trafficClass) {
    try {
      socket().setTrafficClass(trafficClass);
      return this;
    } catch (IOException e) {
      throw new ChannelException(e);
    }
  }

  @Override
  public boolean isAllowHalfClosure() {
    return allowHalfClosure;
  }

  @Override
  public ProxyEpollSocketChannelConfig setAllowHalfClosure(boolean allowHalfClosure) {
    this.allowHalfClosure = allowHalfClosure;
    return this;
  }

  // ---- the generic options, narrowed to this type ----

  @Override
  public ProxyEpollSocketChannelConfig setConnectTimeoutMillis(int connectTimeoutMillis) {
    super.setConnectTimeoutMillis(connectTimeoutMillis);
    return this;
  }

  @Override
  @Deprecated
  public ProxyEpollSocketChannelConfig setMaxMessagesPerRead(int maxMessagesPerRead) {
    super.setMaxMessagesPerRead(maxMessagesPerRead);
    return this;
  }

  @Override
  public ProxyEpollSocketChannelConfig setWriteSpinCount(int writeSpinCount) {
    super.setWriteSpinCount(writeSpinCount);
    return this;
  }

  @Override
  public ProxyEpollSocketChannelConfig setAllocator(ByteBufAllocator allocator) {
    super.setAllocator(allocator);
    return this;
  }

  @Override
  public ProxyEpollSocketChannelConfig setRecvByteBufAllocator(RecvByteBufAllocator allocator) {
    super.setRecvByteBufAllocator(allocator);
    return this;
  }

  @Override
  public ProxyEpollSocketChannelConfig setAutoRead(boolean autoRead) {
    super.setAutoRead(autoRead);
    return this;
  }

  @Override
  public ProxyEpollSocketChannelConfig setAutoClose(boolean autoClose) {
    super.setAutoClose(autoClose);
    return this;
  }

  @Override
  @Deprecated
  public ProxyEpollSocketChannelConfig setWriteBufferHighWaterMark(int writeBufferHighWaterMark) {
    super.setWriteBufferHighWaterMark(writeBufferHighWaterMark);
    return this;
  }

  @Override
  @Deprecated
  public ProxyEpollSocketChannelConfig setWriteBufferLowWaterMark(int writeBufferLowWaterMark) {
    super.setWriteBufferLowWaterMark(writeBufferLowWaterMark);
    return this;
  }

  @Override
  public ProxyEpollSocketChannelConfig setWriteBufferWaterMark(
      WriteBufferWaterMark writeBufferWaterMark) {
    super.setWriteBufferWaterMark(writeBufferWaterMark);
    return this;
  }

  @Override
  public ProxyEpollSocketChannelConfig setMessageSizeEstimator(MessageSizeEstimator estimator) {
    super.setMessageSizeEstimator(estimator);
    return this;
  }

  /**
   * Edge-triggered only: the channel leaves EPOLLIN registered after end of stream (see {@link
   * ProxyEpollSocketChannel}), which level-triggered epoll would report on every wait.
   */
  @Override
  public ProxyEpollSocketChannelConfig setEpollMode(EpollMode mode) {
    if (mode != EpollMode.EDGE_TRIGGERED) {
      throw new IllegalArgumentException("ProxyEpollSocketChannel is edge-triggered only: " + mode);
    }
    super.setEpollMode(mode);
    return this;
  }
}
