package io.vipd.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.RelayBufferBudget;
import io.netty.channel.epoll.RelayEventLoop;
import io.netty.util.concurrent.EventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The L4 proxy: listens on every frontend and relays each connection, bytes untouched, to a server
 * of the frontend's backend.
 *
 * <p>Lifecycle: {@link #start} once, {@link #apply} (reload) any number of times, then {@link
 * #stop}. Lifecycle methods and {@link #setServerUp} are synchronized and may be called from any
 * thread; {@link #status} is thread-safe and lock-free.
 *
 * <p>Threads: {@link ProxyOptions#ioThreads()} event loops (epoll if available) serve listeners and
 * connections; a server connection always lives on its client connection's event loop.
 */
public final class ProxyServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ProxyServer.class);

  private final ProxyEvents events;
  private final ProxyOptions options;
  private final Transport transport;

  private volatile EventLoopGroup group;
  private volatile RelayBufferBudget relayBuffers;

  /** The loops are being shut down, one after the other: no longer a liveness matter. */
  private volatile boolean stoppingLoops;

  private ProxyContext context;

  /** Immutable snapshots, replaced whole by {@link #apply}; read lock-free. */
  private volatile Map<String, BackendPool> pools = Map.of();

  private volatile Map<String, Frontend> frontends = Map.of();

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
   * The relay's event loops, for a liveness probe; empty before the start. Not under this object's
   * lock, which a stop holds while it drains.
   */
  public Optional<EventLoopGroup> eventLoops() {
    return stoppingLoops ? Optional.empty() : Optional.ofNullable(group);
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
    int readSize = ProxyContext.readSize(options.writeHighWaterMark());
    relayBuffers = Transport.bufferBudget(options.relayBuffers(), readSize);
    group =
        transport.newGroup(
            options.ioThreads(), "vipd-proxy", readSize, options.waits(), relayBuffers);
    context =
        new ProxyContext(events, transport, options, settings.maxConnections(), System::nanoTime);
    Map<String, BackendPool> newPools = new LinkedHashMap<>();
    for (BackendSettings b : settings.backends()) {
      BackendPool pool = new BackendPool(b);
      pool.commit(group.next());
      newPools.put(b.name(), pool);
    }
    pools = Collections.unmodifiableMap(newPools);
    Map<String, Frontend> bound = new LinkedHashMap<>();
    try {
      for (FrontendSettings f : settings.frontends()) {
        Frontend frontend = new Frontend(f, newPools.get(f.backend()));
        bound.put(f.name(), frontend);
        frontend.listener = bind(f, frontend, settings.maxConnections());
      }
    } catch (IOException | RuntimeException e) {
      frontends = Collections.unmodifiableMap(bound);
      stop(Duration.ZERO);
      throw e;
    }
    frontends = Collections.unmodifiableMap(bound);
    log.info(
        "proxy started: {} frontends, {} backends, transport {}",
        frontends.size(),
        pools.size(),
        transport.epoll ? "epoll" : "nio");
  }

  /**
   * The addresses whose frontend leaves them in this reload (removed, or moved to another address),
   * as bound (a port 0 from the configuration is the port the kernel picked): their sockets can be
   * handed to the frontend that binds there next.
   */
  private static Map<InetSocketAddress, Frontend> leavingAddresses(
      Map<String, Frontend> running, ProxySettings next) {
    Map<String, FrontendSettings> byName = new HashMap<>();
    next.frontends().forEach(f -> byName.put(f.name(), f));
    Map<InetSocketAddress, Frontend> leaving = new HashMap<>();
    for (Frontend f : running.values()) {
      FrontendSettings after = byName.get(f.name());
      if ((after == null || !sameBind(f, after))
          && f.listener.localAddress() instanceof InetSocketAddress at) {
        leaving.put(at, f);
      }
    }
    return leaving;
  }

  /**
   * True if {@code f} binds where {@code existing} listens (as configured, or as bound: port 0).
   */
  private static boolean sameBind(Frontend existing, FrontendSettings f) {
    return f.bind().equals(existing.settings.bind())
        || f.bind().equals(existing.listener.localAddress());
  }

  /**
   * Binds {@code f}'s address; accepted connections become sessions of {@code frontend}.
   *
   * <p>On epoll, with SO_REUSEPORT, one listener per event loop (as haproxy's listeners have it by
   * default): the kernel spreads new connections over them, and each loop accepts its own and
   * serves them itself. A single listener would accept on one loop and hand each connection over to
   * another (a task and a wake-up per connection), and do every accept on that one loop. And more
   * listeners, in whole rounds over the loops, when one accept queue per loop cannot hold the
   * frontend's connection limit ({@link AcceptQueues}): a failover's burst of reconnecting clients
   * then waits in the queues instead of losing handshakes. A reload that raises the limit adds
   * listeners ({@link #grow}); one that lowers it keeps them (closing one would reset the
   * connections waiting in its queue).
   */
  private Listeners bind(FrontendSettings f, Frontend frontend, int globalMax) throws IOException {
    List<EventLoop> loops = loops();
    if (loops.isEmpty()) {
      return new Listeners(
          List.of(new ChannelListener(bindOne(f, frontend, group, f.bind(), queueCap()))));
    }
    if (f.bind().getPort() != 0) {
      try {
        transport.checkNotListenedOn(f.bind(), f.freebind());
      } catch (IOException e) {
        throw cannotBind(f, e);
      }
    }
    return new Listeners(bindMore(f, frontend, f.bind(), 0, listenerCount(f, globalMax)));
  }

  /**
   * Reload: the listeners {@code frontend} lacks for {@code f}'s limit (none if it has enough, or
   * on NIO), bound on its address and joined to its SO_REUSEPORT group.
   */
  private List<Listener> grow(FrontendSettings f, Frontend frontend, Listeners have, int globalMax)
      throws IOException {
    int wanted = loops().isEmpty() ? 1 : listenerCount(f, globalMax);
    if (wanted <= have.size()) {
      return List.of();
    }
    return bindMore(f, frontend, have.localAddress(), have.size(), wanted);
  }

  /**
   * Binds listeners number {@code from} to {@code to - 1} of a frontend on {@code at} with
   * SO_REUSEPORT, listener i on loop i modulo the loops; all or none.
   */
  private List<Listener> bindMore(
      FrontendSettings f, Frontend frontend, SocketAddress at, int from, int to)
      throws IOException {
    List<EventLoop> loops = loops();
    int queueCap = queueCap();
    List<Listener> bound = new ArrayList<>();
    try {
      for (int i = from; i < to; i++) {
        Listener l =
            bindEpoll(f, frontend, (RelayEventLoop) loops.get(i % loops.size()), at, queueCap);
        bound.add(l);
        at = l.localAddress(); // port 0: the others join the port the first one got
      }
    } catch (IOException | RuntimeException e) {
      bound.forEach(Listener::close);
      throw e;
    }
    return bound;
  }

  /** The event loops, each to have listeners of its own; empty on NIO (one listener, shared). */
  private List<EventLoop> loops() {
    List<EventLoop> loops = new ArrayList<>();
    if (transport.epoll) {
      group.forEach(e -> loops.add((EventLoop) e));
    }
    return loops;
  }

  /** What one accept queue holds: the backlog asked for, within the kernel's cap. */
  private int queueCap() {
    int kernelCap = AcceptQueues.kernelCap();
    return options.acceptBacklog() > 0 ? Math.min(options.acceptBacklog(), kernelCap) : kernelCap;
  }

  private int listenerCount(FrontendSettings f, int globalMax) {
    return AcceptQueues.listeners(
        loops().size(), AcceptQueues.limit(f.maxConnections(), globalMax), queueCap());
  }

  /** An epoll listener of {@code f} on {@code loop}, with SO_REUSEPORT. */
  private Listener bindEpoll(
      FrontendSettings f, Frontend frontend, RelayEventLoop loop, SocketAddress at, int backlog)
      throws IOException {
    try {
      return EpollListener.bind(
          context,
          frontend,
          loop,
          Transport.specificIpv4(f.bind()),
          true,
          f.freebind(),
          at,
          backlog);
    } catch (IOException | RuntimeException e) {
      throw cannotBind(f, e);
    }
  }

  /** A listening Netty channel (NIO). */
  private Channel bindOne(
      FrontendSettings f, Frontend frontend, EventLoopGroup loops, SocketAddress at, int backlog)
      throws IOException {
    Channel ch = transport.serverChannelFactory().newChannel();
    try {
      ChannelConfig c = ch.config();
      c.setOption(ChannelOption.SO_REUSEADDR, true);
      c.setOption(ChannelOption.SO_BACKLOG, backlog);
      if (f.freebind()) {
        log.warn("frontend {}: IP_FREEBIND needs the epoll transport; binding without", f.name());
      }
      ch.pipeline().addLast(new FrontendAcceptor(context, frontend, loops));
    } catch (RuntimeException e) {
      ch.unsafe().closeForcibly();
      throw cannotBind(f, e);
    }
    ChannelFuture registered = loops.register(ch).awaitUninterruptibly();
    if (!registered.isSuccess()) {
      ch.unsafe().closeForcibly();
      throw cannotBind(f, registered.cause());
    }
    ChannelFuture bound = ch.bind(at).awaitUninterruptibly();
    if (!bound.isSuccess()) {
      ch.close().awaitUninterruptibly();
      throw cannotBind(f, bound.cause());
    }
    return ch;
  }

  private static IOException cannotBind(FrontendSettings f, Throwable cause) {
    return new IOException(
        "frontend " + f.name() + ": cannot bind " + f.bind() + ": " + cause.getMessage(), cause);
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
  public synchronized boolean setServerUp(String backend, String server, boolean up) {
    return backend(backend).setServerUp(server, up);
  }

  /**
   * Operator seam: sets the operator state of server {@code server} of backend {@code backend}
   * (drain, maintenance, ready). See {@link BackendPool#setServerAdminState}. Synchronized with
   * {@link #apply}, so a reload never loses it.
   *
   * @return the previous state
   * @throws IllegalArgumentException if there is no such backend or server
   */
  public synchronized ServerAdminState setServerAdminState(
      String backend, String server, ServerAdminState state) {
    return backend(backend).setServerAdminState(server, state);
  }

  /**
   * Operator seam: sets the weight of a server for new connections. See {@link
   * BackendPool#setServerWeight}. Synchronized with {@link #apply}.
   *
   * @param weight 0..256
   * @return the previous weight
   * @throws IllegalArgumentException if there is no such backend or server, or the weight is out of
   *     range
   */
  public synchronized int setServerWeight(String backend, String server, int weight) {
    return backend(backend).setServerWeight(server, weight);
  }

  /**
   * Operator seam: sets the most connections a server may have (haproxy {@code set maxconn
   * server}). See {@link BackendPool#setServerMaxconn}. Synchronized with {@link #apply}.
   *
   * @param maxconn 0 (no limit)..1,000,000
   * @return the previous maxconn
   * @throws IllegalArgumentException if there is no such backend or server, or maxconn is out of
   *     range
   */
  public synchronized int setServerMaxconn(String backend, String server, int maxconn) {
    return backend(backend).setServerMaxconn(server, maxconn);
  }

  /**
   * Closes every established session of a server: {@link BackendPool#shutdownSessions}.
   *
   * @return how many sessions were asked to close
   * @throws IllegalArgumentException if there is no such backend or server
   */
  public synchronized int shutdownSessions(String backend, String server) {
    return backend(backend).shutdownSessions(server);
  }

  /** The pool of backend {@code name}, to feed its health. */
  public BackendPool backend(String name) {
    BackendPool pool = pools.get(name);
    if (pool == null) {
      throw new IllegalArgumentException("no backend " + name);
    }
    return pool;
  }

  /**
   * haproxy's {@code set maxconn frontend}: frontend {@code name}'s connection limit (0: none of
   * its own), at once, until a reload sets the configured one again. A lowered limit closes
   * nothing.
   *
   * @return the limit before
   * @throws IllegalArgumentException if there is no such frontend or {@code maxconn} is out of
   *     0..1000000
   */
  public synchronized int setFrontendMaxconn(String name, int maxconn) {
    checkMaxconn(maxconn);
    ConnectionLimit limit = frontend(name).limit;
    int before = limit.max();
    limit.setMax(maxconn);
    return before;
  }

  /**
   * haproxy's {@code set maxconn global}: the limit over all frontends, at once, until a reload
   * sets the configured one again.
   *
   * @return the limit before
   * @throws IllegalArgumentException if {@code maxconn} is out of 1..1000000
   * @throws IllegalStateException if the proxy is not running
   */
  public synchronized int setGlobalMaxconn(int maxconn) {
    if (maxconn < 1) {
      throw new IllegalArgumentException("global maxconn must be 1..1000000: " + maxconn);
    }
    checkMaxconn(maxconn);
    ProxyContext c = context;
    if (c == null) {
      throw new IllegalStateException("proxy not running");
    }
    int before = c.globalLimit.max();
    c.globalLimit.setMax(maxconn);
    return before;
  }

  /**
   * haproxy's {@code disable frontend} and {@code enable frontend}. A disabled frontend's sockets
   * stay open and bound but stop listening: the kernel refuses new connections (and resets those
   * not yet accepted), while established sessions go on. It lasts until enabled again or the next
   * reload, as in haproxy, where a reload starts a new process.
   *
   * @return whether it was enabled before
   * @throws IllegalArgumentException if there is no such frontend
   * @throws IOException if the transport cannot do it (NIO) or a socket refuses; nothing changed
   */
  public synchronized boolean setFrontendEnabled(String name, boolean enabled) throws IOException {
    Frontend f = frontend(name);
    boolean before = !f.disabled;
    if (before == enabled) {
      return before;
    }
    if (f.listener == null) {
      throw new IOException("frontend " + name + " is not listening");
    }
    if (enabled) {
      f.listener.enable();
    } else {
      f.listener.disable();
    }
    f.disabled = !enabled;
    log.info(
        "frontend {} {}",
        name,
        enabled ? "enabled: takes new connections again" : "disabled: new connections refused");
    return before;
  }

  /** Reload: a frontend disabled at runtime listens again, as after haproxy's reload. */
  private static void enableAfterReload(Frontend f, List<String> changes) {
    if (!f.disabled) {
      return;
    }
    try {
      f.listener.enable();
      f.disabled = false;
      changes.add("frontend " + f.name() + " enabled again (it was disabled at runtime)");
    } catch (IOException e) {
      log.warn("frontend {}: cannot listen again after the reload: {}", f.name(), e.toString());
    }
  }

  private static void checkMaxconn(int maxconn) {
    if (maxconn < 0 || maxconn > 1_000_000) {
      throw new IllegalArgumentException("maxconn must be 0..1000000: " + maxconn);
    }
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
    Map<String, Integer> queued = new HashMap<>();
    for (BackendPool p : pools.values()) {
      p.addStatus(ss);
      queued.put(p.name(), p.queue.size());
    }
    return new ProxyStatus(
        context == null ? 0 : context.globalLimit.active(),
        fs,
        ss,
        queued,
        context == null ? 0 : context.globalLimit.max());
  }

  /**
   * Reload in place: applies {@code settings} without closing any established session.
   *
   * <ul>
   *   <li>A frontend whose bind address is unchanged keeps its listener (no accept gap); other
   *       changes (backend, maxconn) apply to the connections it accepts from now on, maxconn at
   *       once. {@code freebind} only matters when binding, so it changes with the bind.
   *   <li>A frontend whose bind changed is bound on the new address first, then its old listener is
   *       closed; sessions accepted on the old address go on.
   *   <li>A removed frontend stops listening; its established sessions go on until they end.
   *   <li>An address that one frontend leaves (removed or moved) and another binds (a renamed
   *       frontend, two that swap addresses) keeps its listening sockets: they are handed over,
   *       never closed, so the connections waiting in their accept queues are not reset (epoll; NIO
   *       binds anew, which the old socket still holding the address makes fail).
   *   <li>Every backend gets a new pool: servers with the same name and address are carried over
   *       (up/down state, operator state, active count, counters, sessions; a runtime weight too,
   *       unless the configured weight changed); weights, balance, timeouts and retries apply to
   *       new connections (timeouts and retries also to running sessions from their next check on).
   *       A server that is gone (or whose address changed) is retired: no new connections, and its
   *       sessions follow the backend's {@code on-marked-down} ({@link
   *       OnMarkedDown#SHUTDOWN_SESSIONS} closes them, {@link OnMarkedDown#NONE} lets them finish).
   *   <li>The global maxconn changes at once.
   * </ul>
   *
   * <p>All or nothing: every new listener is bound before anything else changes; if one cannot
   * bind, the others are closed and the running configuration stays.
   *
   * <p>Thread-safety: synchronized with the other lifecycle methods and {@link #setServerUp} (so no
   * health change is lost while pools are swapped); connections keep flowing meanwhile, and each
   * new connection looks its frontend's pool up when it picks a server.
   *
   * @return one human-readable line per change, empty if nothing changed
   * @throws IOException if a new or moved frontend cannot bind; nothing was changed
   * @throws IllegalStateException if the proxy is not running
   */
  public synchronized List<String> apply(ProxySettings settings) throws IOException {
    if (group == null) {
      throw new IllegalStateException("not started");
    }
    Map<String, BackendPool> oldPools = pools;
    Map<String, Frontend> oldFrontends = frontends;
    Map<String, BackendPool> newPools = new LinkedHashMap<>();
    for (BackendSettings b : settings.backends()) {
      newPools.put(b.name(), new BackendPool(b, oldPools.get(b.name())));
    }

    // 1. bind what needs a new listener, or take over the sockets of a frontend that leaves the
    // address (renamed, or moved elsewhere); undo on failure
    Map<InetSocketAddress, Frontend> leaving = leavingAddresses(oldFrontends, settings);
    Map<String, Frontend> added = new LinkedHashMap<>();
    Map<String, Listeners> moved = new LinkedHashMap<>();
    Map<String, Frontend> takenFrom = new LinkedHashMap<>();
    List<Listeners> handedOver = new ArrayList<>();
    Map<String, Listeners> grown = new LinkedHashMap<>();
    try {
      for (FrontendSettings f : settings.frontends()) {
        Frontend existing = oldFrontends.get(f.name());
        if (existing != null && sameBind(existing, f)) {
          List<Listener> more = grow(f, existing, existing.listener, settings.maxConnections());
          if (!more.isEmpty()) {
            grown.put(f.name(), new Listeners(more));
          }
          continue;
        }
        Frontend owner = existing;
        if (owner == null) {
          owner = new Frontend(f, newPools.get(f.backend()));
          added.put(f.name(), owner);
        }
        Frontend from = leaving.get(f.bind());
        Listeners listeners;
        if (from != null && from != existing && from.listener.canHandOver()) {
          takenFrom.put(f.name(), from);
          listeners = from.listener;
          handedOver.add(listeners);
          List<Listener> more = grow(f, owner, listeners, settings.maxConnections());
          if (!more.isEmpty()) {
            grown.put(f.name(), new Listeners(more));
          }
        } else {
          listeners = bind(f, owner, settings.maxConnections());
        }
        if (existing == null) {
          owner.listener = listeners;
        } else {
          moved.put(f.name(), listeners);
        }
      }
    } catch (IOException | RuntimeException e) {
      for (Frontend f : added.values()) {
        if (f.listener != null && !takenFrom.containsKey(f.name())) {
          f.listener.close();
        }
      }
      moved.forEach(
          (name, listeners) -> {
            if (!takenFrom.containsKey(name)) {
              listeners.close();
            }
          });
      grown.values().forEach(Listeners::close);
      throw e;
    }

    // 2. commit
    // whether each running frontend's sockets were disabled, read before the loop changes the
    // flags:
    // in a swap, the second frontend takes the sockets of one already handled
    Map<Frontend, Boolean> wasDisabled = new HashMap<>();
    oldFrontends.values().forEach(f -> wasDisabled.put(f, f.disabled));
    List<String> changes = new ArrayList<>();
    List<Listeners> toClose = new ArrayList<>();
    Map<String, Frontend> newFrontends = new LinkedHashMap<>();
    for (FrontendSettings f : settings.frontends()) {
      Frontend frontend = added.get(f.name());
      Frontend from = takenFrom.get(f.name());
      if (frontend != null) {
        changes.add(
            "frontend "
                + f.name()
                + " added on "
                + frontend.listener.localAddress()
                + (from == null
                    ? ""
                    : " (listening sockets taken over from frontend " + from.name() + ")"));
      } else {
        frontend = oldFrontends.get(f.name());
        FrontendSettings before = frontend.settings;
        frontend.update(f, newPools.get(f.backend()));
        Listeners newListener = moved.get(f.name());
        if (newListener != null) {
          changes.add(
              "frontend "
                  + f.name()
                  + " moved from "
                  + frontend.listener.localAddress()
                  + " to "
                  + newListener.localAddress()
                  + (from == null
                      ? ""
                      : " (listening sockets taken over from frontend " + from.name() + ")"));
          toClose.add(frontend.listener);
          frontend.listener = newListener;
          frontend.disabled = false; // the new sockets listen
        } else if (!before.equals(f)) {
          changes.add("frontend " + f.name() + " changed");
        }
      }
      if (from != null) {
        frontend.listener.handOver(frontend);
        // sockets the operator disabled under their old name listen again, as after any reload
        frontend.disabled = wasDisabled.get(from);
      }
      Listeners more = grown.get(f.name());
      if (more != null) {
        frontend.listener = frontend.listener.with(more);
        changes.add(
            "frontend "
                + f.name()
                + ": "
                + frontend.listener.size()
                + " listeners, for its connection limit");
      }
      enableAfterReload(frontend, changes);
      newFrontends.put(f.name(), frontend);
    }
    for (Frontend f : oldFrontends.values()) {
      if (!newFrontends.containsKey(f.name())) {
        changes.add(
            "frontend " + f.name() + " removed (" + f.limit.active() + " connections go on)");
        toClose.add(f.listener);
      }
    }
    // sockets handed over stay open: they listen for their new frontend
    toClose.removeAll(handedOver); // Listeners are equal only to themselves
    frontends = Collections.unmodifiableMap(newFrontends);
    pools = Collections.unmodifiableMap(newPools);
    // only now, the reload no longer able to fail: a pool of a failed one must not run or serve
    newPools.values().forEach(p -> p.commit(group.next()));
    context.globalLimit.setMax(settings.maxConnections());
    toClose.forEach(Listeners::close);

    for (BackendPool old : oldPools.values()) {
      BackendPool next = newPools.get(old.name());
      OnMarkedDown policy = (next == null ? old : next).settings().onMarkedDown();
      for (String server : old.retire(next, policy)) {
        changes.add(
            "server "
                + old.name()
                + "/"
                + server
                + " removed"
                + (policy == OnMarkedDown.SHUTDOWN_SESSIONS
                    ? ", its sessions shut down"
                    : ", its sessions go on"));
      }
      if (next == null) {
        changes.add("backend " + old.name() + " removed");
      } else if (!old.settings().equals(next.settings())) {
        changes.add("backend " + old.name() + " changed");
      }
    }
    for (BackendPool p : newPools.values()) {
      if (!oldPools.containsKey(p.name())) {
        changes.add("backend " + p.name() + " added");
      }
    }
    log.info("proxy reloaded: {}", changes.isEmpty() ? "no change" : String.join("; ", changes));
    return changes;
  }

  /** Set by {@link #endDrain}: the stop's drain ends at once. */
  private volatile boolean drainEnded;

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
        f.listener.close();
      }
    }
    pools.values().forEach(BackendPool::stopTimers); // no rebalancing of what drains
    long deadline = System.nanoTime() + grace.toNanos();
    waitForSessions(deadline, true);
    for (RelaySession s : context.sessions) {
      s.closeFromAnyThread(CloseReason.PROXY_STOPPED);
    }
    waitForSessions(System.nanoTime() + TimeUnit.SECONDS.toNanos(1), false);
    stoppingLoops = true;
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    group = null;
    stoppingLoops = false;
    log.info("proxy stopped");
  }

  /**
   * Ends a {@link #stop} drain under way at once: its sessions are closed now rather than at the
   * end of the grace (an operator's second SIGTERM). Callable from any thread, during the stop.
   */
  public void endDrain() {
    drainEnded = true;
  }

  private void waitForSessions(long deadlineNanos, boolean drain) {
    while (!context.sessions.isEmpty()
        && System.nanoTime() - deadlineNanos < 0
        && !(drain && drainEnded)) {
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

  /** The epoll relay's read buffers: held now, the budget, and the waits for one (tests). */
  RelayBufferBudget relayBuffers() {
    return relayBuffers;
  }

  /** Read buffers the epoll relay's loops hold now (slow readers' included); 0 on NIO. */
  public int relayBuffersInUse() {
    RelayBufferBudget b = relayBuffers;
    return b == null || !transport.epoll ? 0 : b.held();
  }

  /** Times a connection waited for a read buffer, the budget spent, since start; 0 on NIO. */
  public long relayBufferWaits() {
    RelayBufferBudget b = relayBuffers;
    return b == null ? 0 : b.waits();
  }

  /** Waits of the epoll relay's loops that ended within their poll window; 0 on NIO. */
  public long loopWakeupsSaved() {
    return sumOverLoops(RelayEventLoop::wakeupsSaved);
  }

  /** Waits of the epoll relay's loops that slept in epoll_wait; 0 on NIO. */
  public long loopSleeps() {
    return sumOverLoops(RelayEventLoop::sleeps);
  }

  /** Waits of the epoll relay's loops spent napping (their coalesce window); 0 on NIO. */
  public long loopNaps() {
    return sumOverLoops(RelayEventLoop::naps);
  }

  private long sumOverLoops(ToLongFunction<RelayEventLoop> count) {
    EventLoopGroup g = group; // null before the start
    long n = 0;
    if (g != null) {
      for (EventExecutor e : g) {
        if (e instanceof RelayEventLoop r) {
          n += count.applyAsLong(r);
        }
      }
    }
    return n;
  }

  /** Test hook: frontend {@code name}'s listening sockets. */
  Listeners listeners(String name) {
    return frontend(name).listener;
  }

  /** Test hook: the live sessions. */
  Iterable<RelaySession> sessions() {
    return context.sessions;
  }
}
