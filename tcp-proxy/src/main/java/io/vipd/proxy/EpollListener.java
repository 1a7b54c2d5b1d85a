package io.vipd.proxy;

import static io.netty.channel.epoll.RelayEventLoop.IN;

import io.netty.channel.EventLoop;
import io.netty.channel.epoll.RelayEventLoop;
import io.netty.channel.epoll.RelaySockets;
import io.netty.channel.unix.RelayErrnos;
import io.netty.channel.unix.Socket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A frontend's listening socket on one {@link RelayEventLoop}: admits or refuses each accepted
 * connection (frontend, then global maxconn) and starts its {@link EpollSession} on this loop. A
 * refused connection is closed at once, never registered, which matters when maxconn sheds a flood.
 *
 * <p>The socket has TCP_NODELAY on: Linux copies it to every socket accepted from it, which saves a
 * {@code setsockopt} per connection.
 */
final class EpollListener implements Listener, RelayEventLoop.Handler {
  private static final Logger log = LoggerFactory.getLogger(EpollListener.class);

  /** Accepts per readiness before the loop serves others: a flood must not starve the relay. */
  private static final int ACCEPTS_PER_TURN = 64;

  private final ProxyContext context;

  /** Whose sessions accepted connections become; changed by a reload's {@link #handOver}. */
  private volatile Frontend frontend;

  private final RelayEventLoop loop;
  private final Socket socket;
  private final int backlog;

  /**
   * Bound to port 0: the kernel would release the port it picked when the socket stops listening
   * (only an explicit port is locked to the socket) and pick another on {@link #enable}.
   */
  private final boolean ephemeralPort;

  private final SocketAddress localAddress;
  private final byte[] acceptedAddress = new byte[RelaySockets.ACCEPTED_ADDRESS_BYTES];
  private final Runnable acceptMore = this::acceptAll;

  /** Loop only: after an accept that failed for want of a descriptor, until it tries again. */
  private boolean paused;

  /** Loop only: whether the 100 ms retry is scheduled (one at a time). */
  private boolean retryScheduled;

  /** Posted by {@link AcceptRetries} when a session ends; equal only to itself. */
  private final Runnable retryFromElsewhere = this::postRetry;

  private final Runnable retryByTimer =
      () -> {
        retryScheduled = false;
        retry();
      };

  /** Loop only: by the operator ({@link #disable}), the socket not listening. */
  private boolean disabled;

  /** Loop only, but for a registration abandoned before it ran (see {@link #abandon}). */
  private volatile boolean closed;

  private EpollListener(
      ProxyContext context,
      Frontend frontend,
      RelayEventLoop loop,
      Socket socket,
      int backlog,
      boolean ephemeralPort) {
    this.context = context;
    this.frontend = frontend;
    this.loop = loop;
    this.socket = socket;
    this.backlog = backlog;
    this.ephemeralPort = ephemeralPort;
    this.localAddress = socket.localAddress();
  }

  /**
   * Binds a listening socket on {@code at} and starts accepting on {@code loop}.
   *
   * @param ipv4 an AF_INET socket, else the platform's preferred (dual-stack)
   */
  static EpollListener bind(
      ProxyContext context,
      Frontend frontend,
      RelayEventLoop loop,
      boolean ipv4,
      boolean reusePort,
      boolean freebind,
      SocketAddress at,
      int backlog)
      throws IOException {
    Socket socket = RelaySockets.newStream(ipv4);
    try {
      socket.setReuseAddress(true);
      if (reusePort) {
        socket.setReusePort(true);
      }
      if (freebind) {
        RelaySockets.setFreeBind(socket, true);
      }
      socket.setTcpNoDelay(true);
      socket.bind(at);
      socket.listen(backlog);
    } catch (IOException | RuntimeException e) {
      closeQuietly(socket);
      throw e;
    }
    EpollListener listener =
        new EpollListener(
            context,
            frontend,
            loop,
            socket,
            backlog,
            at instanceof InetSocketAddress a && a.getPort() == 0);
    try {
      loop.submit(
              () -> {
                if (!listener.closed) { // abandoned after a timeout: its number may be another's
                  loop.add(socket.intValue(), IN, listener);
                }
                return null;
              })
          .get(5, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      closeQuietly(socket);
      throw new IOException("cannot watch the listening socket: " + e.getCause(), e.getCause());
    } catch (Exception e) { // rejected (the loop is stopping), interrupted, timed out
      listener.abandon();
      throw new IOException("cannot watch the listening socket: " + e, e);
    }
    return listener;
  }

  /** Gives up on a listener whose registration did not complete in time. */
  private void abandon() {
    try {
      loop.submit(this::closeOnLoop).awaitUninterruptibly(5, TimeUnit.SECONDS);
    } catch (RejectedExecutionException e) {
      closeQuietly(socket); // the loop is gone: nothing can register it any more
    }
  }

  @Override
  public void ready(int fd, int events) {
    acceptAll();
  }

  private void acceptAll() {
    if (paused || disabled || closed) {
      return;
    }
    for (int i = 0; i < ACCEPTS_PER_TURN; i++) {
      int fd;
      try {
        fd = socket.accept(acceptedAddress);
      } catch (IOException e) {
        if (AcceptRetries.mustWait(RelayErrnos.errno(e))) {
          waitForDescriptors(e);
          return;
        }
        // that connection's own error (ECONNABORTED, EPROTO): it is gone, the next may be fine
        log.debug("frontend {}: accept failed: {}", frontend.name(), e.toString());
        continue;
      }
      if (fd < 0) {
        return; // drained: the next connection is a new edge
      }
      try {
        accepted(fd);
      } catch (RuntimeException e) {
        // a listener of the proxy's events failed; the session closed itself (or was never made)
        log.warn(
            "frontend {}: cannot serve an accepted connection: {}", frontend.name(), e.toString());
      }
    }
    // edge-triggered: what is left must be taken without a new edge, after the others' turn
    loop.again(acceptMore);
  }

  /**
   * EMFILE, ENFILE, ENOBUFS: the listener stays readable, so it stops accepting rather than spin,
   * and tries again as soon as a session ends (its descriptors free) or after 100 ms, as haproxy
   * does. New connections wait in the backlog meanwhile.
   */
  private void waitForDescriptors(IOException e) {
    paused = true;
    frontend.acceptFailures.failed(frontend.name(), e);
    context.acceptRetries.await(retryFromElsewhere);
    if (!retryScheduled) {
      retryScheduled = true;
      loop.schedule(retryByTimer, AcceptRetries.RETRY_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  /** From the thread of a session that ended: its descriptors are free. */
  private void postRetry() {
    try {
      loop.execute(this::retry);
    } catch (RejectedExecutionException e) {
      // the loop is stopping, and the listener with it
    }
  }

  private void retry() {
    if (!paused) {
      return;
    }
    paused = false;
    context.acceptRetries.cancel(retryFromElsewhere);
    acceptAll();
  }

  @Override
  public void disable() throws IOException {
    if (ephemeralPort) {
      throw new IOException(
          "a listener bound to port 0 cannot be disabled: it would lose its port");
    }
    onLoop(
        () -> {
          if (!disabled && !closed) {
            RelaySockets.stopListening(socket);
            disabled = true;
          }
        });
  }

  @Override
  public void enable() throws IOException {
    onLoop(
        () -> {
          if (disabled && !closed) {
            socket.listen(backlog);
            disabled = false;
          }
        });
  }

  private interface SocketChange {
    void run() throws IOException;
  }

  /** Runs {@code change} on the loop (the only thread that touches the socket's state). */
  private void onLoop(SocketChange change) throws IOException {
    if (loop.inEventLoop()) {
      change.run();
      return;
    }
    io.netty.util.concurrent.Future<Object> done;
    try {
      done =
          loop.submit(
              () -> {
                change.run();
                return null;
              });
    } catch (RejectedExecutionException e) { // the loop is stopping
      throw new IOException("the listener's event loop is stopping", e);
    }
    try {
      done.get(5, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
    } catch (InterruptedException | java.util.concurrent.TimeoutException e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      // a change that did not run must never run later, behind the caller's back (it would stop
      // a frontend whose status says enabled): cancelled, or else it runs now and is waited for
      if (done.cancel(false)) {
        throw new IOException("the listener's event loop did not answer in 5 s", e);
      }
      try {
        done.syncUninterruptibly();
      } catch (RuntimeException failed) {
        throw new IOException(failed);
      }
    }
  }

  private void accepted(int fd) {
    Socket child = RelaySockets.accepted(fd);
    InetSocketAddress remote;
    try {
      remote = RelaySockets.acceptedAddress(acceptedAddress);
    } catch (RuntimeException e) {
      closeQuietly(child); // an address it cannot read (a family it does not know): not served
      throw e;
    }
    Frontend owner = frontend; // read once: a slot taken from one frontend goes back to it
    if (!owner.limit.tryAcquire()) {
      refuse(owner, child, remote);
      return;
    }
    if (!context.globalLimit.tryAcquire()) {
      owner.limit.release();
      refuse(owner, child, remote);
      return;
    }
    new EpollSession(context, owner, loop, child, remote).start();
  }

  private void refuse(Frontend owner, Socket child, InetSocketAddress remote) {
    try {
      owner.refused.increment();
      context.events.onConnectionRefused(owner.name(), remote);
    } finally {
      closeQuietly(child); // never registered
    }
  }

  @Override
  public boolean canHandOver() {
    return true;
  }

  @Override
  public void handOver(Frontend to) {
    frontend = to;
  }

  @Override
  public SocketAddress localAddress() {
    return localAddress;
  }

  @Override
  public EventLoop eventLoop() {
    return loop;
  }

  @Override
  public void close() {
    try {
      loop.submit(this::closeOnLoop).awaitUninterruptibly();
    } catch (RejectedExecutionException e) {
      closeQuietly(socket); // the loop is gone, and with it the registration
    }
  }

  private void closeOnLoop() {
    if (!closed) {
      closed = true;
      context.acceptRetries.cancel(retryFromElsewhere);
      loop.close(socket);
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // gone either way
    }
  }
}
