package io.vipd.health.check;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * The threads checks run on: a Netty event loop group (native epoll where available, NIO otherwise)
 * shared by every network check, and a small executor for the few things that block (fork/exec,
 * reading a file).
 */
public final class CheckExecutors {

  private CheckExecutors() {}

  /**
   * A new event loop group with daemon threads named {@code <name>-N}: epoll when the native
   * transport loads, NIO otherwise.
   */
  public static EventLoopGroup newEventLoopGroup(int threads, String name) {
    DefaultThreadFactory threadFactory = new DefaultThreadFactory(name, true);
    return Epoll.isAvailable()
        ? new EpollEventLoopGroup(threads, threadFactory)
        : new NioEventLoopGroup(threads, threadFactory);
  }

  /** The client socket channel class that matches the group's transport. */
  public static Class<? extends SocketChannel> socketChannelClass(EventLoopGroup group) {
    EventLoopGroup parent = group instanceof EventLoop ? ((EventLoop) group).parent() : group;
    return parent instanceof EpollEventLoopGroup
        ? EpollSocketChannel.class
        : NioSocketChannel.class;
  }

  /**
   * An executor for blocking work (process start, output and file reads) and its timers: {@code
   * threads} daemon threads named {@code <name>-N}. Never pass an event loop where this is wanted.
   */
  public static ScheduledExecutorService newBlockingExecutor(int threads, String name) {
    ScheduledThreadPoolExecutor executor =
        new ScheduledThreadPoolExecutor(threads, new DefaultThreadFactory(name, true));
    executor.setRemoveOnCancelPolicy(true);
    return executor;
  }
}
