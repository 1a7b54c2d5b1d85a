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
   */
  public RelayEventLoopGroup(
      int threads, ThreadFactory factory, int readSize, ByteBufAllocator allocator) {
    super(threads, factory, readSize, allocator);
  }

  @Override
  protected EventLoop newChild(Executor executor, Object... args) {
    return new RelayEventLoop(this, executor, (Integer) args[0], (ByteBufAllocator) args[1]);
  }
}
