package io.vipd.proxy;

import io.netty.channel.ConnectTimeoutException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.BitSet;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a session does whatever relays its bytes ({@link EpollSession}, {@link ProxySession}): it
 * picks servers (retries, redispatch), counts and reports its connects, its bytes and its end, and
 * keeps the timeouts. Every field is the session's event loop's.
 */
abstract class SessionBase implements RelaySession {
  private static final Logger log = LoggerFactory.getLogger(SessionBase.class);

  /** When a local socket failure (fd exhaustion) was last logged: one line a second at most. */
  private static final AtomicLong lastLocalFailureLog = new AtomicLong(Long.MIN_VALUE / 2);

  final ProxyContext context;
  final Frontend frontend;

  /** The client's address, as accept(2) gave it. */
  final InetSocketAddress remote;

  private final long acceptedNanos;
  private final long sourceHash;

  /**
   * Servers already tried by this session; made on the first retry (most sessions never need it).
   */
  private BitSet triedPrimaries;

  private BitSet triedBackups;
  private int attempts;
  private ServerState lastTried;

  /** The pool {@link #lastTried} was chosen from. */
  private BackendPool lastTriedIn;

  /** The pool whose server indexes {@link #triedPrimaries} and {@link #triedBackups} hold. */
  private BackendPool triedIn;

  /** Its server's {@link ServerState#shutdowns} when the attempt under way chose it. */
  private int shutdownsSeen;

  /** The server of the attempt under way, or of the connection; null between attempts. */
  ServerState target;

  /** The queue this session waits in (or whose turn it has), null when it does not wait. */
  private BackendQueue queuedIn;

  private long queuedSinceNanos;

  /**
   * The queue whose turn it has, while the turn runs (the session may then pick a server although
   * others still wait); null otherwise.
   */
  private BackendQueue turnQueue;

  /** Time spent in the queue, all told (haproxy's Tw). */
  private long queuedNanos;

  private long connectStartNanos;

  /**
   * haproxy's turn-around timer ({@code retries}): the longest a retry waits before it goes to the
   * server that has just refused the attempt before it.
   */
  static final long TURN_AROUND_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** The server whose connect failed other than by its deadline, until the next attempt's pick. */
  private ServerState failedNotTimedOut;

  /** The attempt just picked goes to the server that refused the one before: it waits first. */
  private boolean turnAround;

  private long connectNanos = -1;
  boolean connected;

  long bytesIn;
  long bytesOut;

  /** Why the session ends: the first reason given wins. */
  CloseReason reason;

  boolean finished;

  /** When each side last moved bytes: the idle timeouts count from there. */
  long clientActivityNanos;

  long serverActivityNanos;

  /**
   * The session's one timer: the connect deadline while connecting, then the inactivity timeouts.
   */
  private ScheduledFuture<?> timer;

  private final Runnable onTimer = this::onTimer;

  SessionBase(ProxyContext context, Frontend frontend, InetSocketAddress remote) {
    this.context = context;
    this.frontend = frontend;
    this.remote = remote;
    this.acceptedNanos = context.nanoClock.getAsLong();
    this.sourceHash = remote == null ? 0 : sourceHash(remote.getAddress());
  }

  /** The session exists: it is counted, listed and reported as accepted. */
  final void recordStart() {
    context.sessions.add(this);
    frontend.accepted.increment();
    context.events.onConnectionAccepted(frontend.name(), remote);
  }

  // ---- connecting ----

  /**
   * Picks the server of the next attempt and counts the attempt (the server's active count too).
   *
   * @return null if no server can take it
   */
  final ServerState nextServer() {
    ServerState failed = failedNotTimedOut;
    failedNotTimedOut = null;
    turnAround = false;
    BackendPool pool = pool();
    if (lastTried != null && triedPrimaries == null) {
      // the first retry: from now on the balancer must skip what was tried
      triedPrimaries = new BitSet();
      triedBackups = new BitSet();
      (lastTried.settings.backup() ? triedBackups : triedPrimaries).set(lastTried.index);
      triedIn = lastTriedIn;
    }
    if (triedPrimaries != null && triedIn != pool) {
      // a reload replaced the pool between two attempts: its servers are numbered anew
      triedPrimaries = triedIn.sameServersIn(pool, triedPrimaries, false);
      triedBackups = triedIn.sameServersIn(pool, triedBackups, true);
      triedIn = pool;
    }
    ServerState same =
        lastTried == null || pool.settings().redispatch()
            ? null
            : pool.current(lastTried, lastTriedIn);
    ServerState s;
    if (same != null) {
      // option redispatch off: every retry goes to the same server, even past its maxconn by this
      // session (the slot it gave back at the failed attempt may have gone to a queued client):
      // waiting in the queue for that one server would be handed turns that other servers' room
      // cannot serve, over and over
      s = same;
      s.active.incrementAndGet();
    } else if (turnQueue == null && pool.queue.busy()) {
      return null; // behind the sessions that already wait for a slot, or have their turn
    } else {
      s = acquire(pool);
    }
    if (s == null) {
      return null;
    }
    if (triedPrimaries != null) {
      (s.settings.backup() ? triedBackups : triedPrimaries).set(s.index);
    }
    attempts++;
    turnAround = failed != null && failed.settings.address().equals(s.settings.address());
    target = s;
    lastTried = s;
    lastTriedIn = pool;
    shutdownsSeen = s.shutdowns.get();
    connectStartNanos = context.nanoClock.getAsLong();
    return s;
  }

  /**
   * A server chosen by the balancer, its slot taken; null if none has room. Another loop may fill
   * the chosen server's last slot first: then the balancer chooses again, a few times at most.
   */
  private ServerState acquire(BackendPool pool) {
    for (int i = 0; i < 4; i++) {
      ServerState s =
          pool.select(
              triedPrimaries == null ? BackendPool.NONE_TRIED : triedPrimaries,
              triedBackups == null ? BackendPool.NONE_TRIED : triedBackups,
              sourceHash);
      if (s == null || s.tryAcquire()) {
        return s;
      }
    }
    return null;
  }

  /**
   * The pool to choose from: the frontend's, or during a turn in a queue the pool that owns the
   * queue now (the frontend may have been removed or moved by a reload meanwhile).
   */
  private BackendPool pool() {
    return turnQueue != null ? turnQueue.owner : frontend.pool;
  }

  /**
   * No server could take the session ({@link #nextServer} gave null): it waits in its backend's
   * queue if some server is up but full, until a slot frees up ({@link #connectAgain} on its turn)
   * or its queue timeout passes.
   *
   * @return false if no server is up: the caller ends the session
   */
  final boolean waitInQueue() {
    BackendPool pool = pool();
    boolean back = turnQueue != null; // back from a turn it lost to a race: it stays first
    if (!pool.enqueue(this, back)) {
      return false;
    }
    if (!back) {
      queuedSinceNanos = context.nanoClock.getAsLong(); // back from a turn, it keeps its deadline
    }
    queuedIn = pool.queue;
    checkTimeouts(); // arms the queue deadline
    return true;
  }

  @Override
  public final void takeTurnFromAnyThread(BackendQueue queue) {
    eventLoop().execute(() -> takeTurn(queue));
  }

  private void takeTurn(BackendQueue queue) {
    try {
      if (finished || queuedIn != queue) {
        return; // closed meanwhile
      }
      queuedIn = null;
      turnQueue = queue;
      try {
        connectAgain();
      } catch (RuntimeException | OutOfMemoryError e) {
        // a listener of the proxy's events failed: end the session rather than strand it
        log.warn("frontend {}: session failed: {}", frontend.name(), e.toString());
        abort(connected ? CloseReason.SERVER_ERROR : CloseReason.CONNECT_FAILED);
      } finally {
        if (queuedIn == null) {
          queuedNanos += context.nanoClock.getAsLong() - queuedSinceNanos;
        }
        turnQueue = null;
      }
    } finally {
      queue.endTurn();
      queue.owner.serveQueue(); // the next one, if there is room for it too
    }
  }

  /** Tries for a server again: its turn in the queue has come. On the loop. */
  abstract void connectAgain();

  /**
   * The attempt could not even open a socket (EMFILE, ENOBUFS): not the server's fault, and a retry
   * would fail the same way. Logged at most once a second; the caller closes the session.
   */
  final void localFailure(Object cause) {
    ServerState s = target;
    endAttempt();
    warnLocal(s, cause);
  }

  private void warnLocal(ServerState s, Object cause) {
    long now = context.nanoClock.getAsLong();
    long last = lastLocalFailureLog.get();
    if (now - last > 1_000_000_000L && lastLocalFailureLog.compareAndSet(last, now)) {
      log.warn(
          "cannot open a connection to {} for lack of this node's resources (ports, descriptors;"
              + " not held against the server; at most one such line a second): {}",
          s.name(),
          String.valueOf(cause));
    }
  }

  /** The attempt under way is over without a connection: its server's slot goes back. */
  final void endAttempt() {
    ServerState s = target;
    s.active.decrementAndGet();
    target = null;
    s.queue.owner.serveQueue();
  }

  /**
   * The server of {@code s}, whose attempt just ended, failed to connect: counted for passive
   * health and reported.
   *
   * @return true if another attempt may follow (retries)
   */
  final boolean connectFailed(ServerState s, Throwable cause, boolean timedOut) {
    if (!timedOut && LocalConnectErrors.isLocal(cause)) {
      // this node is short of ports or descriptors: neither counted against the server nor
      // reported to passive health; a retry may go to a server whose ports are not used up
      warnLocal(s, cause);
    } else {
      s.connectFailures.increment();
      context.events.onConnectFailed(s.queue.owner.name(), s.name(), timedOut, cause);
    }
    failedNotTimedOut = timedOut ? null : s;
    return attempts <= frontend.pool.settings().retries();
  }

  /**
   * Connects the attempt {@link #nextServer} just picked: at once, or, when it goes to the server
   * that has just refused (or reset) the attempt before it, after min(timeout connect, 1 s), as
   * haproxy's turn-around timer does. A server restarting its listener would otherwise get every
   * retry within a millisecond, each one a passive-health error, and the client would be closed
   * before the server is back. A retry to another server, or after a connect timeout (the time has
   * passed already), goes at once. The slot stays taken meanwhile; the connect deadline starts when
   * the connect does.
   */
  final void connectPicked(Runnable connect) {
    if (!turnAround) {
      connect.run();
      return;
    }
    turnAround = false;
    long connectTimeout = frontend.timeouts.connectNanos;
    long wait =
        connectTimeout == 0 ? TURN_AROUND_NANOS : Math.min(TURN_AROUND_NANOS, connectTimeout);
    eventLoop()
        .schedule(
            () -> {
              if (!finished) {
                connectStartNanos = context.nanoClock.getAsLong();
                connect.run();
              }
            },
            wait,
            TimeUnit.NANOSECONDS);
  }

  /** The failure of an attempt that passed its connect deadline. */
  final ConnectTimeoutException connectTimeout() {
    long millis = frontend.timeouts.connectNanos / 1_000_000;
    return new ConnectTimeoutException(
        "connection timed out after " + millis + " ms: " + target.settings.address());
  }

  /**
   * The attempt under way connected: counted and reported; both sides' idle time starts now.
   *
   * @return null, or why the caller must end the session at once: its server was marked down
   *     meanwhile and its sessions are to be shut down, or an operator shut them down meanwhile
   */
  final CloseReason onServerConnected() {
    ServerState s = target;
    connected = true;
    s.connections.increment();
    s.sessions.add(this);
    long now = context.nanoClock.getAsLong();
    connectNanos = now - connectStartNanos;
    context.events.onServerConnected(s.queue.owner.name(), s.name(), connectNanos);
    clientActivityNanos = now;
    serverActivityNanos = now;
    // marked down, or shut down by an operator, while we were connecting: neither saw this session
    if (frontend.pool.settings().onMarkedDown() == OnMarkedDown.SHUTDOWN_SESSIONS
        && !s.queue.owner.isUpNow(s)) {
      return CloseReason.SERVER_MARKED_DOWN;
    }
    return s.shutdowns.get() != shutdownsSeen ? CloseReason.SHUT_DOWN_BY_OPERATOR : null;
  }

  /** {@code n} bytes read from the client ({@code fromClient}) or from the server. */
  final void countBytes(boolean fromClient, int n) {
    if (fromClient) {
      bytesIn += n;
      frontend.bytesIn.add(n);
      target.bytesIn.add(n);
    } else {
      bytesOut += n;
      frontend.bytesOut.add(n);
      target.bytesOut.add(n);
    }
  }

  // ---- the end ----

  /** Records the session's end once: its slots go back, its counters and events are told. */
  final void recordEnd() {
    if (finished) {
      return;
    }
    finished = true;
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
      s.queue.owner.serveQueue();
    }
    if (queuedIn != null) {
      queuedIn.remove(this);
      queuedIn = null;
    }
    frontend.limit.release();
    context.globalLimit.release();
    // a listener of this loop retries after the batch, once the sockets are closed; one of
    // another loop may find them still open, and then waits its 100 ms
    context.acceptRetries.descriptorsFreed();
    frontend.countClosed(why);
    context.sessions.remove(this);
    context.events.onConnectionClosed(
        frontend.name(),
        connected && s != null ? s.name() : null,
        why,
        bytesIn,
        bytesOut,
        lifetimeNanos);
    if (closed != null) {
      context.events.onSessionClosed(closed);
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
        hasServer ? target.active.get() : 0,
        queuedNanos
            + (queuedIn == null && turnQueue == null
                ? 0
                : acceptedNanos + lifetimeNanos - queuedSinceNanos),
        frontend.pool.queue.size(),
        queuedIn != null || turnQueue != null);
  }

  // ---- timeouts ----

  /** True while an attempt's connect is in flight (its deadline runs). */
  abstract boolean connecting();

  /** The client's input reached its end (its FIN): the session is half-closed. */
  abstract boolean clientInputDone();

  /** The server's input reached its end (its FIN): the session is half-closed. */
  abstract boolean serverInputDone();

  /**
   * One side reset and what it had sent was passed on, with a FIN: the session waits for the other
   * side's end, what that side sends read and dropped.
   */
  abstract boolean drainingAfterReset();

  /** Bytes read from the server and not yet handed to the client's socket. */
  abstract long pendingToClient();

  /** Bytes read from the client and not yet handed to the server's socket. */
  abstract long pendingToServer();

  /** The connect in flight passed its deadline: fail the attempt with {@code cause}. */
  abstract void connectTimedOut(ConnectTimeoutException cause);

  /** Closes at once, dropping what is pending. */
  abstract void abort(CloseReason why);

  /** Brings the activity times up to {@code now} where the transport tracks them lazily. */
  void refreshActivity(long now) {}

  /**
   * Checks the deadlines and arms the timer for the next one. Activity only moves deadlines later,
   * so a session need not call this per event: the timer re-checks when it fires; only a new kind
   * of timeout (the connect done, a FIN passed on) needs a call.
   */
  final void checkTimeouts() {
    if (finished) {
      if (timer != null) {
        timer.cancel(false);
        timer = null;
      }
      return;
    }
    long now = context.nanoClock.getAsLong();
    if (queuedIn != null) {
      long queueTimeout = frontend.timeouts.queueNanos;
      if (queueTimeout == 0) {
        arm(Long.MAX_VALUE);
        return;
      }
      long left = queuedSinceNanos + queueTimeout - now;
      if (left <= 0) {
        queuedIn.remove(this);
        queuedIn = null;
        queuedNanos += now - queuedSinceNanos;
        timedOut(TimeoutKind.QUEUE);
        return;
      }
      arm(left);
      return;
    }
    if (!connected) {
      // connecting (or between attempts): only the connect deadline runs, if there is one
      long connectTimeout = frontend.timeouts.connectNanos;
      if (!connecting() || connectTimeout == 0) {
        arm(Long.MAX_VALUE);
        return;
      }
      long left = connectStartNanos + connectTimeout - now;
      if (left <= 0) {
        connectTimedOut(connectTimeout());
        return;
      }
      arm(left);
      return;
    }
    refreshActivity(now);
    SessionTimeouts t = frontend.timeouts;
    long toClient = pendingToClient();
    long toServer = pendingToServer();
    TimeoutKind clientKind =
        t.clientKind(!clientInputDone(), toClient > 0, serverInputDone() && toClient == 0);
    TimeoutKind serverKind =
        t.serverKind(!serverInputDone(), toServer > 0, clientInputDone() && toServer == 0);
    long next = Long.MAX_VALUE;
    if (clientKind != null && t.nanos(clientKind) > 0) {
      long left = clientActivityNanos + t.nanos(clientKind) - now;
      if (left <= 0) {
        timedOut(clientKind);
        return;
      }
      next = left;
    }
    if (serverKind != null && t.nanos(serverKind) > 0) {
      long left = serverActivityNanos + t.nanos(serverKind) - now;
      if (left <= 0) {
        timedOut(serverKind);
        return;
      }
      next = Math.min(next, left);
    }
    if (drainingAfterReset() && t.afterResetNanos() > 0) {
      // the reset side is gone: the other side's end is awaited only so that what was passed on
      // reaches it; a server that streams on past its FIN would otherwise hold the session (and
      // its slot) for its tunnel timeout, read and dropped all the while
      long left = Math.max(clientActivityNanos, serverActivityNanos) + t.afterResetNanos() - now;
      if (left <= 0) {
        abort(reason);
        return;
      }
      next = Math.min(next, left);
    }
    // a side that cannot expire now may later (a send to it held up): looked at again then
    long recheck = t.recheckNanos();
    if (recheck > 0 && (clientKind == null || serverKind == null)) {
      next = Math.min(next, recheck);
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
      timer = eventLoop().schedule(onTimer, nanos, TimeUnit.NANOSECONDS);
    }
  }

  private void onTimer() {
    timer = null;
    try {
      checkTimeouts();
    } catch (RuntimeException | OutOfMemoryError e) {
      // a listener of the proxy's events failed: end the session rather than leave it timerless
      log.warn("frontend {}: session failed: {}", frontend.name(), e.toString());
      abort(connected ? CloseReason.SERVER_ERROR : CloseReason.CONNECT_FAILED);
    }
  }

  final void timedOut(TimeoutKind kind) {
    context.events.onTimeout(frontend.name(), kind);
    abort(SessionTimeouts.reason(kind));
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
