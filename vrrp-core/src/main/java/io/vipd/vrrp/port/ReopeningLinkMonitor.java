package io.vipd.vrrp.port;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link LinkMonitor} that outlives failures of the one it wraps. A poll that fails (a resync
 * that timed out, a notification larger than the receive buffer) closes it, and later polls open
 * another, one attempt per pause, until one opens. The state the new one finds is reported if it
 * differs from the last one reported, so a change made while nothing watched is not lost. Without
 * this, an instance whose monitor failed once ran on with no link tracking at all.
 *
 * <p>One thread polls; {@link #close} may come from another.
 */
public final class ReopeningLinkMonitor implements LinkMonitor {

  private static final Logger LOG = LoggerFactory.getLogger(ReopeningLinkMonitor.class);

  /** Opens a monitor of the same interface. */
  @FunctionalInterface
  public interface Opener {
    LinkMonitor open() throws IOException;
  }

  private final String name;
  private final Opener opener;
  private final long pauseNanos;
  private final LongSupplier nanoClock;

  /** The monitor in use; null after a failure until one opens again. */
  private volatile LinkMonitor monitor;

  private volatile boolean closed;
  private volatile LinkState last;
  private long retryAtNanos;

  /**
   * @param name for the log, e.g. the instance's name
   * @param first the monitor to use until it fails
   * @param opener opens the next one
   * @param pauseNanos between a failure and the next attempt to open, and between attempts
   */
  public ReopeningLinkMonitor(
      String name, LinkMonitor first, Opener opener, long pauseNanos, LongSupplier nanoClock) {
    this(name, first, first.current(), opener, pauseNanos, nanoClock);
  }

  /** With a one-second pause. */
  public ReopeningLinkMonitor(String name, LinkMonitor first, Opener opener) {
    this(name, first, opener, TimeUnit.SECONDS.toNanos(1), System::nanoTime);
  }

  private ReopeningLinkMonitor(
      String name,
      LinkMonitor first,
      LinkState initial,
      Opener opener,
      long pauseNanos,
      LongSupplier nanoClock) {
    this.name = name;
    this.monitor = first;
    this.opener = opener;
    this.pauseNanos = pauseNanos;
    this.nanoClock = nanoClock;
    this.last = initial;
    this.retryAtNanos = nanoClock.getAsLong(); // with no monitor yet: the first poll tries
  }

  /**
   * For an interface that does not exist yet: down until a monitor opens (one attempt a second),
   * then whatever it finds.
   */
  public static ReopeningLinkMonitor waitingFor(
      String name, String interfaceName, Opener opener, long pauseNanos, LongSupplier nanoClock) {
    return new ReopeningLinkMonitor(
        name, null, new LinkState(interfaceName, false), opener, pauseNanos, nanoClock);
  }

  /** {@link #waitingFor(String, String, Opener, long, LongSupplier)}, one attempt a second. */
  public static ReopeningLinkMonitor waitingFor(String name, String interfaceName, Opener opener) {
    return waitingFor(name, interfaceName, opener, TimeUnit.SECONDS.toNanos(1), System::nanoTime);
  }

  @Override
  public LinkState current() {
    return last;
  }

  @Override
  public LinkState poll(long timeoutNanos) throws IOException {
    LinkMonitor m = monitor;
    if (closed) {
      throw new IOException(name + ": link monitor closed");
    }
    if (m == null) {
      return reopen(timeoutNanos);
    }
    LinkState change;
    try {
      change = m.poll(timeoutNanos);
    } catch (IOException | RuntimeException e) {
      if (closed) {
        throw e instanceof IOException io ? io : new IOException(e);
      }
      LOG.warn(
          "({}) link monitor failed: {}; opening another (one attempt a second)",
          name,
          e.toString());
      monitor = null;
      closeQuietly(m);
      retryAtNanos = nanoClock.getAsLong() + pauseNanos;
      return null;
    }
    if (change != null) {
      last = change;
    }
    return change;
  }

  /** One attempt, once due (waiting for it within {@code timeoutNanos}). */
  private LinkState reopen(long timeoutNanos) {
    long wait = retryAtNanos - nanoClock.getAsLong();
    if (wait > 0) {
      sleep(Math.min(wait, timeoutNanos));
      if (retryAtNanos - nanoClock.getAsLong() > 0) {
        return null;
      }
    }
    LinkMonitor fresh;
    try {
      fresh = opener.open();
    } catch (IOException | RuntimeException e) {
      retryAtNanos = nanoClock.getAsLong() + pauseNanos; // the interface may be gone meanwhile
      LOG.debug("({}) link monitor not open yet: {}", name, e.toString());
      return null;
    }
    monitor = fresh;
    if (closed) { // closed while opening: close() did not see this one
      monitor = null;
      closeQuietly(fresh);
      return null;
    }
    LOG.warn("({}) link monitor open again", name);
    LinkState now = fresh.current();
    if (now.up() == last.up()) {
      return null;
    }
    last = now;
    return now;
  }

  private static void sleep(long nanos) {
    try {
      TimeUnit.NANOSECONDS.sleep(nanos);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void closeQuietly(LinkMonitor m) {
    try {
      m.close();
    } catch (IOException | RuntimeException e) {
      // already broken: nothing more to release
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    LinkMonitor m = monitor;
    if (m != null) {
      m.close();
    }
  }
}
