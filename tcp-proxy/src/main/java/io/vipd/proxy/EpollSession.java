package io.vipd.proxy;

import static io.netty.channel.epoll.RelayEventLoop.ERR;
import static io.netty.channel.epoll.RelayEventLoop.HUP;
import static io.netty.channel.epoll.RelayEventLoop.IN;
import static io.netty.channel.epoll.RelayEventLoop.OUT;
import static io.netty.channel.epoll.RelayEventLoop.RDHUP;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.epoll.RelayEventLoop;
import io.netty.channel.epoll.RelaySockets;
import io.netty.channel.unix.Socket;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.BitSet;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One proxied connection on the epoll relay: the client socket, the server socket (opened on the
 * client's event loop), and the two directions between them, as haproxy relays in {@code mode tcp}.
 *
 * <p>Thread ownership: every field is read and written only on the session's {@link
 * RelayEventLoop}; other threads go through {@link #closeFromAnyThread}.
 *
 * <p>Data path: each direction reads into the loop's buffer and writes it to the other socket at
 * once: no copy, and no buffer held while the relay keeps up. What the other socket cannot take yet
 * stays in that buffer (the direction {@linkplain RelayEventLoop#takeScratch takes it}), and the
 * direction reads nothing more until it has left. That is the back-pressure: a slow reader pins at
 * most one buffer per direction ({@link RelayEventLoop#readSize}), and the kernel's socket buffers
 * then push back on the sender. The client is not read before the server is connected: what it
 * sends meanwhile waits in its socket.
 *
 * <p>Half-close: a side's end of stream becomes a {@code shutdown(SHUT_WR)} on the other once the
 * bytes before it are written; the last data and the FIN leave as one segment (TCP_CORK). The
 * session closes when both directions are done. Edge-triggered: a read shorter than asked means the
 * socket is drained, and after EPOLLRDHUP it also means the end of stream (no extra read).
 */
final class EpollSession implements RelaySession, RelayEventLoop.Handler {
  private static final Logger log = LoggerFactory.getLogger(EpollSession.class);

  /** When a local socket failure (fd exhaustion) was last logged: one line a second at most. */
  private static final AtomicLong lastLocalFailureLog = new AtomicLong(Long.MIN_VALUE / 2);

  private static final BitSet NONE_TRIED = new BitSet();

  /** One direction of the relay. */
  private static final class Pipe {
    final boolean fromClient;

    /** Bytes read but not yet written to the other side; null while there are none. */
    ByteBuf pending;

    /** An edge came and the socket may hold more (or its end of stream) than was read. */
    boolean readable;

    /** EPOLLRDHUP seen: the peer's FIN is in the socket, after whatever is still unread. */
    boolean rdhup;

    /** The end of stream was read: everything before it too. */
    boolean eof;

    /** The end of stream was passed on (shutdown sent, or the session closed). */
    boolean finSent;

    /** The destination is corked until the FIN. */
    boolean corked;

    Pipe(boolean fromClient) {
      this.fromClient = fromClient;
    }
  }

  private final ProxyContext context;
  private final Frontend frontend;
  private final RelayEventLoop loop;
  private final Socket client;
  private final int clientFd;
  private final InetSocketAddress remote;
  private final long acceptedNanos;
  private final long sourceHash;

  private Socket server;
  private int serverFd = -1;

  /** EPOLLOUT is in the interest of the client socket (added on the first write it cannot take). */
  private boolean clientOutWatched;

  private final Pipe up = new Pipe(true);
  private final Pipe down = new Pipe(false);

  private BitSet triedPrimaries;
  private BitSet triedBackups;
  private int attempts;
  private ServerState target;
  private ServerState lastTried;
  private long connectStartNanos;
  private long connectNanos = -1;
  private boolean connected;

  private long bytesIn;
  private long bytesOut;
  private CloseReason reason;

  /** Closing gracefully: nothing more is read, what is pending is written, then both close. */
  private boolean closing;

  private boolean finished;

  private long clientActivityNanos;
  private long serverActivityNanos;

  /** The session's one timer: the connect deadline while connecting, then the idle timeouts. */
  private ScheduledFuture<?> timer;

  private final Runnable onTimer = this::onTimer;

  EpollSession(
      ProxyContext context,
      Frontend frontend,
      RelayEventLoop loop,
      Socket client,
      InetSocketAddress remote) {
    this.context = context;
    this.frontend = frontend;
    this.loop = loop;
    this.client = client;
    this.clientFd = client.intValue();
    this.remote = remote;
    this.acceptedNanos = context.nanoClock.getAsLong();
    this.sourceHash = remote == null ? 0 : sourceHash(remote.getAddress());
  }

  /**
   * Starts relaying, on the loop: the client's slots in the frontend and global limits are taken.
   */
  void start() {
    try {
      context.sessions.add(this);
      frontend.accepted.increment();
      context.events.onConnectionAccepted(frontend.name(), remote);
      loop.add(clientFd, IN | RDHUP, this);
      connect();
    } catch (IOException | RuntimeException e) {
      // closed rather than left open with no one to serve it; its slots go back
      log.warn("frontend {}: cannot start a session: {}", frontend.name(), e.toString());
      closeNow();
    }
  }

  // ---- connecting ----

  private void connect() {
    if (lastTried != null && triedPrimaries == null) {
      // the first retry: from now on the balancer must skip what was tried
      triedPrimaries = new BitSet();
      triedBackups = new BitSet();
      (lastTried.settings.backup() ? triedBackups : triedPrimaries).set(lastTried.index);
    }
    ServerState s =
        lastTried != null && !frontend.pool.settings().redispatch()
            ? lastTried // option redispatch off: every retry goes to the same server
            : frontend.pool.select(
                triedPrimaries == null ? NONE_TRIED : triedPrimaries,
                triedBackups == null ? NONE_TRIED : triedBackups,
                sourceHash);
    if (s == null) {
      close(CloseReason.NO_SERVER);
      return;
    }
    if (triedPrimaries != null) {
      (s.settings.backup() ? triedBackups : triedPrimaries).set(s.index);
    }
    attempts++;
    target = s;
    lastTried = s;
    s.active.incrementAndGet();
    connectStartNanos = context.nanoClock.getAsLong();
    InetSocketAddress address = s.settings.address();
    Socket socket;
    try {
      socket = RelaySockets.newStream(address.getAddress() instanceof Inet4Address);
    } catch (RuntimeException e) { // no socket at all (EMFILE, ENOBUFS)
      localFailure(s, e);
      return;
    }
    boolean done;
    try {
      socket.setTcpNoDelay(true);
      loop.add(socket.intValue(), IN | OUT | RDHUP, this);
    } catch (IOException e) {
      closeQuietly(socket);
      localFailure(s, e);
      return;
    }
    server = socket;
    serverFd = socket.intValue();
    try {
      done = socket.connect(address);
    } catch (IOException e) { // refused or unreachable at once
      connectFailed(e, false);
      return;
    }
    if (done) {
      onConnected();
    } else {
      checkTimeouts(); // arms the connect deadline
    }
  }

  /** No socket could be had for a connect: not the server's fault, and a retry would fail too. */
  private void localFailure(ServerState s, Exception cause) {
    s.active.decrementAndGet();
    target = null;
    long now = context.nanoClock.getAsLong();
    long last = lastLocalFailureLog.get();
    if (now - last > 1_000_000_000L && lastLocalFailureLog.compareAndSet(last, now)) {
      log.warn(
          "cannot open a connection to {} (closing the client; at most one such line a second):"
              + " {}",
          s.name(),
          String.valueOf(cause));
    }
    close(CloseReason.CONNECT_FAILED);
  }

  private void finishConnect() {
    boolean done;
    try {
      done = server.finishConnect();
    } catch (IOException e) {
      connectFailed(e, false);
      return;
    }
    if (done) {
      onConnected();
    }
  }

  private void onConnected() {
    ServerState s = target;
    connected = true;
    s.connections.increment();
    s.sessions.add(this);
    long now = context.nanoClock.getAsLong();
    connectNanos = now - connectStartNanos;
    context.events.onServerConnected(frontend.pool.name(), s.name(), connectNanos);
    if (!s.up && frontend.pool.settings().onMarkedDown() == OnMarkedDown.SHUTDOWN_SESSIONS) {
      // marked down while we were connecting: setServerUp did not see this session yet
      abort(CloseReason.SERVER_MARKED_DOWN);
      return;
    }
    clientActivityNanos = now;
    serverActivityNanos = now;
    // what the client sent meanwhile (and its FIN) waited in its socket
    if (pump(up)) {
      checkTimeouts();
    }
  }

  private void connectFailed(Exception cause, boolean timedOut) {
    ServerState s = target;
    loop.close(server);
    server = null;
    serverFd = -1;
    s.active.decrementAndGet();
    target = null;
    s.connectFailures.increment();
    context.events.onConnectFailed(frontend.pool.name(), s.name(), timedOut, cause);
    if (attempts <= frontend.pool.settings().retries()) {
      connect();
    } else if (timedOut) {
      timeout(TimeoutKind.CONNECT);
    } else {
      close(CloseReason.CONNECT_FAILED);
    }
  }

  // ---- events ----

  @Override
  public void ready(int fd, int events) {
    if (finished) {
      return;
    }
    try {
      if (fd == clientFd) {
        clientReady(events);
      } else if (fd == serverFd) {
        serverReady(events);
      }
    } catch (RuntimeException e) {
      // a listener of the proxy's events failed: end the session rather than leave it half-done
      log.warn("frontend {}: session failed: {}", frontend.name(), e.toString());
      abort(fd == clientFd ? CloseReason.CLIENT_ERROR : CloseReason.SERVER_ERROR);
    }
  }

  private void clientReady(int events) {
    if (!connected && (events & ERR) != 0) {
      abort(CloseReason.CLIENT_ERROR); // reset before the server was there
      return;
    }
    if ((events & (IN | RDHUP | HUP | ERR)) != 0) {
      up.readable = true;
      if ((events & RDHUP) != 0) {
        up.rdhup = true;
      }
      if (!pump(up)) {
        return;
      }
    }
    if ((events & OUT) != 0 && !pump(down)) {
      return;
    }
    if ((events & ERR) != 0) {
      abort(CloseReason.CLIENT_ERROR); // whatever could still be read was read above
    }
  }

  private void serverReady(int events) {
    if (!connected) {
      if ((events & (OUT | ERR | HUP)) == 0) {
        return; // input before the connect completed: read once it has (same event, or later)
      }
      finishConnect();
      if (!connected || finished) {
        return;
      }
      // an EPOLLIN in the same event is read below
    } else if ((events & (OUT | ERR)) != 0 && !pump(up)) {
      return;
    }
    if ((events & (IN | RDHUP | HUP | ERR)) != 0) {
      down.readable = true;
      if ((events & RDHUP) != 0) {
        down.rdhup = true;
      }
      if (!pump(down)) {
        return;
      }
    }
    if ((events & ERR) != 0) {
      abort(CloseReason.SERVER_ERROR); // whatever could still be read was read above
    }
  }

  // ---- the relay ----

  /**
   * Moves what can move in direction {@code p}: the pending bytes first, then what the source
   * holds, until the destination is full or the source drained; then passes the FIN on.
   *
   * @return false if the session ended
   */
  private boolean pump(Pipe p) {
    if (!connected) {
      return true; // the client waits in its socket (or the server socket is gone)
    }
    Socket src = p.fromClient ? client : server;
    Socket dst = p.fromClient ? server : client;
    boolean moved = false;
    try {
      for (; ; ) {
        ByteBuf pending = p.pending;
        if (pending != null) {
          if (!write(p, dst, pending)) {
            break; // the destination is full; EPOLLOUT resumes
          }
          p.pending = null;
          pending.release();
          moved = true;
          if (closing) {
            break;
          }
        }
        if (closing || p.eof || !p.readable) {
          break;
        }
        ByteBuf buf = loop.scratch();
        int want = buf.capacity();
        int n;
        try {
          n = src.recvAddress(buf.memoryAddress(), 0, want);
        } catch (IOException e) {
          failed(p.fromClient, e);
          return false;
        }
        if (n > 0) {
          count(p, n);
          moved = true;
          if (n < want) {
            p.readable = false; // drained: the next edge brings more
            if (p.rdhup) {
              p.eof = true; // and the FIN was already in: it follows at once
            }
          }
          buf.writerIndex(n);
          if (p.eof && !p.corked && !(p.fromClient ? down : up).finSent) {
            // the last bytes, then the FIN: one segment, as haproxy sends it
            RelaySockets.setCork(dst, true);
            p.corked = true;
          }
          if (!write(p, dst, buf)) {
            p.pending = loop.takeScratch();
            break;
          }
        } else if (n < 0) {
          p.eof = true;
          p.readable = false;
        } else {
          p.readable = false; // EAGAIN
        }
      }
    } catch (IOException e) { // a write or a cork: the destination failed
      failed(!p.fromClient, e);
      return false;
    }
    if (moved) {
      long now = context.nanoClock.getAsLong();
      clientActivityNanos = now;
      serverActivityNanos = now;
    }
    if (closing) {
      if (up.pending == null && down.pending == null) {
        closeNow();
        return false;
      }
      return true;
    }
    if (p.eof && p.pending == null && !p.finSent) {
      return passFin(p, dst);
    }
    return true;
  }

  /**
   * Writes {@code buf}'s readable bytes to {@code dst}.
   *
   * @return true if all were written; false if some wait for EPOLLOUT (then watched)
   */
  private boolean write(Pipe p, Socket dst, ByteBuf buf) throws IOException {
    int from = buf.readerIndex();
    int to = buf.writerIndex();
    int w = dst.sendAddress(buf.memoryAddress(), from, to);
    if (w == to - from) {
      return true;
    }
    buf.readerIndex(from + w);
    if (!p.fromClient && !clientOutWatched) {
      // the server socket watches EPOLLOUT from its connect on; the client from now on
      loop.modify(clientFd, IN | OUT | RDHUP);
      clientOutWatched = true;
    }
    return false;
  }

  private void count(Pipe p, int n) {
    if (p.fromClient) {
      bytesIn += n;
      frontend.bytesIn.add(n);
      target.bytesIn.add(n);
    } else {
      bytesOut += n;
      frontend.bytesOut.add(n);
      target.bytesOut.add(n);
    }
  }

  /** {@code p}'s source ended and everything before it was written: end {@code dst}'s output. */
  private boolean passFin(Pipe p, Socket dst) {
    p.finSent = true;
    Pipe other = p.fromClient ? down : up;
    if (other.finSent) {
      // both directions done: the close sends this FIN (both inputs are read to their end)
      closeNow(p.fromClient ? CloseReason.SERVER_CLOSED : CloseReason.CLIENT_CLOSED);
      return false;
    }
    try {
      dst.shutdown(false, true);
    } catch (java.nio.channels.NotYetConnectedException e) {
      // ENOTCONN: the peer reset meanwhile; its error event ends the session as its error
    } catch (IOException e) {
      failed(!p.fromClient, e);
      return false;
    }
    if (p.fromClient) {
      checkTimeouts(); // client-fin may now be the shorter timeout
    }
    return true;
  }

  private void failed(boolean clientSide, IOException cause) {
    log.debug("{} side of {} failed", clientSide ? "client" : "server", frontend.name(), cause);
    // A reset after the side's own FIN: the peer of a finished direction is just gone
    abort(clientSide ? CloseReason.CLIENT_ERROR : CloseReason.SERVER_ERROR);
  }

  // ---- closing ----

  @Override
  public void closeFromAnyThread(CloseReason why) {
    loop.execute(() -> abort(why));
  }

  /** Graceful: each side gets what is already pending for it, then both close. */
  private void close(CloseReason why) {
    if (reason == null) {
      reason = why;
    }
    if (finished || closing) {
      return;
    }
    closing = true;
    if (up.pending == null && down.pending == null || !connected) {
      closeNow();
    }
  }

  /** Immediate: drops whatever is pending (timeouts, errors, marked down, stop). */
  void abort(CloseReason why) {
    if (reason == null) {
      reason = why;
    }
    closeNow();
  }

  private void closeNow(CloseReason why) {
    if (reason == null) {
      reason = why;
    }
    closeNow();
  }

  private void closeNow() {
    if (finished) {
      return;
    }
    closing = true;
    loop.close(client);
    if (server != null) {
      loop.close(server);
    }
    finish();
  }

  private void finish() {
    finished = true;
    release(up);
    release(down);
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
    CloseReason why = reason == null ? CloseReason.CLIENT_CLOSED : reason;
    long lifetimeNanos = context.nanoClock.getAsLong() - acceptedNanos;
    // counts taken before this session is released
    ClosedSession closed = context.closedSessions ? closedSession(why, lifetimeNanos) : null;
    ServerState s = target;
    if (s != null) {
      s.active.decrementAndGet();
      s.sessions.remove(this);
    }
    frontend.limit.release();
    context.globalLimit.release();
    frontend.countClosed(why);
    context.sessions.remove(this);
    context.events.onConnectionClosed(
        frontend.name(), connected ? s.name() : null, why, bytesIn, bytesOut, lifetimeNanos);
    if (closed != null) {
      context.events.onSessionClosed(closed);
    }
  }

  private static void release(Pipe p) {
    if (p.pending != null) {
      p.pending.release();
      p.pending = null;
    }
  }

  private ClosedSession closedSession(CloseReason why, long lifetimeNanos) {
    boolean hasServer = connected && target != null;
    return new ClosedSession(
        frontend.name(),
        frontend.pool.name(),
        hasServer ? target.name() : null,
        remote,
        System.currentTimeMillis() - lifetimeNanos / 1_000_000, // accepted: not read per accept
        hasServer ? connectNanos : -1,
        lifetimeNanos,
        bytesIn,
        bytesOut,
        why,
        Math.max(0, attempts - 1),
        context.sessions.size(),
        frontend.limit.active(),
        frontend.pool.activeSessions(),
        hasServer ? target.active.get() : 0);
  }

  // ---- timeouts ----

  private void checkTimeouts() {
    if (finished) {
      return;
    }
    long now = context.nanoClock.getAsLong();
    if (!connected) {
      // connecting (or between attempts): only the connect deadline runs, if there is one
      long connectTimeout = frontend.timeouts.connectNanos;
      if (server == null || connectTimeout == 0) {
        arm(Long.MAX_VALUE);
        return;
      }
      long left = connectStartNanos + connectTimeout - now;
      if (left <= 0) {
        long millis = connectTimeout / 1_000_000;
        connectFailed(
            new ConnectTimeoutException(
                "connection timed out after " + millis + " ms: " + target.settings.address()),
            true);
        return;
      }
      arm(left);
      return;
    }
    // haproxy in mode tcp: with no content analyzer, a connection is a tunnel as soon as it is
    // established, so the tunnel timeout (when set) governs it from then on.
    SessionTimeouts t = frontend.timeouts;
    TimeoutKind clientKind = t.clientKind(true, up.eof);
    TimeoutKind serverKind = t.serverKind(true);
    long clientNanos = t.nanos(clientKind);
    long serverNanos = t.nanos(serverKind);
    long next = Long.MAX_VALUE;
    if (clientNanos > 0) {
      long left = clientActivityNanos + clientNanos - now;
      if (left <= 0) {
        timeout(clientKind);
        return;
      }
      next = left;
    }
    if (serverNanos > 0) {
      long left = serverActivityNanos + serverNanos - now;
      if (left <= 0) {
        timeout(serverKind);
        return;
      }
      next = Math.min(next, left);
    }
    arm(next);
  }

  /**
   * Makes the timer fire within {@code nanos} (never, for Long.MAX_VALUE). A timer already due no
   * later is kept: firing early only means another check, and most sessions end before their first
   * deadline, so this saves a cancel and a schedule per session.
   */
  private void arm(long nanos) {
    if (timer != null) {
      if (nanos != Long.MAX_VALUE && timer.getDelay(TimeUnit.NANOSECONDS) <= nanos) {
        return;
      }
      timer.cancel(false);
      timer = null;
    }
    if (nanos != Long.MAX_VALUE) {
      timer = loop.schedule(onTimer, nanos, TimeUnit.NANOSECONDS);
    }
  }

  private void onTimer() {
    timer = null;
    checkTimeouts();
  }

  private void timeout(TimeoutKind kind) {
    context.events.onTimeout(frontend.name(), kind);
    abort(SessionTimeouts.reason(kind));
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // the descriptor is gone either way
    }
  }

  // ---- test hooks (event loop only, except loop()) ----

  @Override
  public RelayEventLoop eventLoop() {
    return loop;
  }

  Socket clientSocket() {
    return client;
  }

  /** The server socket, null between attempts. */
  Socket serverSocket() {
    return server;
  }

  boolean isConnected() {
    return connected;
  }

  int clientFd() {
    return clientFd;
  }

  /** The server socket's descriptor, -1 between attempts. */
  int serverFd() {
    return serverFd;
  }

  /** Bytes read from the client and not yet written to the server. */
  long pendingToServer() {
    return up.pending == null ? 0 : up.pending.readableBytes();
  }

  /** Bytes read from the server and not yet written to the client. */
  long pendingToClient() {
    return down.pending == null ? 0 : down.pending.readableBytes();
  }

  @Override
  public String toString() {
    return "EpollSession{frontend="
        + frontend.name()
        + ", server="
        + (target == null ? null : target.name())
        + ", connected="
        + connected
        + ", in="
        + bytesIn
        + ", out="
        + bytesOut
        + ", pendingToServer="
        + pendingToServer()
        + ", pendingToClient="
        + pendingToClient()
        + ", reason="
        + reason
        + "}";
  }

  private static long sourceHash(InetAddress address) {
    long h = 0xcbf29ce484222325L;
    for (byte b : address.getAddress()) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    return h;
  }
}
