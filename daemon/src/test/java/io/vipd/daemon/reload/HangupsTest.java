package io.vipd.daemon.reload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class HangupsTest {
  private final Hangups hangups = new Hangups();

  @Test
  void signalsDuringAReloadMergeIntoOneMore() throws Exception {
    AtomicInteger reloads = new AtomicInteger();
    CountDownLatch inFirst = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Runnable reload =
        () -> {
          if (reloads.incrementAndGet() == 1) {
            inFirst.countDown();
            await(release);
          }
        };
    Thread first = new Thread(() -> hangups.signal(reload), "first-hup");
    first.start();
    assertTrue(inFirst.await(10, TimeUnit.SECONDS));

    List<Boolean> ranThemselves = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ranThemselves.add(hangups.signal(reload)); // returns at once: merged
    }
    release.countDown();
    first.join(10_000);

    assertEquals(List.of(false, false, false, false, false), ranThemselves);
    assertEquals(2, reloads.get(), "the first, and one more for the five that came meanwhile");
    assertTrue(hangups.signal(reload), "idle again: a later signal reloads at once");
    assertEquals(3, reloads.get());
  }

  @Test
  void aReloadThatThrowsDoesNotSilenceLaterSignals() {
    AtomicInteger reloads = new AtomicInteger();
    assertThrows(
        IllegalStateException.class,
        () ->
            hangups.signal(
                () -> {
                  reloads.incrementAndGet();
                  throw new IllegalStateException("boom");
                }));
    assertTrue(hangups.signal(reloads::incrementAndGet));
    assertEquals(2, reloads.get());
  }

  @Test
  void aSignalAloneReloadsOnce() {
    AtomicInteger reloads = new AtomicInteger();
    assertTrue(hangups.signal(reloads::incrementAndGet));
    assertEquals(1, reloads.get());
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("not released");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
