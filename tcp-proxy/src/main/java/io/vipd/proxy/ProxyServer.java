package io.vipd.proxy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollChannelOption;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The L4 proxy: listens on every frontend and relays each connection, bytes untouched, to a server
 * of the frontend's backend.
 *
 * <p>Lifecycle: {@link #start} once, then {@link #stop}. Lifecycle methods are synchronized and may
 * be called from any thread; {@link #setServerUp} and {@link #status} are thread-safe and
 * lock-free.
 *
 * <p>Threads: {@link ProxyOptions#ioThreads()} event loops (epoll if available) serve listeners and
 * connections; a server connection always lives on its client connection's event loop.
 */
public final class ProxyServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ProxyServer.class);

  private final ProxyEvents events;
  private final ProxyOptions options;
  private final Transport transport;

  private EventLoopGroup group;
  private ProxyContext context;
  private final Map<String, BackendPool> pools = new LinkedHashMap<>();
  private final Map<String, Frontend> frontends = new LinkedHashMap<>();

  /** A proxy with default options reporting to {@code events}. */
  public ProxyServer(ProxyEvents events) {
    this(events, ProxyOptions.DEFAULTS);
  }

  public ProxyServer(ProxyEvents events, ProxyOptions options) {
    this.events = events;
    this.options = options;
    this.transport = Transport.select(options.nativeTransport());
  }

  /** True if connections use the native epoll transport, false for NIO. */
  public boolean nativeTransport() {
    return transport.epoll;
  }

  /**
   * Binds every frontend and starts serving. Either all frontends are bound on return or none is.
   *
   * @throws IOException if a frontend cannot bind (address in use, address not local without
   *     freebind, permission)
   * @throws IllegalStateException if already started
   */
  public synchronized void start(ProxySettings settings) throws IOException {
    if (group != null) {
      throw new IllegalStateException("already started");
    }
    group = transport.newGroup(options.ioThreads(), "vipd-proxy");
    context =
        new ProxyContext(events, transport, options, settings.maxConnections(), System::nanoTime);
    for (BackendSettings b : settings.backends()) {
      pools.put(b.name(), new BackendPool(b));
    }
    try {
      for (FrontendSettings f : settings.frontends()) {
        Frontend frontend = new Frontend(f, pools.get(f.backend()));
        frontend.listener = bind(frontend);
        frontends.put(f.name(), frontend);
      }
    } catch (IOException | RuntimeException e) {
      stop(Duration.ZERO);
      throw e;
    }
    log.info(
        "proxy started: {} frontends, {} backends, transport {}",
        frontends.size(),
        pools.size(),
        transport.epoll ? "epoll" : "nio");
  }

  private Channel bind(Frontend frontend) throws IOException {
    FrontendSettings f = frontend.settings;
    ServerBootstrap b =
        new ServerBootstrap()
            .group(group)
            .channel(transport.serverChannel)
            .option(ChannelOption.SO_REUSEADDR, true)
            .option(ChannelOption.SO_BACKLOG, 4096)
            .childOption(ChannelOption.AUTO_READ, false)
            .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, context.waterMark)
            .childHandler(new FrontendInitializer(context, frontend));
    if (f.freebind()) {
      if (transport.epoll) {
        b.option(EpollChannelOption.IP_FREEBIND, true);
      } else {
        log.warn("frontend {}: IP_FREEBIND needs the epoll transport; binding without", f.name());
      }
    }
    ChannelFuture bound = b.bind(f.bind()).awaitUninterruptibly();
    if (!bound.isSuccess()) {
      throw new IOException(
          "frontend " + f.name() + ": cannot bind " + f.bind() + ": " + bound.cause().getMessage(),
          bound.cause());
    }
    return bound.channel();
  }

  /**
   * The address a frontend listens on (useful when it was bound to port 0).
   *
   * @throws IllegalArgumentException if there is no such frontend
   */
  public InetSocketAddress localAddress(String frontend) {
    return (InetSocketAddress) frontend(frontend).listener.localAddress();
  }

  /**
   * Health seam: marks server {@code server} of backend {@code backend} up or down. See {@link
   * BackendPool#setServerUp}. Thread-safe.
   *
   * @return true if the state changed
   */
  public boolean setServerUp(String backend, String server, boolean up) {
    return backend(backend).setServerUp(server, up);
  }

  /** The pool of backend {@code name}, to feed its health. */
  public BackendPool backend(String name) {
    BackendPool pool = pools.get(name);
    if (pool == null) {
      throw new IllegalArgumentException("no backend " + name);
    }
    return pool;
  }

  private Frontend frontend(String name) {
    Frontend f = frontends.get(name);
    if (f == null) {
      throw new IllegalArgumentException("no frontend " + name);
    }
    return f;
  }

  /** Counters and state of every frontend and server; thread-safe, each value read atomically. */
  public ProxyStatus status() {
    List<FrontendStatus> fs = new ArrayList<>();
    for (Frontend f : frontends.values()) {
      fs.add(f.status());
    }
    List<ServerStatus> ss = new ArrayList<>();
    for (BackendPool p : pools.values()) {
      p.addStatus(ss);
    }
    return new ProxyStatus(context == null ? 0 : context.globalLimit.active(), fs, ss);
  }

  /**
   * Reload. Not implemented yet: the model is built for it (immutable settings, one {@link
   * BackendPool} per backend, sessions holding their own pool and server), so a reload will keep
   * listeners whose {@link FrontendSettings} are unchanged, bind new ones, close removed ones with
   * grace, and swap in new pools (carrying over up/down state by server name) while established
   * sessions finish on the pool they started with.
   *
   * @throws UnsupportedOperationException always, for now
   */
  public synchronized void apply(ProxySettings settings) {
    throw new UnsupportedOperationException("reload is not implemented yet; restart to apply");
  }

  /**
   * Stops accepting, lets established sessions finish for up to {@code grace}, closes the rest
   * ({@link CloseReason#PROXY_STOPPED}) and releases the event loops. Idempotent; blocks the caller
   * for at most about {@code grace} plus one second.
   */
  public synchronized void stop(Duration grace) {
    if (group == null) {
      return;
    }
    for (Frontend f : frontends.values()) {
      if (f.listener != null) {
        f.listener.close().awaitUninterruptibly();
      }
    }
    long deadline = System.nanoTime() + grace.toNanos();
    waitForSessions(deadline);
    for (ProxySession s : context.sessions) {
      s.closeFromAnyThread(CloseReason.PROXY_STOPPED);
    }
    waitForSessions(System.nanoTime() + TimeUnit.SECONDS.toNanos(1));
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    group = null;
    log.info("proxy stopped");
  }

  private void waitForSessions(long deadlineNanos) {
    while (!context.sessions.isEmpty() && System.nanoTime() - deadlineNanos < 0) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** {@code stop(Duration.ZERO)}. */
  @Override
  public void close() {
    stop(Duration.ZERO);
  }

  /** Test hook: the live sessions. */
  Iterable<ProxySession> sessions() {
    return context.sessions;
  }
}
