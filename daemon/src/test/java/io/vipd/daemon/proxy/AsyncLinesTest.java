package io.vipd.daemon.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The connection log's writer: the proxy's loops never wait for the log output. */
class AsyncLinesTest {

  @Test
  void aStalledOutputCostsLinesNotTheCaller() throws Exception {
    CountDownLatch stalled = new CountDownLatch(1);
    List<String> written = new CopyOnWriteArrayList<>();
    AsyncLines lines =
        new AsyncLines(
            line -> {
              try {
                stalled.await(10, TimeUnit.SECONDS); // stdout into a stalled journald
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              written.add(line);
            },
            100,
            "test-lines");
    try {
      long start = System.nanoTime();
      for (int i = 0; i < 10_000; i++) {
        lines.accept("line " + i);
      }
      long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertTrue(tookMs < 5000, "the caller waited " + tookMs + " ms for a stalled output");
      long dropped = lines.dropped();
      // the queue holds 100, the writer holds one in its blocked write
      assertTrue(dropped >= 10_000 - 101 && dropped <= 10_000 - 100, "dropped " + dropped);
      stalled.countDown();
      lines.close(5000);
      assertEquals("line 0", written.get(0));
      assertTrue(
          written.stream()
              .anyMatch(
                  l ->
                      l.equals(
                          dropped
                              + " connection log lines dropped: the log"
                              + " output did not keep up")),
          written.subList(0, Math.min(5, written.size())).toString());
      assertEquals(100 + 1 + 1, written.size(), "what was queued, then the count of the dropped");
    } finally {
      stalled.countDown();
      lines.close(1000);
    }
  }

  @Test
  void everyLineIsWrittenInOrderWhileTheOutputKeepsUpAndCloseWritesTheRest() {
    List<String> written = new CopyOnWriteArrayList<>();
    AsyncLines lines = new AsyncLines(written::add, 1000, "test-lines");
    for (int i = 0; i < 500; i++) {
      lines.accept("line " + i);
    }
    lines.close(5000);
    assertEquals(500, written.size());
    for (int i = 0; i < 500; i++) {
      assertEquals("line " + i, written.get(i));
    }
    assertEquals(0, lines.dropped());
  }
}
