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
   * @param budget the read buffers all loops may hold together
   * @param waits how the loops wait for events
   */
  public RelayEventLoopGroup(
      int threads,
      ThreadFactory factory,
      int readSize,
      ByteBufAllocator allocator,
      RelayBufferBudget budget,
      RelayWaits waits) {
    super(threads, factory, readSize, allocator, budget, waits);
  }

  /** Loops that sleep at once when idle, with a budget of 3/4 of the direct memory limit. */
  public RelayEventLoopGroup(
      int threads, ThreadFactory factory, int readSize, ByteBufAllocator allocator) {
    this(
        threads,
        factory,
        readSize,
        allocator,
        RelayBufferBudget.ofBytes(
            io.netty.util.internal.PlatformDependent.maxDirectMemory(), 0.75, readSize),
        RelayWaits.SLEEP);
  }

  @Override
  protected EventLoop newChild(Executor executor, Object... args) {
    return new RelayEventLoop(
        this,
        executor,
        (Integer) args[0],
        (ByteBufAllocator) args[1],
        (RelayBufferBudget) args[2],
        (RelayWaits) args[3]);
  }
}
