package io.vipd.proxy;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
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
  /** A place in the queue; dead once its session left it, skipped (and purged) later. */
  private static final class Ticket {
    /** Cleared when the session leaves: a dead place holds no closed session. */
    volatile RelaySession session;

    final AtomicBoolean live = new AtomicBoolean(true);

    /** Taken off {@link #waiting}, by a poll or a purge: whichever sets it owns the removal. */
    final AtomicBoolean unlinked = new AtomicBoolean();

    Ticket(RelaySession session) {
      this.session = session;
    }
  }

  private final ConcurrentLinkedDeque<Ticket> waiting = new ConcurrentLinkedDeque<>();

  /** Each waiting session's ticket: a session leaves in O(1), not by a search of the queue. */
  private final ConcurrentHashMap<RelaySession, Ticket> tickets = new ConcurrentHashMap<>();

  private final AtomicInteger size = new AtomicInteger();

  /** Dead tickets still in {@link #waiting}. */
  private final AtomicInteger dead = new AtomicInteger();

  private final AtomicBoolean turnOut = new AtomicBoolean();
  private final AtomicBoolean purging = new AtomicBoolean();

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

  /**
   * True if a session waits or has its turn: a new session queues behind them. The one whose turn
   * it is has left {@link #size} but not yet taken its slot; without this a new session on another
   * loop could take that slot first and send it back to the queue, again and again under steady
   * arrivals, where haproxy hands the slot to the session it dequeues.
   */
  boolean busy() {
    return size.get() > 0 || turnOut.get();
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
  synchronized boolean add(RelaySession session, boolean first) {
    // one adder at a time: counted and linked in one step, so that a session counted first is
    // also linked first; a session of another loop that saw this one counted, queued behind it and
    // linked first while this one was between the two steps would otherwise take its turn
    Ticket t = new Ticket(session);
    tickets.put(session, t);
    size.incrementAndGet();
    if (first) {
      waiting.addFirst(t);
    } else {
      waiting.addLast(t);
    }
    // checked after adding: a close that drained the queue before this add is seen here
    if (closed && remove(session)) {
      return false;
    }
    return true;
  }

  /** {@code session} leaves the queue (timed out, closed); false if it was not in it. */
  boolean remove(RelaySession session) {
    Ticket t = tickets.remove(session);
    if (t == null || !t.live.compareAndSet(true, false)) {
      return false;
    }
    t.session = null;
    size.decrementAndGet();
    // a burst of timeouts leaves dead tickets behind: purged once they outnumber the living
    if (dead.incrementAndGet() > size.get() + 64) {
      purge();
    }
    return true;
  }

  /** One pass over the queue that unlinks the dead tickets: O(n), by one thread at a time. */
  private void purge() {
    if (!purging.compareAndSet(false, true)) {
      return;
    }
    try {
      for (Iterator<Ticket> it = waiting.iterator(); it.hasNext(); ) {
        Ticket t = it.next();
        if (!t.live.get() && t.unlinked.compareAndSet(false, true)) {
          it.remove();
          dead.decrementAndGet();
        }
      }
    } finally {
      purging.set(false);
    }
  }

  /** The oldest live ticket, claimed (dead ones on the way are dropped), or null. */
  private Ticket claimFirst() {
    for (Ticket t; (t = waiting.pollFirst()) != null; ) {
      if (!t.unlinked.compareAndSet(false, true)) {
        continue; // a purge took it off meanwhile and counted it
      }
      if (t.live.compareAndSet(true, false)) {
        tickets.remove(t.session, t);
        return t;
      }
      dead.decrementAndGet();
    }
    return null;
  }

  /** Dead tickets still queued: tests. */
  int deadCount() {
    return dead.get();
  }

  /** Sessions with a ticket: tests. */
  int ticketCount() {
    return tickets.size();
  }

  /**
   * Takes the oldest waiting session off the queue as the one whose turn it is, unless another
   * session has the turn.
   *
   * @return null if a turn is out or none waits
   */
  RelaySession nextTurn() {
    while (size.get() > 0 && turnOut.compareAndSet(false, true)) {
      Ticket t = claimFirst();
      if (t != null) {
        size.decrementAndGet();
        return t.session;
      }
      // counted but not yet in the deque (an add under way), whose own serving lost the turn
      // to this one: let go of the turn and look again, or its wake-up would be lost
      turnOut.set(false);
    }
    return null;
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
    for (Ticket t; (t = claimFirst()) != null; ) {
      size.decrementAndGet();
      all.add(t.session);
    }
    return all;
  }
}
