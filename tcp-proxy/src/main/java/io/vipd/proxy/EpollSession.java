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
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One proxied connection on the epoll relay: the client socket, the server socket (opened on the
 * client's event loop), and the two directions between them, as haproxy relays in {@code mode tcp}.
 *
 * <p>Thread ownership: every field is read and written only on the session's {@link
 * RelayEventLoop}; other threads go through {@link #closeFromAnyThread}.
 *
 * <p>Data path: each direction reads into the loop's buffer and writes it to the other socket: at
 * the end of the batch of ready events that read it (with the batch's other reads, as haproxy sends
 * after its poll, so that the peers are woken once for all of them), or at once when the read came
 * from a task or a timer. No copy: a buffer that waits for its write, or that the other socket
 * could not take whole, is the one the bytes were read into (the loop hands it over and gets it
 * back once written). A direction reads nothing more while it holds one: that is the back-pressure.
 * A slow reader pins at most one buffer per direction ({@link RelayEventLoop#readSize}), and the
 * kernel's socket buffers then push back on the sender. The client is not read before the server is
 * connected: what it sends meanwhile waits in its socket.
 *
 * <p>Half-close: a side's end of stream becomes a {@code shutdown(SHUT_WR)} on the other once the
 * bytes before it are written; the last data and the FIN leave as one segment (TCP_CORK). The
 * session closes when both directions are done. Edge-triggered: a read shorter than asked means the
 * socket is drained, and after EPOLLRDHUP it also means the end of stream (no extra read).
 */
final class EpollSession extends SessionBase implements RelayEventLoop.Handler {
  private static final Logger log = LoggerFactory.getLogger(EpollSession.class);

  /** Reads of dropped input per turn once the other side reset (32 KiB each): a flood waits. */
  private static final int DISCARD_READS_PER_TURN = 64;

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

    /** Waiting for a read buffer (the relay's budget spent), see {@link #waitForBuffer}. */
    boolean waitingForBuffer;

    /**
     * EPOLLERR on the source (a reset): what it received before is still queued, and reads go on
     * until the error comes out of them, with no new edge to wait for.
     */
    boolean errored;

    Pipe(boolean fromClient) {
      this.fromClient = fromClient;
    }
  }

  private final RelayEventLoop loop;
  private final Socket client;
  private final int clientFd;

  private Socket server;
  private int serverFd = -1;

  /** EPOLLOUT is in the interest of the client socket (added on the first write it cannot take). */
  private boolean clientOutWatched;

  private final Pipe up = new Pipe(true);
  private final Pipe down = new Pipe(false);

  /** What was read during a batch of events is written at the batch's end (see atBatchEnd). */
  private boolean flushQueued;

  private final Runnable flushRead = this::flushRead;

  EpollSession(
      ProxyContext context,
      Frontend frontend,
      RelayEventLoop loop,
      Socket client,
      InetSocketAddress remote) {
    super(context, frontend, remote);
    this.loop = loop;
    this.client = client;
    this.clientFd = client.intValue();
  }

  /**
   * Starts relaying, on the loop: the client's slots in the frontend and global limits are taken.
   */
  void start() {
    try {
      recordStart();
      loop.add(clientFd, IN | RDHUP, this);
      connect();
    } catch (IOException | RuntimeException | OutOfMemoryError e) {
      // closed rather than left open with no one to serve it; its slots go back (out of heap
      // too, as the other steps of a session are: its slots would be lost for good)
      log.warn("frontend {}: cannot start a session: {}", frontend.name(), e.toString());
      abort(connected ? CloseReason.SERVER_ERROR : CloseReason.CONNECT_FAILED);
    }
  }

  // ---- connecting ----

  @Override
  void connectAgain() {
    connect();
  }

  private void connect() {
    ServerState s = nextServer();
    if (s == null) {
      if (!waitInQueue()) {
        abort(CloseReason.NO_SERVER);
      }
      return;
    }
    connectPicked(() -> connectTo(s));
  }

  private void connectTo(ServerState s) {
    InetSocketAddress address = s.settings.address();
    Socket socket = null;
    try {
      socket = RelaySockets.newStream(address.getAddress() instanceof Inet4Address);
      socket.setTcpNoDelay(true);
      loop.add(socket.intValue(), IN | OUT | RDHUP, this);
    } catch (IOException | RuntimeException e) { // no socket (EMFILE, ENOBUFS), or no watching it
      if (socket != null) {
        closeQuietly(socket);
      }
      localFailure(e);
      abort(CloseReason.CONNECT_FAILED);
      return;
    }
    server = socket;
    serverFd = socket.intValue();
    boolean done;
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
    CloseReason ended = onServerConnected();
    if (ended != null) {
      abort(ended);
      return;
    }
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
    endAttempt();
    if (connectFailed(s, cause, timedOut)) {
      connect();
    } else if (timedOut) {
      timedOut(TimeoutKind.CONNECT);
    } else {
      abort(CloseReason.CONNECT_FAILED);
    }
  }

  @Override
  boolean connecting() {
    return server != null;
  }

  @Override
  boolean clientInputDone() {
    return up.eof;
  }

  @Override
  boolean drainingAfterReset() {
    return (up.errored && up.finSent) || (down.errored && down.finSent);
  }

  @Override
  boolean serverInputDone() {
    return down.eof;
  }

  @Override
  void connectTimedOut(ConnectTimeoutException cause) {
    connectFailed(cause, true);
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
    } catch (RuntimeException | OutOfMemoryError e) {
      // a listener of the proxy's events failed, or no buffer could be had (Netty's direct
      // memory limit): this session ends, the loop and the other sessions go on
      log.warn("frontend {}: session failed: {}", frontend.name(), e.toString());
      abort(fd == clientFd ? CloseReason.CLIENT_ERROR : CloseReason.SERVER_ERROR);
    }
  }

  private void clientReady(int events) {
    if ((events & ERR) != 0) {
      failedSide(up, CloseReason.CLIENT_ERROR);
      return;
    }
    if ((events & (IN | RDHUP | HUP)) != 0) {
      up.readable = true;
      if ((events & RDHUP) != 0) {
        up.rdhup = true;
      }
      if (!pump(up)) {
        return;
      }
    }
    if ((events & OUT) != 0) {
      pump(down);
    }
  }

  private void serverReady(int events) {
    if (!connected) {
      if ((events & (OUT | ERR | HUP)) == 0) {
        return; // input before the connect completed: read once it has (same event, or later)
      }
      int attempt = serverFd;
      finishConnect();
      if (!connected || finished || serverFd != attempt) {
        return; // still connecting, ended, or connected by a retry whose socket has no events yet
      }
      // an EPOLLIN in the same event is read below
    }
    if ((events & ERR) != 0) {
      failedSide(down, CloseReason.SERVER_ERROR);
      return;
    }
    if ((events & OUT) != 0 && !pump(up)) {
      return;
    }
    if ((events & (IN | RDHUP | HUP)) != 0) {
      down.readable = true;
      if ((events & RDHUP) != 0) {
        down.rdhup = true;
      }
      pump(down);
    }
  }

  /**
   * A side reported an error (a reset). Before the connect, the client's bytes have nowhere to go.
   * After it, what the side sent before the reset is still in its socket, and the kernel gives it
   * out before the error: it is relayed as the other side takes it, however long that takes (a
   * large response to a slow client), then passed on with a FIN, and the session ends as that
   * side's error once the other side has ended too ({@link #endOfResetStream}). Nothing more goes
   * toward the reset side: what the other side sends is read and dropped. haproxy reads a reset
   * socket on the same way; cutting the session at once truncated the response. Both sides reset:
   * nothing can be delivered, it ends.
   */
  private void failedSide(Pipe source, CloseReason why) {
    Pipe toward = reverse(source);
    if (!connected || toward.errored) {
      abort(why);
      return;
    }
    if (reason == null) {
      reason = why; // however the session ends from here on, it ends as this side's error
    }
    source.errored = true;
    source.readable = true;
    release(toward); // bytes for the reset side: no one to take them
    if (pump(source) && !finished) {
      toward.readable = true;
      discard(toward);
    }
    if (!finished) {
      // both ends may have been in already (the reset side's FIN passed on before, the other's
      // read): then no event and no timeout would come for this session any more
      closeIfBothEnded(source);
    }
  }

  /** The direction opposite to {@code p}. */
  private Pipe reverse(Pipe p) {
    return p.fromClient ? down : up;
  }

  /**
   * Closes the session as the reset side's error once nothing is left to wait for: the {@code
   * reset} side's stream passed on, and the other side's end read.
   *
   * @return true if it closed
   */
  private boolean closeIfBothEnded(Pipe reset) {
    if (reset.finSent && reverse(reset).eof) {
      abort(reason); // the other side's input read to its end: the close sends no reset
      return true;
    }
    return false;
  }

  /**
   * Reads and drops what {@code p}'s source sends once its destination has reset. Left unread, it
   * would make the close that ends the session a reset, and a reset throws away what the source has
   * yet to receive: the reset side's last bytes, relayed but still in the socket's send queue
   * (client-go sends WINDOW_UPDATE frames while it reads a large response).
   */
  private void discard(Pipe p) {
    if (p.eof || !p.readable || finished) {
      return;
    }
    Socket src = p.fromClient ? client : server;
    ByteBuf buf = loop.scratch(false); // not the reserve: these bytes go nowhere
    if (buf == null) {
      if (reverse(p).finSent) {
        abort(reason); // only this input was awaited: close now, at the risk of a reset
      }
      return; // else tried again when the reset side's stream ends
    }
    try {
      for (int i = 0; i < DISCARD_READS_PER_TURN; i++) {
        int n = src.recvAddress(buf.memoryAddress(), 0, buf.capacity());
        if (n < buf.capacity()) {
          p.readable = false; // drained (or EAGAIN): the next edge brings more
          if (n < 0 || p.rdhup) { // its end came (after EPOLLRDHUP, a short read reaches it)
            p.eof = true;
            closeIfBothEnded(reverse(p));
          }
          return;
        }
      }
      loop.again(() -> discard(p)); // more: after the loop's other work, with no new edge to wait
    } catch (IOException e) {
      failed(p.fromClient, e); // this side reset too: nothing can be delivered any more
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
    if (reverse(p).errored) {
      discard(p); // the destination reset: what its peer sends now goes nowhere (see failedSide)
      return !finished;
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
          loop.recycle(pending);
          moved = true;
        }
        if (p.eof || !p.readable) {
          break;
        }
        // a session holding the other direction's buffer may use the reserve: its peer may be
        // blocked on this direction, and then nothing else would free that buffer
        ByteBuf buf = loop.scratch(reverse(p).pending != null);
        if (buf == null) {
          waitForBuffer(p); // the bytes wait in the socket, and TCP holds the sender back
          break;
        }
        int want = buf.capacity();
        int n;
        try {
          n = src.recvAddress(buf.memoryAddress(), 0, want);
        } catch (IOException e) {
          if (!p.errored) {
            failed(p.fromClient, e);
            return false;
          }
          n = -1; // the reset side's error comes after all it sent: its stream ends here
        }
        if (n > 0) {
          countBytes(p.fromClient, n);
          moved = true;
          if (n < want && !p.errored) {
            p.readable = false; // drained: the next edge brings more
            if (p.rdhup) {
              p.eof = true; // and the FIN was already in: it follows at once
            }
          }
          buf.writerIndex(n);
          if (p.eof && !p.corked && !reverse(p).finSent) {
            // the last bytes, then the FIN: one segment, as haproxy sends it
            RelaySockets.setCork(dst, true);
            p.corked = true;
          }
          if (loop.deferWrite()) {
            // written with the batch's other reads, once all its events are handled
            p.pending = loop.takeScratch();
            if (!flushQueued) {
              flushQueued = true;
              loop.atBatchEnd(flushRead);
            }
            break;
          }
          if (!write(p, dst, buf)) {
            p.pending = loop.takeScratch();
            break;
          }
        } else if (n < 0 || p.errored) {
          // a FIN; or a reset socket that answers EAGAIN, its error taken by another call (the
          // other direction's write): its stream has ended all the same
          p.eof = true;
          p.readable = false;
          moved = true; // a FIN is activity: client-fin counts from it, as haproxy's does
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
    if (p.eof && p.pending == null && !p.finSent) {
      return p.errored ? endOfResetStream(p, dst) : passFin(p, dst);
    }
    return true;
  }

  /**
   * Everything a reset side sent is written: the other side gets a FIN behind it, and the session
   * waits for that side's own end, its input read and dropped meanwhile ({@link #discard}), before
   * it closes as the reset side's error. Closing at once, with input unread, would send a reset
   * that throws away what the other side has yet to receive, the reset side's last bytes among it
   * (haproxy closes as soon as it has shut the output, and so sends that reset when the client
   * spoke meanwhile). The wait is bounded by the longer of client-fin and server-fin from the last
   * activity ({@link SessionTimeouts#afterResetNanos}): the dropped input is not activity.
   */
  private boolean endOfResetStream(Pipe p, Socket dst) {
    p.finSent = true;
    if (closeIfBothEnded(p)) {
      return false; // the other side has ended too: nothing to wait for
    }
    try {
      dst.shutdown(false, true);
    } catch (IOException | java.nio.channels.NotYetConnectedException e) {
      abort(reason);
      return false;
    }
    checkTimeouts(); // the other side now waits for its own end: client-fin or server-fin
    discard(
        reverse(p)); // what it sent meanwhile, its end perhaps among it (no new edge would tell)
    return !finished;
  }

  /** No read buffer could be had: {@code p} reads again when one may be (see RelayBufferBudget). */
  private void waitForBuffer(Pipe p) {
    if (p.waitingForBuffer) {
      return;
    }
    p.waitingForBuffer = true;
    loop.whenBufferFree(
        () -> {
          p.waitingForBuffer = false;
          if (finished) {
            return;
          }
          try {
            pump(p);
          } catch (RuntimeException | OutOfMemoryError e) {
            log.warn("frontend {}: session failed: {}", frontend.name(), e.toString());
            abort(p.fromClient ? CloseReason.CLIENT_ERROR : CloseReason.SERVER_ERROR);
          }
        });
  }

  /** The batch's events are handled: what they read goes out (and reading goes on). */
  private void flushRead() {
    flushQueued = false;
    if (finished) {
      return;
    }
    try {
      if (up.pending != null && !pump(up)) {
        return;
      }
      if (down.pending != null) {
        pump(down);
      }
    } catch (RuntimeException | OutOfMemoryError e) {
      // as in ready(): a listener of the proxy's events failed, or no buffer could be had
      log.warn("frontend {}: session failed: {}", frontend.name(), e.toString());
      abort(CloseReason.SERVER_ERROR);
    }
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
    if (w > 0) {
      // part of a buffer taken is activity too, as each of haproxy's sends refreshes its timeout
      // (with the kernel's default send buffers a partial write is rare: EPOLLOUT comes once a
      // third of a buffer of up to 4 MiB is free)
      long now = context.nanoClock.getAsLong();
      clientActivityNanos = now;
      serverActivityNanos = now;
    }
    if (!p.fromClient && !clientOutWatched) {
      // the server socket watches EPOLLOUT from its connect on; the client from now on
      loop.modify(clientFd, IN | OUT | RDHUP);
      clientOutWatched = true;
    }
    return false;
  }

  /** {@code p}'s source ended and everything before it was written: end {@code dst}'s output. */
  private boolean passFin(Pipe p, Socket dst) {
    p.finSent = true;
    if (reverse(p).finSent) {
      // both directions done: the close sends this FIN (both inputs are read to their end)
      abort(p.fromClient ? CloseReason.SERVER_CLOSED : CloseReason.CLIENT_CLOSED);
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
    checkTimeouts(); // half-closed: client-fin and server-fin may now be the shorter timeouts
    return true;
  }

  private void failed(boolean clientSide, IOException cause) {
    log.debug("{} side of {} failed", clientSide ? "client" : "server", frontend.name(), cause);
    abort(clientSide ? CloseReason.CLIENT_ERROR : CloseReason.SERVER_ERROR);
  }

  // ---- closing ----

  @Override
  public void closeFromAnyThread(CloseReason why) {
    loop.execute(() -> abort(why));
  }

  /**
   * Closes both sockets now, dropping whatever is pending (timeouts, errors, marked down, stop, and
   * every other end: the relay has no graceful close of its own, a FIN is passed on as it comes).
   */
  @Override
  void abort(CloseReason why) {
    if (reason == null) {
      reason = why;
    }
    closeNow();
  }

  private void closeNow() {
    if (finished) {
      return;
    }
    try {
      if (!connected) {
        drainClient();
      }
    } finally { // whatever happened, the descriptors close and the slots go back
      loop.close(client);
      if (server != null) {
        loop.close(server);
      }
      finish();
    }
  }

  /**
   * A client closed before its server connected may have sent bytes (a TLS ClientHello) that were
   * left in its socket: closing it unread would send a reset. One read pass takes what is there, so
   * that the close sends a FIN, as haproxy's does.
   */
  private void drainClient() {
    if (!up.readable) {
      return;
    }
    try {
      ByteBuf buf = loop.scratch(false);
      if (buf == null) {
        return; // no buffer to spare: the close may send a reset
      }
      for (int i = 0; i < 4; i++) {
        int n = client.recvAddress(buf.memoryAddress(), 0, buf.capacity());
        if (n < buf.capacity()) {
          return;
        }
      }
    } catch (IOException | RuntimeException | OutOfMemoryError e) {
      // reset or gone: nothing to spare it
    }
  }

  private void finish() {
    release(up);
    release(down);
    recordEnd();
  }

  private void release(Pipe p) {
    if (p.pending != null) {
      loop.recycle(p.pending);
      p.pending = null;
    }
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
  @Override
  long pendingToServer() {
    return up.pending == null ? 0 : up.pending.readableBytes();
  }

  /** Bytes read from the server and not yet written to the client. */
  @Override
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
}
