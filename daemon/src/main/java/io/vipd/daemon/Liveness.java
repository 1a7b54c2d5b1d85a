package io.vipd.daemon;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.vipd.vrrp.runtime.VrrpRuntime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

/**
 * Whether vipd still works, not only whether its JVM answers: what the systemd watchdog ping and
 * {@code /healthz} report. A VRRP runtime thread that has been in one step for seconds (its steps
 * wait 10 ms at most) no longer advertises; a proxy event loop that does not run a no-op task for
 * seconds no longer relays, while VRRP keeps the VIP and clients are black-holed. Either is stuck,
 * and the watchdog (or the kubelet's liveness probe) should restart vipd.
 *
 * <p>The probe never blocks: each call posts a no-op task to every loop that has none pending, and
 * a loop is stuck when its task has waited longer than {@link #STUCK}. Thread-safe.
 */
public final class Liveness {

  /**
   * How long a step or a posted task may take before its thread counts as stuck: longer than the
   * slowest legitimate step (a VIP change waits up to 5 s per netlink round trip, two per VIP, and
   * the netlink manager is shared), so that a slow kernel never gets a working vipd killed.
   */
  public static final Duration STUCK = Duration.ofSeconds(30);

  private final long stuckNanos;

  private final Supplier<List<VrrpRuntime>> runtimes;
  private final Supplier<Optional<EventLoopGroup>> loops;

  /** Per loop: when the pending probe task was posted, or absent once it ran. */
  private final Map<EventExecutor, Long> pending = new IdentityHashMap<>();

  /**
   * @param runtimes the VRRP runtimes running now
   * @param loops the proxy's event loops, if a proxy runs
   */
  public Liveness(Supplier<List<VrrpRuntime>> runtimes, Supplier<Optional<EventLoopGroup>> loops) {
    this(runtimes, loops, STUCK);
  }

  /** As above, with another threshold (tests). */
  Liveness(
      Supplier<List<VrrpRuntime>> runtimes,
      Supplier<Optional<EventLoopGroup>> loops,
      Duration stuckAfter) {
    this.runtimes = runtimes;
    this.loops = loops;
    this.stuckNanos = stuckAfter.toNanos();
  }

  /** Empty while everything works; else what is stuck, for the log and {@code /healthz}. */
  public synchronized Optional<String> stuck() {
    List<String> stuck = new ArrayList<>();
    for (VrrpRuntime r : runtimes.get()) {
      if (r.failed()) {
        stuck.add("VRRP instance " + r.status().name() + " failed (its error is in the log)");
        continue;
      }
      long in = r.nanosInStep();
      if (in > stuckNanos) {
        stuck.add("VRRP instance " + r.status().name() + " stuck for " + in / 1_000_000_000 + " s");
      }
    }
    long now = System.nanoTime();
    Optional<EventLoopGroup> group = loops.get();
    if (group.isEmpty()) {
      pending.clear();
    }
    for (EventExecutor loop : group.map(g -> (Iterable<EventExecutor>) g).orElse(List.of())) {
      Long posted = pending.get(loop);
      if (posted != null) {
        if (now - posted > stuckNanos) {
          stuck.add("proxy event loop stuck for " + (now - posted) / 1_000_000_000 + " s");
        }
        continue;
      }
      if (loop.isShuttingDown()) {
        if (!group.get().isShuttingDown()) {
          // one loop ended while the others go on (an Error killed its thread): its connections
          // and its share of the listening sockets' connections are served by no one
          stuck.add("proxy event loop ended");
        }
        continue;
      }
      pending.put(loop, now);
      try {
        loop.execute(() -> ran(loop));
      } catch (RejectedExecutionException e) {
        pending.remove(loop); // shut down meanwhile: a stop or a reload, not a hang
      }
    }
    return stuck.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", stuck));
  }

  private synchronized void ran(EventExecutor loop) {
    pending.remove(loop);
  }
}
