package io.vipd.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The queue's order and counts through adds, removals (timeouts), turns and a close. */
class BackendQueueTest {

  /** A stand-in: the queue only keeps and hands back sessions. */
  private static final class Waiter implements RelaySession {
    final int n;

    Waiter(int n) {
      this.n = n;
    }

    @Override
    public EventLoop eventLoop() {
      throw new UnsupportedOperationException();
    }

    @Override
    public void closeFromAnyThread(CloseReason why) {}

    @Override
    public void takeTurnFromAnyThread(BackendQueue queue) {}

    @Override
    public String toString() {
      return "w" + n;
    }
  }

  private static List<Waiter> waiters(int n) {
    List<Waiter> w = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      w.add(new Waiter(i));
    }
    return w;
  }

  @Test
  void turnsGoOldestFirstSkippingThoseThatLeft() {
    BackendQueue q = new BackendQueue(null);
    List<Waiter> w = waiters(5);
    w.forEach(s -> assertTrue(q.add(s, false)));
    assertTrue(q.remove(w.get(0)));
    assertTrue(q.remove(w.get(2)));
    assertFalse(q.remove(w.get(2)), "not in it twice");
    assertEquals(3, q.size());
    assertSame(w.get(1), q.nextTurn());
    assertNull(q.nextTurn(), "one turn at a time");
    assertFalse(q.remove(w.get(1)), "the session with the turn is not waiting");
    q.endTurn();
    assertTrue(q.add(w.get(1), true), "back from a turn it could not use: first again");
    assertSame(w.get(1), q.nextTurn());
    q.endTurn();
    assertSame(w.get(3), q.nextTurn());
    q.endTurn();
    assertSame(w.get(4), q.nextTurn());
    q.endTurn();
    assertNull(q.nextTurn());
    assertTrue(q.isEmpty());
  }

  /**
   * A burst of timeouts over a long queue: each leaves at once (no search of the queue), the dead
   * places are purged as they pile up, and the living keep their order.
   */
  @Test
  void aBurstOfRemovalsKeepsTheOrderOfThoseLeft() {
    BackendQueue q = new BackendQueue(null);
    List<Waiter> w = waiters(20_000);
    w.forEach(s -> q.add(s, false));
    for (int i = 0; i < w.size(); i++) {
      if (i % 10 != 7) {
        assertTrue(q.remove(w.get(i)));
      }
    }
    assertEquals(2_000, q.size());
    assertTrue(q.deadCount() <= 2_000 + 64, "dead places purged as they pile up: " + q.deadCount());
    assertEquals(2_000, q.ticketCount());
    for (int i = 7; i < w.size(); i += 10) {
      assertSame(w.get(i), q.nextTurn());
      q.endTurn();
    }
    assertNull(q.nextTurn());
    assertEquals(0, q.size());
  }

  /**
   * Four threads add, remove and take turns at once, as the event loops do: every session that
   * joined leaves exactly once (by a removal or a turn), and nothing is left counted or held.
   */
  @Test
  void concurrentJoinsRemovalsAndTurnsLoseNothing() throws Exception {
    BackendQueue q = new BackendQueue(null);
    java.util.concurrent.atomic.AtomicInteger left =
        new java.util.concurrent.atomic.AtomicInteger();
    int perThread = 20_000;
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int seed = t;
      threads.add(
          new Thread(
              () -> {
                java.util.Random r = new java.util.Random(seed);
                for (int i = 0; i < perThread; i++) {
                  Waiter w = new Waiter(i);
                  q.add(w, r.nextInt(8) == 0);
                  if (r.nextBoolean() && q.remove(w)) {
                    left.incrementAndGet();
                  }
                  RelaySession turn = q.nextTurn();
                  if (turn != null) {
                    left.incrementAndGet();
                    q.endTurn();
                  }
                }
              }));
    }
    threads.forEach(Thread::start);
    for (Thread t : threads) {
      t.join(60_000);
    }
    for (RelaySession turn; (turn = q.nextTurn()) != null; ) {
      left.incrementAndGet();
      q.endTurn();
    }
    assertEquals(4 * perThread, left.get(), "each session left once");
    assertEquals(0, q.size());
    assertEquals(0, q.ticketCount(), "no ticket held");
  }

  @Test
  void aClosedQueueHandsBackTheWaitingInOrderAndTakesNoneMore() {
    BackendQueue q = new BackendQueue(null);
    List<Waiter> w = waiters(4);
    w.forEach(s -> q.add(s, false));
    q.remove(w.get(1));
    assertEquals(List.of(w.get(0), w.get(2), w.get(3)), q.close());
    assertFalse(q.add(new Waiter(9), false), "the backend is gone");
    assertTrue(q.isEmpty());
  }
}
