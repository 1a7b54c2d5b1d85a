package io.vipd.vrrp.port;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A failed link monitor is replaced, and what changed while none watched is reported. */
@Timeout(10)
class ReopeningLinkMonitorTest {

  private static final long PAUSE = TimeUnit.MILLISECONDS.toNanos(20);
  private static final long POLL = TimeUnit.MILLISECONDS.toNanos(50);

  /** Reports the scripted results in order (an IOException to throw, a state, or null). */
  private static final class Scripted implements LinkMonitor {
    final Deque<Object> script = new ArrayDeque<>();
    final LinkState initial;
    boolean closed;

    Scripted(boolean up) {
      initial = new LinkState("eth0", up);
    }

    @Override
    public LinkState current() {
      return initial;
    }

    @Override
    public LinkState poll(long timeoutNanos) throws IOException {
      Object next = script.poll();
      if (next instanceof IOException e) {
        throw e;
      }
      return (LinkState) next;
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  /** Polls until a state is reported or {@code polls} polls have passed. */
  private static LinkState pollUntilReported(LinkMonitor m, int polls) throws IOException {
    for (int i = 0; i < polls; i++) {
      LinkState s = m.poll(POLL);
      if (s != null) {
        return s;
      }
    }
    return null;
  }

  @Test
  void aFailedMonitorIsClosedAndAnotherReportsTheLinkDownMeanwhile() throws Exception {
    Scripted first = new Scripted(true);
    first.script.add(new IOException("resync timed out"));
    Scripted second = new Scripted(false); // the link went down while nothing watched
    ReopeningLinkMonitor m =
        new ReopeningLinkMonitor("VI_1", first, () -> second, PAUSE, System::nanoTime);

    assertNull(m.poll(POLL), "the failure itself reports nothing");
    assertTrue(first.closed, "the failed monitor is closed");
    assertEquals(new LinkState("eth0", false), pollUntilReported(m, 10));
    assertEquals(new LinkState("eth0", false), m.current());

    second.script.add(new LinkState("eth0", true));
    assertEquals(new LinkState("eth0", true), m.poll(POLL), "the new one's changes come through");
  }

  @Test
  void anOpenThatFailsIsTriedAgainAndAnUnchangedLinkIsNotReported() throws Exception {
    Scripted first = new Scripted(true);
    first.script.add(new IOException("message truncated"));
    Scripted later = new Scripted(true);
    AtomicInteger attempts = new AtomicInteger();
    ReopeningLinkMonitor m =
        new ReopeningLinkMonitor(
            "VI_1",
            first,
            () -> {
              if (attempts.incrementAndGet() < 3) {
                throw new IOException("no such device"); // interface gone for a moment
              }
              return later;
            },
            PAUSE,
            System::nanoTime);
    assertNull(pollUntilReported(m, 20), "up before, up after: nothing to report");
    assertEquals(3, attempts.get(), "opened on the third attempt, then no more");
    later.script.add(new LinkState("eth0", false));
    assertEquals(new LinkState("eth0", false), m.poll(POLL));
  }

  @Test
  void anInterfaceThatDoesNotExistYetIsDownUntilAMonitorOpens() throws Exception {
    AtomicInteger attempts = new AtomicInteger();
    Scripted created = new Scripted(true);
    ReopeningLinkMonitor m =
        ReopeningLinkMonitor.waitingFor(
            "VI_1",
            "eth1",
            () -> {
              if (attempts.incrementAndGet() < 2) {
                throw new IOException("no such device");
              }
              return created;
            },
            PAUSE,
            System::nanoTime);
    assertEquals(new LinkState("eth1", false), m.current());
    assertEquals(new LinkState("eth0", true), pollUntilReported(m, 20), "created, and up");
    assertEquals(2, attempts.get());
  }

  @Test
  void aClosedMonitorSaysSoInsteadOfReopening() throws Exception {
    Scripted first = new Scripted(true);
    AtomicInteger opened = new AtomicInteger();
    ReopeningLinkMonitor m =
        new ReopeningLinkMonitor(
            "VI_1",
            first,
            () -> {
              opened.incrementAndGet();
              return new Scripted(true);
            },
            PAUSE,
            System::nanoTime);
    m.close();
    assertTrue(first.closed);
    assertThrows(IOException.class, () -> m.poll(POLL), "the polling thread learns it is over");
    assertEquals(0, opened.get());
  }
}
