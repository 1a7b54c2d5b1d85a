package io.netty.channel.epoll;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.channel.MultithreadEventLoopGroup;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;

/** The relay's {@link RelayEventLoop}s: one per thread. */
public final class RelayEventLoopGroup extends MultithreadEventLoopGroup {
  /**
   * @param readSize the most a relay reads at once (its buffers' size)
   * @param busyPolling whether the loops poll without ever sleeping (haproxy's busy-polling)
   */
  public RelayEventLoopGroup(
      int threads,
      ThreadFactory factory,
      int readSize,
      ByteBufAllocator allocator,
      boolean busyPolling) {
    super(threads, factory, readSize, allocator, busyPolling);
  }

  /** Loops that sleep when idle. */
  public RelayEventLoopGroup(
      int threads, ThreadFactory factory, int readSize, ByteBufAllocator allocator) {
    this(threads, factory, readSize, allocator, false);
  }

  @Override
  protected EventLoop newChild(Executor executor, Object... args) {
    return new RelayEventLoop(
        this, executor, (Integer) args[0], (ByteBufAllocator) args[1], (Boolean) args[2]);
  }
}
