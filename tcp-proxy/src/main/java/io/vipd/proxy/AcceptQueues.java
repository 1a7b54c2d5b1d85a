package io.vipd.proxy;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How many listening sockets a frontend gets, so that a burst of up to its connection limit waits
 * in the kernel's accept queues instead of being dropped.
 *
 * <p>Why: after a failover every client of the cluster reconnects to the new VIP holder at once.
 * The kernel completes their handshakes on its own and queues them until the proxy accepts; a
 * socket's queue holds at most {@code net.core.somaxconn} (4096 by default), whatever backlog the
 * proxy asks for, and the handshakes beyond it are dropped: those clients wait for their SYN
 * retransmit, a second or more. haproxy's backlog is the frontend's maxconn by default, for the
 * same reason, and the same kernel cap applies to it. With SO_REUSEPORT each listening socket has a
 * queue of its own and the kernel spreads new connections over them: enough sockets give the
 * frontend's limit room to wait, with no sysctl change.
 */
final class AcceptQueues {
  /** Listening sockets per frontend at most, over all event loops. */
  static final int MAX_LISTENERS = 16;

  /** The kernel's default cap, used if {@code /proc} cannot tell. */
  static final int DEFAULT_SOMAXCONN = 4096;

  private static final Path SOMAXCONN = Path.of("/proc/sys/net/core/somaxconn");

  private AcceptQueues() {}

  /**
   * Listening sockets for a frontend served by {@code loops} event loops: one per loop (each loop
   * accepts its own connections), or as many more, in whole rounds over the loops, as it takes for
   * queues of {@code queueCap} to hold {@code limit} connections and an eighth more; at most {@link
   * #MAX_LISTENERS} (or one per loop, if there are more loops). The eighth is headroom: the kernel
   * spreads connections over the sockets by a hash of their addresses, not by how full each queue
   * is, so a burst of exactly the queues' total would overflow one of them.
   *
   * @param limit the connections the frontend may have at once; 0 for no limit (one per loop)
   */
  static int listeners(int loops, int limit, int queueCap) {
    if (loops < 1 || queueCap < 1) {
      throw new IllegalArgumentException("loops " + loops + ", queue cap " + queueCap);
    }
    long needed = limit <= 0 ? 1 : ceilDiv(limit + (long) limit / 8, queueCap);
    int perLoop = (int) Math.min(ceilDiv(needed, loops), Math.max(1, MAX_LISTENERS / loops));
    return loops * perLoop;
  }

  /**
   * The connections a frontend may have at once: the lower of its own maxconn and the global one (0
   * for no limit).
   */
  static int limit(int frontendMax, int globalMax) {
    if (frontendMax <= 0) {
      return Math.max(globalMax, 0);
    }
    return globalMax <= 0 ? frontendMax : Math.min(frontendMax, globalMax);
  }

  /** This network namespace's cap on an accept queue ({@code net.core.somaxconn}). */
  static int kernelCap() {
    // By lines: Files.readString returns only the first byte of a /proc/sys file
    try (BufferedReader r = Files.newBufferedReader(SOMAXCONN)) {
      String line = r.readLine();
      int v = line == null ? 0 : Integer.parseInt(line.strip());
      return v > 0 ? v : DEFAULT_SOMAXCONN;
    } catch (IOException | RuntimeException e) {
      return DEFAULT_SOMAXCONN;
    }
  }

  /** {@code a / b} rounded up, for {@code a > 0}, {@code b > 0}, without overflow. */
  private static long ceilDiv(long a, long b) {
    return (a - 1) / b + 1;
  }
}
