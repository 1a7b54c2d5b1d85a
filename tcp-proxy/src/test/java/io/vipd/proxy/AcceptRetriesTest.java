package io.vipd.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AcceptRetriesTest {

  @Test
  void aWaitingListenerTriesAgainOnceWhenASessionEnds() {
    AcceptRetries retries = new AcceptRetries();
    AtomicInteger a = new AtomicInteger();
    AtomicInteger b = new AtomicInteger();
    Runnable ra = a::incrementAndGet;
    Runnable rb = b::incrementAndGet;
    retries.descriptorsFreed(); // none waits: nothing to do
    retries.await(ra);
    retries.await(ra); // the same listener waits once
    retries.await(rb);
    retries.descriptorsFreed();
    assertEquals(1, a.get());
    assertEquals(1, b.get());
    retries.descriptorsFreed(); // each was told once
    assertEquals(1, a.get());
    assertEquals(1, b.get());
  }

  @Test
  void aCancelledListenerIsNotTold() {
    AcceptRetries retries = new AcceptRetries();
    AtomicInteger a = new AtomicInteger();
    Runnable ra = a::incrementAndGet;
    retries.await(ra);
    retries.cancel(ra);
    retries.descriptorsFreed();
    assertEquals(0, a.get());
  }

  @Test
  void aListenerThatWaitsAgainFromItsRetryIsToldByTheNextEnd() {
    AcceptRetries retries = new AcceptRetries();
    AtomicInteger runs = new AtomicInteger();
    Runnable[] self = new Runnable[1];
    self[0] =
        () -> {
          runs.incrementAndGet();
          retries.await(self[0]); // failed again at once: waits for the next end
        };
    retries.await(self[0]);
    retries.descriptorsFreed();
    assertEquals(1, runs.get());
    retries.descriptorsFreed();
    assertEquals(2, runs.get());
  }

  @Test
  void onlyWantOfDescriptorsOrMemoryMakesAListenerWait() {
    assertTrue(AcceptRetries.mustWait(24)); // EMFILE
    assertTrue(AcceptRetries.mustWait(23)); // ENFILE
    assertTrue(AcceptRetries.mustWait(105)); // ENOBUFS
    assertTrue(AcceptRetries.mustWait(12)); // ENOMEM
    assertTrue(AcceptRetries.mustWait(0)); // cannot be told: never spin
    assertFalse(AcceptRetries.mustWait(103)); // ECONNABORTED: that connection's own
    assertFalse(AcceptRetries.mustWait(71)); // EPROTO
  }

  @Test
  void theJdksAcceptIsJudgedByItsMessage() {
    assertTrue(AcceptRetries.mustWait(new IOException("Too many open files")));
    assertTrue(AcceptRetries.mustWait(new IOException("No buffer space available")));
    assertTrue(AcceptRetries.mustWait(new IOException((String) null)), "cannot be told: wait");
    assertFalse(AcceptRetries.mustWait(new IOException("Software caused connection abort")));
    assertFalse(AcceptRetries.mustWait(new IOException("Protocol error")));
  }

  @Test
  void failuresAreSaidAtMostOnceEveryTenSeconds() {
    AtomicLong now = new AtomicLong(5);
    AcceptFailures failures = new AcceptFailures(now::get);
    IOException emfile = new IOException("accept(..) failed: Too many open files");
    assertTrue(failures.failed("api", emfile), "the first is said");
    now.addAndGet(TimeUnit.SECONDS.toNanos(9));
    assertFalse(failures.failed("api", emfile));
    assertFalse(failures.failed("api", emfile));
    now.addAndGet(TimeUnit.SECONDS.toNanos(1));
    assertTrue(failures.failed("api", emfile), "ten seconds on");
    assertFalse(failures.failed("api", emfile));
  }
}
