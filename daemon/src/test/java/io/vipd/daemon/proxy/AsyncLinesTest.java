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
    CountDownLatch writing = new CountDownLatch(1);
    CountDownLatch stalled = new CountDownLatch(1);
    List<String> written = new CopyOnWriteArrayList<>();
    AsyncLines lines =
        new AsyncLines(
            line -> {
              writing.countDown();
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
      lines.accept("first");
      assertTrue(writing.await(5, TimeUnit.SECONDS), "the writer took the first line");
      long start = System.nanoTime();
      for (int i = 0; i < 10_000; i++) {
        lines.accept("line " + i);
      }
      long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertTrue(tookMs < 5000, "the caller waited " + tookMs + " ms for a stalled output");
      assertEquals(10_000 - 100, lines.dropped(), "the queue holds 100; the rest is dropped");
      stalled.countDown();
      lines.close(5000);
      assertEquals(
          List.of("first", "9900 connection log lines dropped: the log output did not keep up"),
          written.subList(0, 2));
      assertEquals(2 + 100, written.size(), "the first line, the count, what was queued");
      assertEquals("line 0", written.get(2));
      assertEquals("line 99", written.get(101));
      assertEquals(0, lines.dropped(), "reported");
      assertEquals(9_900, lines.droppedTotal(), "counted since start, for the metric");
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
