package io.vipd.proxy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The connections of one backend that wait for a server slot, oldest first: haproxy's backend
 * queue. A connection waits here when every server that could take it is at its {@code maxconn},
 * rather than being refused, until a slot frees up or its {@code timeout queue} passes; new
 * connections queue behind those already waiting.
 *
 * <p>One session at a time has its turn: it was taken off the queue and, on its own event loop,
 * either takes a slot or goes back to the front. Handing out one turn at a time keeps a freed slot
 * from waking every waiting session for one of them to win it. A reload's new pool takes the queue
 * over, so the waiting keep their places.
 *
 * <p>Thread-safe: sessions of every event loop join and leave, and whichever thread frees a slot
 * hands out the next turn.
 */
final class BackendQueue {
  private final ConcurrentLinkedDeque<RelaySession> waiting = new ConcurrentLinkedDeque<>();
  private final AtomicInteger size = new AtomicInteger();
  private final AtomicBoolean turnOut = new AtomicBoolean();

  /**
   * The pool of this backend now: a reload's new pool takes the queue over, and a turn selects from
   * it, whatever pool the session's frontend still points at (a frontend removed or moved to
   * another backend by the reload).
   */
  volatile BackendPool owner;

  /** The backend was removed: nothing will serve this queue again. */
  private volatile boolean closed;

  BackendQueue(BackendPool owner) {
    this.owner = owner;
  }

  /** True if no session waits (one read of a volatile: the relay's hot path asks). */
  boolean isEmpty() {
    return size.get() == 0;
  }

  /** Sessions waiting, the one whose turn it is not included. */
  int size() {
    return size.get();
  }

  /**
   * {@code session} waits behind the others, or, back from a turn it could not use, first.
   *
   * @return false if the backend is gone (the session is not queued)
   */
  boolean add(RelaySession session, boolean first) {
    size.incrementAndGet();
    if (first) {
      waiting.addFirst(session);
    } else {
      waiting.addLast(session);
    }
    // checked after adding: a close that drained the queue before this add is seen here
    if (closed && remove(session)) {
      return false;
    }
    return true;
  }

  /** {@code session} leaves the queue (timed out, closed); false if it was not in it. */
  boolean remove(RelaySession session) {
    if (waiting.removeFirstOccurrence(session)) {
      size.decrementAndGet();
      return true;
    }
    return false;
  }

  /**
   * Takes the oldest waiting session off the queue as the one whose turn it is, unless another
   * session has the turn.
   *
   * @return null if a turn is out or none waits
   */
  RelaySession nextTurn() {
    if (size.get() == 0 || !turnOut.compareAndSet(false, true)) {
      return null;
    }
    RelaySession s = waiting.pollFirst();
    if (s == null) {
      turnOut.set(false);
      return null;
    }
    size.decrementAndGet();
    return s;
  }

  /** The session that had the turn took a slot, went back to the queue, or ended. */
  void endTurn() {
    turnOut.set(false);
  }

  /**
   * The backend is gone: no session may join any more; takes every waiting one off the queue, for
   * the caller to close.
   */
  List<RelaySession> close() {
    closed = true;
    List<RelaySession> all = new ArrayList<>();
    for (RelaySession s; (s = waiting.pollFirst()) != null; ) {
      size.decrementAndGet();
      all.add(s);
    }
    return all;
  }
}
