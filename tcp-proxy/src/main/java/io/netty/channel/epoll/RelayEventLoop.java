package io.netty.channel.epoll;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SingleThreadEventLoop;
import io.netty.channel.unix.FileDescriptor;
import io.netty.util.concurrent.RejectedExecutionHandlers;
import io.netty.util.internal.PlatformDependent;
import io.vipd.health.ChildProcesses;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An event loop of vipd's relay: Netty's executor (tasks, timers, shutdown) around an epoll set of
 * plain file descriptors, each with a {@link Handler}, and none of Netty's channels.
 *
 * <p>Why not Netty's {@code EpollEventLoop}: it dispatches to channels only, and a Netty channel
 * costs a proxy several microseconds of user time per connection (two channels per connection, each
 * with a pipeline, events, promises, an outbound buffer, a deferred deregistration, and the young
 * collections that all of that allocates). Measured in {@code bench/load} ("An own transport,
 * measured"): about 3.5 µs of the 34.8 µs vipd spent per connection, the whole gap to haproxy. Here
 * a ready descriptor reaches its handler through one array read.
 *
 * <p>Descriptors are registered edge-triggered. A descriptor closed while the loop works through a
 * batch of ready events is closed when the batch ends ({@link #close}): until then its number
 * cannot be reused, so an event the batch still holds for it can never reach a socket opened later
 * in the same batch.
 *
 * <p>Timers have millisecond resolution (epoll_wait's timeout): the proxy's timeouts are configured
 * in milliseconds.
 *
 * <p>How the loop waits ({@link RelayWaits}): by default it sleeps in epoll_wait until the first
 * event, and naps on a timer of its own while it is busy ({@link CoalesceWindow}); an operator may
 * have it poll briefly before each sleep ({@link PollWindow}) or never sleep (busy polling).
 */
public final class RelayEventLoop extends SingleThreadEventLoop {
  private static final Logger log = LoggerFactory.getLogger(RelayEventLoop.class);

  public static final int IN = Native.EPOLLIN;
  public static final int OUT = Native.EPOLLOUT;
  public static final int RDHUP = Native.EPOLLRDHUP;
  public static final int ERR = Native.EPOLLERR;

  /** EPOLLHUP: always reported, never asked for. */
  public static final int HUP = 0x10;

  private static final int AWAKE = 0;
  private static final int WAITING = 1;
  private static final AtomicIntegerFieldUpdater<RelayEventLoop> STATE =
      AtomicIntegerFieldUpdater.newUpdater(RelayEventLoop.class, "state");

  /** What a registered descriptor reports to. Runs on the loop; must not throw. */
  public interface Handler {
    /**
     * @param fd the descriptor
     * @param events the ready events ({@link #IN}, {@link #OUT}, {@link #RDHUP}, {@link #ERR},
     *     {@link #HUP})
     */
    void ready(int fd, int events);
  }

  private final FileDescriptor epollFd;
  private final FileDescriptor eventFd;
  private EpollEventArray events = new EpollEventArray(256);
  private Handler[] handlers = new Handler[1024];
  private final int readSize;
  private final ByteBufAllocator allocator;
  private final RelayBufferBudget budget;
  private ByteBuf scratch;

  /** Relays waiting for a read buffer (the budget spent), oldest first. */
  private final ArrayDeque<Runnable> bufferWaiters = new ArrayDeque<>();

  private boolean bufferRetryArmed;
  private long lastShortageLog = System.nanoTime() - SHORTAGE_LOG_NANOS;

  /** While buffers are short, waiters are also retried this often (frees on other loops). */
  private static final long BUFFER_RETRY_MILLIS = 20;

  private static final int WAITERS_PER_RETRY = 16;
  private static final long SHORTAGE_LOG_NANOS = TimeUnit.SECONDS.toNanos(10);

  /** Read buffers given back, for the next read: a few, so that a burst's do not stay held. */
  private final ArrayDeque<ByteBuf> spare = new ArrayDeque<>();

  private static final int SPARE_MAX = 16;

  /** While the loop works through a batch: descriptors closed meanwhile, closed at its end. */
  private boolean inBatch;

  private FileDescriptor[] closeLater = new FileDescriptor[64];
  private int closeLaterCount;

  /** While ready events are handed to their handlers (see {@link #atBatchEnd}). */
  private boolean dispatching;

  private Runnable[] batchEnd = new Runnable[64];
  private int batchEndCount;

  /** Reads of this batch whose write waits for its end: each holds a buffer meanwhile. */
  private int deferredWrites;

  /** Past this many, a batch's reads are written at once: a bound on the buffers a batch holds. */
  private static final int MAX_DEFERRED_WRITES = 64;

  /** Work to go on with after this iteration's events and tasks, before the next wait. */
  private ArrayDeque<Runnable> again = new ArrayDeque<>();

  private ArrayDeque<Runnable> againNow = new ArrayDeque<>();

  @SuppressWarnings("unused") // STATE
  private volatile int state = AWAKE;

  /** haproxy's busy-polling: never sleep in epoll_wait, poll with no timeout instead. */
  private final boolean busyPolling;

  /** How long to poll before sleeping in epoll_wait. */
  private final PollWindow pollWindow;

  /** Waits that an event or a task ended within the poll window, before a sleep. */
  private volatile long wakeupsSaved; // written by the loop's thread only

  /** Waits that slept in epoll_wait. */
  private volatile long sleeps; // written by the loop's thread only

  /** Whether the next wait naps, letting the sockets' events gather (see {@link #nap}). */
  private final CoalesceWindow coalesce;

  /** The nap's own epoll set: its timer and the loop's eventfd, none of the sockets. */
  private final FileDescriptor napEpollFd;

  private final FileDescriptor napTimerFd;
  private final EpollEventArray napEvents;

  /** Waits spent in a nap. */
  private volatile long naps; // written by the loop's thread only

  /** The look before a nap: room for {@link CoalesceWindow#MIN_READY} events. */
  private final EpollEventArray lookEvents;

  /** The events the last {@link #nap}'s look found, handled in one batch with the nap's. */
  private int looked;

  /** Whether the last {@link #nap} found the loop behind, and so did not nap. */
  private boolean napSkipped;

  /** Set when a nap failed: the loop no longer naps (and does not log it for each). */
  private boolean napFailed;

  RelayEventLoop(
      EventLoopGroup parent,
      Executor executor,
      int readSize,
      ByteBufAllocator allocator,
      RelayBufferBudget budget,
      RelayWaits waits) {
    super(
        parent,
        executor,
        false,
        PlatformDependent.<Runnable>newMpscQueue(),
        PlatformDependent.<Runnable>newMpscQueue(),
        RejectedExecutionHandlers.reject());
    this.readSize = readSize;
    this.allocator = allocator;
    this.budget = budget;
    this.busyPolling = waits.busyPolling();
    this.pollWindow = new PollWindow(waits.pollWindowNanos());
    boolean naps = waits.coalesceWindowNanos() > 0 && !busyPolling;
    this.coalesce = new CoalesceWindow(naps ? waits.coalesceWindowNanos() : 0);
    FileDescriptor ep = null;
    FileDescriptor ev = null;
    FileDescriptor napEp = null;
    FileDescriptor napTimer = null;
    EpollEventArray napArray = null;
    EpollEventArray lookArray = null;
    try {
      ep = Native.newEpollCreate();
      ev = Native.newEventFd();
      // edge-triggered and never read, as in Netty's own loop: every write is a new edge, and a
      // count that grows by one per wake-up cannot overflow
      Native.epollCtlAdd(ep.intValue(), ev.intValue(), Native.EPOLLIN | Native.EPOLLET);
      if (naps) {
        // a task from another thread ends a nap as it ends a sleep: the eventfd is in both sets
        napEp = Native.newEpollCreate();
        napTimer = Native.newTimerFd();
        Native.epollCtlAdd(napEp.intValue(), ev.intValue(), Native.EPOLLIN | Native.EPOLLET);
        Native.epollCtlAdd(napEp.intValue(), napTimer.intValue(), Native.EPOLLIN | Native.EPOLLET);
        napArray = new EpollEventArray(2);
        lookArray = new EpollEventArray(CoalesceWindow.MIN_READY);
      }
    } catch (IOException | RuntimeException | OutOfMemoryError e) {
      closeQuietly(ep);
      closeQuietly(ev);
      closeQuietly(napEp);
      closeQuietly(napTimer);
      if (napArray != null) {
        napArray.free();
      }
      throw new IllegalStateException("cannot create the relay's epoll set", e);
    }
    this.epollFd = ep;
    this.eventFd = ev;
    this.napEpollFd = napEp;
    this.napTimerFd = napTimer;
    this.napEvents = napArray;
    this.lookEvents = lookArray;
  }

  @Override
  protected Queue<Runnable> newTaskQueue(int maxPendingTasks) {
    return PlatformDependent.newMpscQueue();
  }

  /** Registers {@code fd} for {@code interest} (edge-triggered). On the loop. */
  public void add(int fd, int interest, Handler handler) throws IOException {
    assert inEventLoop();
    if (fd >= handlers.length) {
      handlers = Arrays.copyOf(handlers, Math.max(fd + 1, handlers.length * 2));
    }
    Native.epollCtlAdd(epollFd.intValue(), fd, interest | Native.EPOLLET);
    handlers[fd] = handler;
  }

  /** Changes what {@code fd} is registered for. On the loop. */
  public void modify(int fd, int interest) throws IOException {
    assert inEventLoop();
    Native.epollCtlMod(epollFd.intValue(), fd, interest | Native.EPOLLET);
  }

  /**
   * Forgets {@code fd} and closes it: now, or at the end of the batch being worked through. Closing
   * removes it from the epoll set. On the loop; never throws.
   */
  public void close(FileDescriptor fd) {
    assert inEventLoop();
    int n = fd.intValue();
    if (n >= 0 && n < handlers.length) {
      handlers[n] = null;
    }
    if (inBatch) {
      if (closeLaterCount == closeLater.length) {
        closeLater = Arrays.copyOf(closeLater, closeLaterCount * 2);
      }
      closeLater[closeLaterCount++] = fd;
    } else {
      closeRegistered(fd);
    }
  }

  /**
   * Closes a descriptor of the epoll set. Closing alone takes it out of the set, unless a child
   * process being started holds a reference to it meanwhile ({@link ChildProcesses}): then it is
   * taken out first, or its events would keep coming under a number a new socket may get.
   */
  private void closeRegistered(FileDescriptor fd) {
    long stamp = ChildProcesses.enterClose();
    try {
      if (stamp == 0) {
        try {
          Native.epollCtlDel(epollFd.intValue(), fd.intValue());
        } catch (IOException e) {
          // not in the set (never added, or closed): nothing to take out
        }
      }
      closeQuietly(fd);
    } finally {
      ChildProcesses.exitClose(stamp);
    }
  }

  /**
   * Runs {@code work} once this iteration's events and tasks are done, before the loop waits again
   * (without blocking): for work cut short so that others get their turn, such as accepting a long
   * backlog. Unlike a task, it cannot run again within the same iteration. On the loop.
   */
  public void again(Runnable work) {
    assert inEventLoop();
    again.add(work);
  }

  /**
   * True while the loop hands a batch of ready events to their handlers: what a handler queues with
   * {@link #atBatchEnd} runs once every event of the batch has been handled.
   */
  public boolean dispatching() {
    return dispatching;
  }

  /**
   * Whether a read made now should wait for the batch's end to be written (see {@link
   * #atBatchEnd}): while dispatching, and for at most {@value #MAX_DEFERRED_WRITES} reads a batch,
   * each of which holds a buffer until then. Counts the read if so.
   */
  public boolean deferWrite() {
    if (dispatching && deferredWrites < MAX_DEFERRED_WRITES) {
      deferredWrites++;
      return true;
    }
    return false;
  }

  /**
   * Runs {@code work} once every event of the batch being dispatched has been handled, before the
   * batch's closes. A relay writes what it read then, all writes of a batch together, as haproxy
   * sends after its poll: the peers (and the processes behind them) are woken once for all of them
   * rather than once per event. On the loop, while {@link #dispatching}.
   */
  public void atBatchEnd(Runnable work) {
    assert dispatching;
    if (batchEndCount == batchEnd.length) {
      batchEnd = Arrays.copyOf(batchEnd, batchEndCount * 2);
    }
    batchEnd[batchEndCount++] = work;
  }

  /** How many bytes a relay reads at most at once. */
  public int readSize() {
    return readSize;
  }

  /**
   * The loop's read buffer, empty: a relay reads into it and writes from it at once. One that keeps
   * bytes its peer could not take yet {@link #takeScratch takes} it, and the loop gets another.
   *
   * @param fromReserve whether the caller holds a buffer already (the other direction's), and so
   *     may have one of the reserve ({@link RelayBufferBudget})
   * @return the buffer, or null when the relay's buffers are all in use ({@link RelayBufferBudget},
   *     or the direct memory limit): the caller reads nothing now and asks {@link #whenBufferFree}
   */
  public ByteBuf scratch(boolean fromReserve) {
    ByteBuf b = scratch;
    if (b == null) {
      b = spare.poll();
      if (b == null) {
        if (!budget.tryAcquire(fromReserve)) {
          shortOfBuffers(null);
          return null;
        }
        try {
          b = allocator.directBuffer(readSize, readSize);
        } catch (OutOfMemoryError e) { // the direct memory limit, below the budget
          budget.release();
          budget.refused(); // after the release: no retry pays the JDK's back-off for a while
          shortOfBuffers(e);
          return null;
        }
      }
      scratch = b;
    }
    return b.clear();
  }

  private void shortOfBuffers(OutOfMemoryError e) {
    long now = System.nanoTime();
    if (now - lastShortageLog >= SHORTAGE_LOG_NANOS) {
      lastShortageLog = now;
      log.warn(
          "relay: no read buffer free ({} of {} in use, {} bytes each{}): connections wait for one,"
              + " their bytes held in their sockets; a larger -XX:MaxDirectMemorySize raises the"
              + " budget (logged at most every 10 s)",
          budget.held(),
          budget.max(),
          readSize,
          e == null ? "" : "; " + e.getMessage());
    }
  }

  /**
   * Runs {@code retry} on this loop when a read buffer may be had again: after one is given back
   * here, or within {@value #BUFFER_RETRY_MILLIS} ms (one given back on another loop). On the loop.
   */
  public void whenBufferFree(Runnable retry) {
    budget.countWait();
    bufferWaiters.add(retry);
    if (!bufferRetryArmed) {
      bufferRetryArmed = true;
      schedule(this::retryBufferWaiters, BUFFER_RETRY_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  private void retryBufferWaiters() {
    bufferRetryArmed = false;
    for (int i = 0; i < WAITERS_PER_RETRY && !bufferWaiters.isEmpty(); i++) {
      again(bufferWaiters.poll());
    }
    if (!bufferWaiters.isEmpty() && !bufferRetryArmed) {
      bufferRetryArmed = true;
      schedule(this::retryBufferWaiters, BUFFER_RETRY_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Gives back a buffer {@link #takeScratch taken} from the loop, once written: kept for the next
   * read (a pool's allocation and release less per read), or released. A relay waiting for a buffer
   * gets its turn.
   */
  public void recycle(ByteBuf b) {
    if (spare.size() < SPARE_MAX
        && b.refCnt() == 1
        && b.capacity() == readSize
        && !budget.nearlySpent()) { // then spares would idle here while other loops' relays wait
      spare.push(b);
    } else {
      b.release();
      budget.release();
    }
    Runnable waiter = bufferWaiters.poll();
    if (waiter != null) {
      again(waiter);
    }
  }

  /** Waits that an event or a task ended within the poll window, so that the loop did not sleep. */
  public long wakeupsSaved() {
    return wakeupsSaved;
  }

  /** Waits that went to sleep in epoll_wait (some of them with a timeout of 0: a task came). */
  public long sleeps() {
    return sleeps;
  }

  /** Waits spent in a nap, the sockets' events gathering meanwhile ({@link CoalesceWindow}). */
  public long naps() {
    return naps;
  }

  /** Hands the read buffer over to the caller, who must {@link #recycle} or release it. */
  public ByteBuf takeScratch() {
    ByteBuf b = scratch;
    scratch = null;
    return b;
  }

  @Override
  protected void wakeup(boolean inEventLoop) {
    if (!inEventLoop && STATE.getAndSet(this, AWAKE) == WAITING) {
      Native.eventFdWrite(eventFd.intValue(), 1L);
    }
  }

  @Override
  protected void run() {
    // one clock read before each wait and one after it serve both windows' rules (none without)
    boolean timed = coalesce.on() || pollWindow.on();
    long workStart = System.nanoTime();
    for (; ; ) {
      try {
        long waitStart = timed ? System.nanoTime() : 0;
        if (coalesce.on()) {
          coalesce.worked(waitStart - workStart);
        }
        boolean slept = false;
        boolean waited = true; // whether this wait tells the coalesce window anything
        int early = 0; // events a nap's look found before it (in lookEvents)
        int ready;
        if (hasTasks() || !again.isEmpty()) {
          waited = false;
          ready = Native.epollWait(epollFd, events, 0);
        } else if (busyPolling) {
          ready = busyPoll();
        } else if (pollWindow.nanos() > 0 && (ready = pollWithin(pollWindow.nanos())) != 0) {
          // an event or a task came within the window: no sleep
          wakeupsSaved++;
        } else if (!napFailed
            && coalesce.napNanos() > 0
            && ((ready = nap(coalesce.napNanos())) != 0 || looked > 0)) {
          // events or a task came during the nap, taken without a wake-up each; or two or more
          // were waiting already (the loop is behind), which leaves the rule as it was
          waited = !napSkipped;
          early = looked;
        } else {
          slept = true;
          sleeps++;
          long delay = nextScheduledTaskNano();
          int timeoutMillis =
              delay < 0
                  ? -1
                  : (int)
                      Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(delay + 999_999));
          state = WAITING;
          try {
            ready = Native.epollWait(epollFd, events, hasTasks() ? 0 : timeoutMillis);
          } finally {
            state = AWAKE;
          }
        }
        if (timed) {
          workStart = System.nanoTime();
          if (slept && pollWindow.on()) {
            pollWindow.waited(workStart - waitStart);
          }
        }
        int dispatched = 0;
        if (ready > 0 || early > 0) {
          ready = Math.max(ready, 0);
          dispatched = processReady(early, ready);
          if (ready == events.length()) {
            events.increase();
          }
        }
        if (waited) {
          coalesce.found(dispatched);
        }
        runAllTasks();
        runAgain();
      } catch (Error e) {
        throw e;
      } catch (Throwable t) {
        log.warn("relay event loop: unexpected failure", t);
        sleepAfterFailure();
      } finally {
        try {
          if (isShuttingDown()) {
            if (confirmShutdown()) {
              break;
            }
          }
        } catch (Error e) {
          throw e;
        } catch (Throwable t) {
          log.warn("relay event loop: failure while shutting down", t);
        }
      }
    }
  }

  /**
   * Polls without a timeout for up to {@code window} nanoseconds (or until the next timer is due),
   * as {@link #busyPoll} does. Returns the events ready, -1 if a task came or the loop shuts down
   * first, 0 if the window passed with neither.
   */
  private int pollWithin(long window) throws IOException {
    long start = System.nanoTime();
    long delay = nextScheduledTaskNano();
    if (delay >= 0) {
      window = Math.min(window, delay);
    }
    for (; ; ) {
      int ready = Native.epollWait(epollFd, events, 0);
      if (ready > 0) {
        return ready;
      }
      if (hasTasks() || isShuttingDown()) {
        return -1;
      }
      if (System.nanoTime() - start >= window) {
        return 0;
      }
      Thread.onSpinWait();
    }
  }

  /**
   * Looks at the sockets first (without a timeout, for at most {@link CoalesceWindow#MIN_READY}
   * events, into {@link #lookEvents}: {@link #looked}). Unless the look finds that many, sleeps for
   * {@code window} nanoseconds (or until the next timer is due, or a task comes) on the nap's own
   * timer, in an epoll set without the sockets: their events meanwhile wake nobody. Then polls the
   * sockets without a timeout. Returns the events that poll found, -1 if none (nor any looked at)
   * but a task came, 0 if neither.
   *
   * <p>A loop that finds several events waiting is behind (its own core is the bottleneck, as under
   * a flood of new connections): it takes them at once, without napping. One event waiting is no
   * sign of that, and is held for the nap's batch.
   *
   * <p>The timer is a timerfd, which the kernel fires without the timer slack (50 µs by default)
   * that a timeout of epoll_wait or a sleep of the thread would be given. A task that woke the loop
   * from a sleep also leaves its eventfd's edge in the nap's set, which ends the next nap at once:
   * a nap lost now and then, to tasks from other threads, which are rare.
   */
  private int nap(long window) throws IOException {
    looked = Native.epollWait(epollFd, lookEvents, 0);
    // the eventfd is no socket: with it the look says nothing about being behind
    napSkipped = looked == lookEvents.length() && !holds(lookEvents, looked, eventFd.intValue());
    if (napSkipped) {
      // behind: take what else is ready with these, now
      return Native.epollWait(epollFd, events, 0);
    }
    long delay = nextScheduledTaskNano();
    long nanos = delay >= 0 ? Math.min(window, delay) : window;
    if (nanos > 0) {
      state = WAITING;
      try {
        if (!hasTasks()) {
          naps++;
          Native.epollWait(napEpollFd, napEvents, napTimerFd, 0, (int) nanos, -1);
        }
      } catch (IOException e) {
        // never seen; the events looked at must still be handled, so the loop goes on without
        // this nap, and without naps from now on
        napFailed = true;
        log.warn("relay event loop: a nap failed; the loop no longer naps", e);
      } finally {
        state = AWAKE;
      }
    }
    int ready = Native.epollWait(epollFd, events, 0);
    return ready == 0 && looked == 0 && hasTasks() ? -1 : ready;
  }

  /**
   * Polls without a timeout until an event, a task or the next timer is due (or the loop shuts
   * down). The loop stays AWAKE meanwhile, so other threads' tasks are seen by {@link #hasTasks()}
   * without an eventfd write.
   */
  private int busyPoll() throws IOException {
    long delay = nextScheduledTaskNano();
    long start = System.nanoTime();
    for (; ; ) {
      int ready = Native.epollWait(epollFd, events, 0);
      if (ready > 0 || hasTasks() || isShuttingDown()) {
        return ready;
      }
      if (delay >= 0 && System.nanoTime() - start >= delay) {
        return 0;
      }
      Thread.onSpinWait();
    }
  }

  private void runAgain() {
    if (again.isEmpty()) {
      return;
    }
    ArrayDeque<Runnable> now = again;
    again = againNow; // what these add waits for the next iteration
    againNow = now;
    for (Runnable r; (r = now.poll()) != null; ) {
      try {
        r.run();
      } catch (RuntimeException | OutOfMemoryError e) {
        // as for handlers: an Error out of here would end the loop with its sessions never ended
        log.warn("relay event loop: deferred work failed", e);
      }
    }
  }

  /**
   * Hands the ready events to their handlers, as one batch: the {@code early} ones a nap's look
   * found first, then the {@code ready} ones. Returns how many sockets it handed over.
   */
  private int processReady(int early, int ready) {
    int dispatched = 0;
    inBatch = true;
    dispatching = true;
    try {
      if (early > 0) {
        dispatched = dispatch(lookEvents, early);
        // a socket the look took whose next edge came during the nap is one socket, not two
        for (int i = 0; i < early; i++) {
          if (holds(events, ready, lookEvents.fd(i))) {
            dispatched--;
          }
        }
      }
      dispatched += dispatch(events, ready);
    } finally {
      dispatching = false;
      deferredWrites = 0;
      try {
        runBatchEnd();
      } finally {
        inBatch = false;
        for (int i = 0; i < closeLaterCount; i++) {
          closeRegistered(closeLater[i]);
          closeLater[i] = null;
        }
        closeLaterCount = 0;
      }
    }
    return dispatched;
  }

  private static boolean holds(EpollEventArray ready, int count, int fd) {
    for (int i = 0; i < count; i++) {
      if (ready.fd(i) == fd) {
        return true;
      }
    }
    return false;
  }

  private int dispatch(EpollEventArray ready, int count) {
    int wake = eventFd.intValue();
    int dispatched = 0;
    for (int i = 0; i < count; i++) {
      int fd = ready.fd(i);
      if (fd == wake) {
        continue;
      }
      Handler h = fd < handlers.length ? handlers[fd] : null;
      if (h == null) {
        continue; // closed earlier in this batch; a closed descriptor leaves the set by itself
      }
      dispatched++;
      try {
        h.ready(fd, ready.events(i));
      } catch (RuntimeException | OutOfMemoryError e) {
        // a handler that could not deal with its own failure: the loop serves the others
        log.warn("relay event loop: handler of descriptor {} failed", fd, e);
      }
    }
    return dispatched;
  }

  private void runBatchEnd() {
    try {
      for (int i = 0; i < batchEndCount; i++) {
        Runnable r = batchEnd[i];
        batchEnd[i] = null;
        try {
          r.run();
        } catch (RuntimeException | OutOfMemoryError e) {
          log.warn("relay event loop: work at a batch's end failed", e);
        }
      }
    } finally {
      Arrays.fill(batchEnd, 0, batchEndCount, null);
      batchEndCount = 0;
    }
  }

  /** As Netty's loops do: a failing loop must not spin a core. */
  private static void sleepAfterFailure() {
    try {
      Thread.sleep(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  protected void cleanup() {
    // Whatever is still registered (a session that outlived the stop's wait) is closed with the
    // loop, not left open until the process ends.
    for (int fd = 0; fd < handlers.length; fd++) {
      if (handlers[fd] != null) {
        handlers[fd] = null;
        closeQuietly(new FileDescriptor(fd));
      }
    }
    if (scratch != null) {
      scratch.release();
      budget.release();
      scratch = null;
    }
    for (ByteBuf b; (b = spare.poll()) != null; ) {
      b.release();
      budget.release();
    }
    bufferWaiters.clear();
    closeQuietly(eventFd);
    closeQuietly(epollFd);
    closeQuietly(napTimerFd);
    closeQuietly(napEpollFd);
    events.free();
    if (napEvents != null) {
      napEvents.free();
      lookEvents.free();
    }
  }

  private static void closeQuietly(FileDescriptor fd) {
    if (fd == null) {
      return;
    }
    try {
      fd.close();
    } catch (IOException e) {
      // EBADF or EINTR: nothing to do about it, and the descriptor is gone either way
    }
  }
}
