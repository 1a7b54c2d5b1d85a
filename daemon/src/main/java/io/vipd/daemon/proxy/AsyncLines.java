package io.vipd.daemon.proxy;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Hands lines to a sink on a thread of its own, so that a sink that blocks (stdout into a stalled
 * journald or a full pipe) never blocks the proxy's event loops that produce them. At most {@code
 * capacity} lines wait; beyond that a line is dropped and counted, as haproxy drops the log lines
 * its log socket cannot take, and the count is written once the sink keeps up again.
 */
final class AsyncLines implements Consumer<String>, AutoCloseable {
  private final Consumer<String> sink;
  private final BlockingQueue<String> queue;
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong droppedTotal = new AtomicLong();
  private final Thread writer;
  private volatile boolean closed;

  AsyncLines(Consumer<String> sink, int capacity, String threadName) {
    this.sink = sink;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.writer = new Thread(this::drain, threadName);
    writer.setDaemon(true);
    writer.start();
  }

  /** Queues {@code line}; never blocks. */
  @Override
  public void accept(String line) {
    if (closed || !queue.offer(line)) {
      drop();
    }
  }

  private void drop() {
    dropped.incrementAndGet();
    droppedTotal.incrementAndGet();
  }

  /** Lines dropped since start (reported or not). */
  long droppedTotal() {
    return droppedTotal.get();
  }

  /** Lines dropped and not yet reported. */
  long dropped() {
    return dropped.get();
  }

  private void drain() {
    try {
      while (!closed || !queue.isEmpty()) {
        String line = queue.poll(100, TimeUnit.MILLISECONDS);
        reportDrops();
        if (line != null) {
          write(line);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void reportDrops() {
    long n = dropped.getAndSet(0);
    if (n > 0) {
      write(n + " connection log lines dropped: the log output did not keep up");
    }
  }

  private void write(String line) {
    try {
      sink.accept(line);
    } catch (RuntimeException e) {
      drop(); // a failing sink loses the line, not the writer
    }
  }

  /** Writes what is queued (for at most {@code millis}), then stops. */
  void close(long millis) {
    closed = true;
    try {
      writer.join(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    writer.interrupt();
  }

  @Override
  public void close() {
    close(1000);
  }
}
