package io.vipd.proxy;

import io.netty.channel.epoll.RelayWaits;

/**
 * Process-level knobs of a {@link ProxyServer} that are not part of the reloadable settings.
 *
 * @param ioThreads event loops (one per core by default); each connection, client and server side,
 *     lives on one of them
 * @param nativeTransport vipd's epoll relay when Netty's native epoll library is available; Netty's
 *     NIO channels otherwise or when false
 * @param writeLowWaterMark NIO: bytes pending on a channel below which it is writable again and its
 *     peer resumes reading (the epoll relay has no write queue: see the high watermark)
 * @param writeHighWaterMark bounds what one direction of a session may hold for a slow reader, also
 *     after the sending side's FIN. Epoll: reads are of at most half of it (2 to 64 KiB), and a
 *     direction holds at most one such read. NIO: bytes pending on a channel above which its peer
 *     stops reading; about this plus one read
 * @param acceptBacklog the backlog each listening socket asks for, 0 for the kernel's cap ({@code
 *     net.core.somaxconn}); the kernel holds the lower of the two. Listeners are added until their
 *     queues hold the frontend's connection limit ({@link AcceptQueues}), so a smaller backlog
 *     means more listeners
 * @param busyPolling haproxy's {@code busy-polling}: the epoll relay's loops never sleep, they poll
 *     for events without a timeout (lower latency on a VM, a full core per loop at all times)
 * @param relayBuffers epoll: the read buffers the relay's loops may hold together (slow readers'
 *     included); past it a connection waits for one, its bytes left in its socket. 0: three
 *     quarters of the JVM's direct memory limit
 * @param pollWindowNanos epoll: the longest a relay loop polls for events before it sleeps, while
 *     they come within that of its last wait (the rule of KVM's halt-polling); 0: it sleeps at once
 * @param coalesceWindowNanos epoll: how long a relay loop whose waits find several sockets ready
 *     sleeps on a timer of its own, letting their events gather, before it takes them in one poll
 *     (a NIC's interrupt coalescing); 0: it sleeps in epoll_wait until the first event
 */
public record ProxyOptions(
    int ioThreads,
    boolean nativeTransport,
    int writeLowWaterMark,
    int writeHighWaterMark,
    int acceptBacklog,
    boolean busyPolling,
    int relayBuffers,
    long pollWindowNanos,
    long coalesceWindowNanos) {

  /** By default a loop sleeps at once, as haproxy's do (no poll window). */
  public static final long DEFAULT_POLL_WINDOW_NANOS = 0;

  /** The most {@code poll-window} may be: 1 ms. */
  public static final long MAX_POLL_WINDOW_NANOS = 1_000_000;

  /**
   * By default a busy loop naps 50 µs (measured beside haproxy: bench/load/README.md, nineteenth
   * stop).
   */
  public static final long DEFAULT_COALESCE_WINDOW_NANOS = 50_000;

  /** The most {@code coalesce-window} may be: 1 ms. */
  public static final long MAX_COALESCE_WINDOW_NANOS = 1_000_000;

  /**
   * One event loop per core, epoll if available, watermarks 32 KiB / 64 KiB, accept queues of the
   * kernel's cap.
   */
  public static final ProxyOptions DEFAULTS =
      new ProxyOptions(Runtime.getRuntime().availableProcessors(), true, 32 * 1024, 64 * 1024);

  /** With accept queues of the kernel's cap ({@code net.core.somaxconn}). */
  public ProxyOptions(
      int ioThreads, boolean nativeTransport, int writeLowWaterMark, int writeHighWaterMark) {
    this(ioThreads, nativeTransport, writeLowWaterMark, writeHighWaterMark, 0);
  }

  /** Loops that sleep when idle. */
  public ProxyOptions(
      int ioThreads,
      boolean nativeTransport,
      int writeLowWaterMark,
      int writeHighWaterMark,
      int acceptBacklog) {
    this(ioThreads, nativeTransport, writeLowWaterMark, writeHighWaterMark, acceptBacklog, false);
  }

  /** A relay buffer budget from the direct memory limit, the default poll and coalesce windows. */
  public ProxyOptions(
      int ioThreads,
      boolean nativeTransport,
      int writeLowWaterMark,
      int writeHighWaterMark,
      int acceptBacklog,
      boolean busyPolling) {
    this(
        ioThreads,
        nativeTransport,
        writeLowWaterMark,
        writeHighWaterMark,
        acceptBacklog,
        busyPolling,
        0,
        DEFAULT_POLL_WINDOW_NANOS,
        DEFAULT_COALESCE_WINDOW_NANOS);
  }

  /** These options, with at most {@code n} relay buffers (0: from the direct memory limit). */
  public ProxyOptions withRelayBuffers(int n) {
    return new ProxyOptions(
        ioThreads,
        nativeTransport,
        writeLowWaterMark,
        writeHighWaterMark,
        acceptBacklog,
        busyPolling,
        n,
        pollWindowNanos,
        coalesceWindowNanos);
  }

  /** These options, with busy polling on or off. */
  public ProxyOptions withBusyPolling(boolean on) {
    return new ProxyOptions(
        ioThreads,
        nativeTransport,
        writeLowWaterMark,
        writeHighWaterMark,
        acceptBacklog,
        on,
        relayBuffers,
        pollWindowNanos,
        coalesceWindowNanos);
  }

  /** These options, polling for up to {@code nanos} before sleeping (0: never). */
  public ProxyOptions withPollWindow(long nanos) {
    return new ProxyOptions(
        ioThreads,
        nativeTransport,
        writeLowWaterMark,
        writeHighWaterMark,
        acceptBacklog,
        busyPolling,
        relayBuffers,
        nanos,
        coalesceWindowNanos);
  }

  /** These options, napping {@code nanos} while a loop is busy (0: never). */
  public ProxyOptions withCoalesceWindow(long nanos) {
    return new ProxyOptions(
        ioThreads,
        nativeTransport,
        writeLowWaterMark,
        writeHighWaterMark,
        acceptBacklog,
        busyPolling,
        relayBuffers,
        pollWindowNanos,
        nanos);
  }

  /** How the epoll relay's loops wait for events. */
  public RelayWaits waits() {
    return new RelayWaits(busyPolling, pollWindowNanos, coalesceWindowNanos);
  }

  public ProxyOptions {
    if (pollWindowNanos < 0 || pollWindowNanos > MAX_POLL_WINDOW_NANOS) {
      throw new IllegalArgumentException("pollWindowNanos not in 0..1 ms: " + pollWindowNanos);
    }
    if (coalesceWindowNanos < 0 || coalesceWindowNanos > MAX_COALESCE_WINDOW_NANOS) {
      throw new IllegalArgumentException(
          "coalesceWindowNanos not in 0..1 ms: " + coalesceWindowNanos);
    }
    if (relayBuffers < 0) {
      throw new IllegalArgumentException("relayBuffers < 0: " + relayBuffers);
    }
    if (acceptBacklog < 0) {
      throw new IllegalArgumentException("acceptBacklog < 0: " + acceptBacklog);
    }
    if (ioThreads < 1) {
      throw new IllegalArgumentException("ioThreads < 1: " + ioThreads);
    }
    if (writeLowWaterMark < 0 || writeHighWaterMark < writeLowWaterMark) {
      throw new IllegalArgumentException(
          "bad watermarks " + writeLowWaterMark + "/" + writeHighWaterMark);
    }
  }
}
