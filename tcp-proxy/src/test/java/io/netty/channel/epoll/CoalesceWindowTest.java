package io.netty.channel.epoll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class CoalesceWindowTest {
  private static final long WINDOW = 50_000;

  @Test
  void aLoopStartsBySleepingInEpollWait() {
    assertEquals(0, new CoalesceWindow(WINDOW).napNanos());
  }

  @Test
  void aWaitThatFindsSeveralSocketsReadyMakesTheNextOneANap() {
    CoalesceWindow w = new CoalesceWindow(WINDOW);
    w.found(CoalesceWindow.MIN_READY);
    w.worked(WINDOW * 3);
    assertEquals(WINDOW, w.napNanos(), "a loop that worked longer than the window naps the window");
    w.found(40);
    w.worked(WINDOW * 3);
    assertEquals(WINDOW, w.napNanos(), "naps go on while they find several");
  }

  @Test
  void aNapLastsNoLongerThanTheLoopWorkedSinceItsLastWait() {
    // the loop works at least half of the time while it naps: an event waits no longer than the
    // work in front of it took
    CoalesceWindow w = new CoalesceWindow(WINDOW);
    w.found(5);
    w.worked(12_000);
    assertEquals(12_000, w.napNanos());
    w.found(5);
    w.worked(0);
    assertEquals(0, w.napNanos(), "no work, no nap");
    w.found(5);
    w.worked(-3); // a clock that went back
    assertEquals(0, w.napNanos());
  }

  @Test
  void aWaitThatFindsOneSocketOrNoneEndsTheNaps() {
    CoalesceWindow w = new CoalesceWindow(WINDOW);
    w.worked(WINDOW);
    w.found(3);
    w.found(1);
    assertEquals(0, w.napNanos(), "one socket: its event is not held back by the next wait");
    w.found(3);
    w.found(0);
    assertEquals(0, w.napNanos(), "a nap that found nothing");
  }

  @Test
  void aClientAloneNeverMakesTheLoopNap() {
    // its request and the server's answer: one socket ready per wait
    CoalesceWindow w = new CoalesceWindow(WINDOW);
    for (int i = 0; i < 100; i++) {
      w.worked(WINDOW);
      w.found(1);
      assertEquals(0, w.napNanos());
    }
  }

  @Test
  void withoutAWindowTheLoopNeverNaps() {
    CoalesceWindow w = new CoalesceWindow(0);
    assertFalse(w.on(), "the loop need not time its work");
    w.worked(WINDOW);
    w.found(100);
    assertEquals(0, w.napNanos());
  }

  @Test
  void aNegativeWindowIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new CoalesceWindow(-1));
  }
}
