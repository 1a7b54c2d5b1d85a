package io.vipd.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.RelayEventLoop;
import io.netty.channel.epoll.RelayEventLoopGroup;
import io.netty.channel.epoll.RelaySockets;
import io.netty.channel.unix.Socket;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The relay's own event loop: its batches, its closes, its wake-ups and its timers. */
class RelayEventLoopTest {
  private RelayEventLoopGroup group;
  private RelayEventLoop loop;

  @BeforeEach
  void setUp() {
    ProxyHarness.require(Epoll.isAvailable(), "epoll");
    group =
        new RelayEventLoopGroup(
            1, new DefaultThreadFactory("relay-test", true), 4096, PooledByteBufAllocator.DEFAULT);
    loop = (RelayEventLoop) group.next();
  }

  @AfterEach
  void tearDown() {
    if (group != null) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
  }

  /**
   * A listener on a loopback port, registered on the loop for reads: {@code handlerOf} makes its
   * handler, given the listener (a connect to it makes the handler run).
   */
  private Socket listening(java.util.function.Function<Socket, RelayEventLoop.Handler> handlerOf)
      throws Exception {
    Socket listening = RelaySockets.newStream(true);
    listening.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    listening.listen(4);
    RelayEventLoop.Handler handler = handlerOf.apply(listening);
    loop.submit(
            () -> {
              loop.add(listening.intValue(), RelayEventLoop.IN, handler);
              return null;
            })
        .get(5, TimeUnit.SECONDS);
    return listening;
  }

  /**
   * A descriptor closed while the loop works through a batch is closed when the batch ends: a
   * socket opened in the same batch cannot get its number, so events the batch still holds for the
   * old socket cannot reach the new one.
   */
  @Test
  void aDescriptorClosedDuringABatchKeepsItsNumberUntilTheBatchEnds() throws Exception {
    CompletableFuture<String> inBatch = new CompletableFuture<>();
    Socket listening =
        listening(
            self ->
                (fd, events) -> {
                  loop.close(self);
                  Socket opened = RelaySockets.newStream(true);
                  try {
                    inBatch.complete(opened.intValue() + " " + link(fd));
                  } catch (IOException e) {
                    inBatch.completeExceptionally(e);
                  } finally {
                    loop.close(opened);
                  }
                });
    int n = listening.intValue();
    String link = link(n);
    try (java.net.Socket client = new java.net.Socket()) {
      poke(client, listening); // the listener becomes readable
      String[] seen = inBatch.get(5, TimeUnit.SECONDS).split(" ");
      assertNotEquals(String.valueOf(n), seen[0], "a socket opened in the batch got its number");
      assertEquals(link, seen[1], "still open until the batch ends");
      loop.submit(() -> {}).get(5, TimeUnit.SECONDS); // the batch is over
      assertNotEquals(link, link(n), "closed once the batch ended");
    }
  }

  /** Outside a batch (a task, a timer) a close is immediate. */
  @Test
  void aDescriptorClosedOutsideABatchIsClosedAtOnce() throws Exception {
    Socket s = RelaySockets.newStream(true);
    int n = s.intValue();
    String link = link(n);
    String after =
        loop.submit(
                () -> {
                  loop.add(n, RelayEventLoop.IN, (fd, events) -> {});
                  loop.close(s);
                  return link(n);
                })
            .get(5, TimeUnit.SECONDS);
    assertNotEquals(link, after);
  }

  /** A task from another thread wakes a loop that waits with nothing to do. */
  @Test
  void aTaskFromAnotherThreadWakesAnIdleLoop() throws Exception {
    loop.submit(() -> {}).get(5, TimeUnit.SECONDS);
    for (int i = 0; i < 50; i++) {
      Thread.sleep(2); // the loop is back in epoll_wait, with no timer
      CountDownLatch ran = new CountDownLatch(1);
      loop.execute(ran::countDown);
      assertTrue(ran.await(5, TimeUnit.SECONDS), "task " + i + " never ran");
    }
  }

  /** A timer fires after its delay, not before. */
  @Test
  void aScheduledTaskRunsAfterItsDelay() throws Exception {
    AtomicLong ranAt = new AtomicLong();
    long start = System.nanoTime();
    loop.schedule(() -> ranAt.set(System.nanoTime()), 50, TimeUnit.MILLISECONDS)
        .get(5, TimeUnit.SECONDS);
    long waited = TimeUnit.NANOSECONDS.toMillis(ranAt.get() - start);
    assertTrue(waited >= 50, "ran after " + waited + " ms");
  }

  /**
   * Work cut short for the others' turn ({@link RelayEventLoop#again}) goes on once per iteration:
   * a due timer runs between two of its turns however long it goes on (as a task re-posting itself
   * it would hold the loop for good).
   */
  @Test
  void workThatGoesOnLetsTimersRunBetweenItsTurns() throws Exception {
    CompletableFuture<Integer> turnsBeforeTimer = new CompletableFuture<>();
    java.util.concurrent.atomic.AtomicBoolean fired =
        new java.util.concurrent.atomic.AtomicBoolean();
    java.util.concurrent.atomic.AtomicInteger turns =
        new java.util.concurrent.atomic.AtomicInteger();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
    Runnable[] work = new Runnable[1];
    work[0] =
        () -> {
          turns.incrementAndGet();
          if (fired.get()) {
            turnsBeforeTimer.complete(turns.get());
          } else if (System.nanoTime() - deadline > 0) {
            turnsBeforeTimer.completeExceptionally(new AssertionError("the timer never ran"));
          } else {
            loop.again(work[0]);
          }
        };
    loop.submit(
            () -> {
              loop.schedule(() -> fired.set(true), 20, TimeUnit.MILLISECONDS);
              loop.again(work[0]);
            })
        .get(5, TimeUnit.SECONDS);
    assertTrue(turnsBeforeTimer.get(5, TimeUnit.SECONDS) > 1);
  }

  /** A handler that fails, even for want of memory, costs its own descriptor, not the loop. */
  @Test
  void aFailingHandlerDoesNotStopTheLoop() throws Exception {
    Socket listening =
        listening(
            self ->
                (fd, events) -> {
                  throw new OutOfMemoryError("test: no direct memory");
                });
    try (java.net.Socket client = new java.net.Socket()) {
      poke(client, listening);
      Thread.sleep(100); // the handler has failed by now
      assertEquals(1, (int) loop.submit(() -> 1).get(5, TimeUnit.SECONDS), "the loop still runs");
    } finally {
      loop.submit(() -> loop.close(listening)).get(5, TimeUnit.SECONDS);
    }
  }

  /** A batch defers the writes of at most 64 reads: each holds a buffer until its end. */
  @Test
  void aBatchDefersABoundedNumberOfWrites() throws Exception {
    CompletableFuture<Integer> deferred = new CompletableFuture<>();
    Socket listening =
        listening(
            self ->
                (fd, events) -> {
                  int n = 0;
                  for (int i = 0; i < 100; i++) {
                    n += loop.deferWrite() ? 1 : 0;
                  }
                  deferred.complete(n);
                });
    try (java.net.Socket client = new java.net.Socket()) {
      client.connect(listening.localAddress(), 5000);
      assertEquals(64, deferred.get(5, TimeUnit.SECONDS));
      assertTrue(!loop.submit(loop::deferWrite).get(5, TimeUnit.SECONDS), "not outside a batch");
    } finally {
      loop.submit(() -> loop.close(listening)).get(5, TimeUnit.SECONDS);
    }
  }

  /** A descriptor still registered when the loop stops is closed with it. */
  @Test
  void descriptorsStillRegisteredAreClosedWithTheLoop() throws Exception {
    Socket s = RelaySockets.newStream(true);
    int n = s.intValue();
    String link = link(n);
    loop.submit(
            () -> {
              loop.add(n, RelayEventLoop.IN, (fd, events) -> {});
              return null;
            })
        .get(5, TimeUnit.SECONDS);
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    assertNotEquals(link, link(n), "closed when the loop stopped");
  }

  /**
   * Connects {@code client} to {@code listening}, which makes the listener readable. A handler that
   * closes the listener (or fails, which closes it) drops the queued connection with a reset, which
   * on loopback can reach the client before its connect returns: that is no failure here.
   */
  private static void poke(java.net.Socket client, Socket listening) throws IOException {
    try {
      client.connect(listening.localAddress(), 5000);
    } catch (java.net.SocketException e) {
      if (!String.valueOf(e.getMessage()).contains("reset")) {
        throw e;
      }
    }
  }

  /** What /proc says descriptor {@code n} is (socket:[inode]), or "closed". */
  private static String link(int n) throws IOException {
    try {
      return Files.readSymbolicLink(Path.of("/proc/self/fd", Integer.toString(n))).toString();
    } catch (NoSuchFileException e) {
      return "closed";
    }
  }
}
