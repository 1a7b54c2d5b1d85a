package io.vipd.daemon.track;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import io.vipd.daemon.config.ConfigLoader;
import io.vipd.daemon.config.DaemonConfig;
import io.vipd.daemon.config.LoadResult;
import io.vipd.daemon.health.CheckFactory;
import io.vipd.health.HealthState;
import io.vipd.health.HealthStatus;
import io.vipd.health.check.CheckExecutors;
import io.vipd.vrrp.runtime.VrrpRuntime;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reload that rebuilds an instance's tracker (its priority changed) keeps the checks only that
 * instance tracks running, with their state: the new tracker starts from it. Before, such a check
 * was stopped when the old tracker left and started anew, unknown: an instance held in FAULT by a
 * dead API server left the fault at the reload and could take the VIP.
 */
@Timeout(60)
class TrackingReloadTest {

  @TempDir Path dir;

  private EventLoopGroup loops;
  private ScheduledExecutorService blocking;
  private CheckFactory factory;
  private TrackingService tracking;

  @BeforeEach
  void start() {
    loops = CheckExecutors.newEventLoopGroup(1, "reload-checks");
    blocking = CheckExecutors.newBlockingExecutor(1, "reload-exec");
    factory = new CheckFactory(loops, blocking);
  }

  @AfterEach
  void stop() {
    if (tracking != null) {
      tracking.close();
    }
    blocking.shutdownNow();
    loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2000);
  }

  @Test
  void aRebuiltTrackerStartsFromTheStateOfTheChecksItAloneTracks() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort(); // nothing listens there afterwards: the check fails
    }
    DaemonConfig config = config(closed, 101);
    VrrpRuntime runtime = TrackingFixtures.idleRuntime();
    tracking = startTracking(config, runtime);
    TrackingFixtures.await(
        () -> api().state() == HealthState.DOWN && api().runs() >= 3, "down, three runs");
    long runsBefore = api().runs();

    DaemonConfig raised = config(closed, 120);
    List<String> rebuilt = reconcile(raised, runtime);
    assertEquals(List.of("VI_1"), rebuilt, "a new priority rebuilds the tracker");
    assertTrue(
        api().runs() >= runsBefore,
        "the check kept running: " + api().runs() + " runs, " + runsBefore + " before");
    assertEquals(
        HealthState.DOWN,
        tracking.tracker("VI_1").orElseThrow().tracked().stream()
            .filter(c -> c.label().equals("check api"))
            .findFirst()
            .orElseThrow()
            .state(),
        "the new tracker starts from the check's state, not unknown");
  }

  /**
   * A check whose settings a reload changes is rebuilt, and starts from the state its monitor had:
   * the instance it holds in FAULT stays there. Started unknown, it lifted the fault until its
   * first result. The check's server drops SYNs (a full accept queue), so every run fails only at
   * its timeout: the new check has no result of its own for a second after the reload.
   */
  @Test
  void aCheckWhoseSettingsChangeStartsFromItsState() throws Exception {
    try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      List<Socket> fillers = fillBacklog(full);
      try {
        int port = full.getLocalPort();
        DaemonConfig config = config(port, 101, "timeout = 300ms");
        VrrpRuntime runtime = TrackingFixtures.idleRuntime();
        tracking = startTracking(config, runtime);
        TrackingFixtures.await(() -> api().state() == HealthState.DOWN, "down: connects time out");

        DaemonConfig changed = config(port, 101, "timeout = 1s");
        reconcile(changed, runtime);
        assertEquals(HealthState.DOWN, api().state(), "the rebuilt check starts down");
        assertEquals(
            HealthState.DOWN, trackedApi(), "the new tracker too: the fault is not lifted");
      } finally {
        for (Socket f : fillers) {
          f.close();
        }
      }
    }
  }

  /**
   * A check that the daemon fed (vipd's own proxy) and that a reload makes another type keeps no
   * feed: the old subscription ends, and a late state from it changes nothing. Before, it went on
   * writing the check's state beside the new monitor until a restart.
   */
  @Test
  void aCheckThatIsNoLongerFedByTheDaemonTakesNoMoreStatesFromIt() throws Exception {
    try (ServerSocket listening = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      DaemonConfig config = config(listening.getLocalPort(), 101);
      VrrpRuntime runtime = TrackingFixtures.idleRuntime();
      AtomicReference<TrackingService.StateSink> feed = new AtomicReference<>();
      AtomicBoolean cancelled = new AtomicBoolean();
      TrackingService.TrackedSource proxy =
          sink -> {
            feed.set(sink);
            sink.accept(HealthState.DOWN, "no server of backend apis up");
            return () -> cancelled.set(true);
          };
      tracking = startTracking(config, runtime, Map.of("api", proxy));
      assertEquals(HealthState.DOWN, trackedApi());

      reconcile(config, runtime); // "api" is now the tcp check its config says
      assertTrue(cancelled.get(), "the feed is cancelled");
      TrackingFixtures.await(() -> trackedApi() == HealthState.UP, "the tcp check's result");
      feed.get().accept(HealthState.DOWN, "a late delivery racing the cancel");
      assertEquals(HealthState.UP, trackedApi());
    }
  }

  private TrackingService startTracking(DaemonConfig config, VrrpRuntime runtime) throws Exception {
    return startTracking(config, runtime, Map.of());
  }

  private TrackingService startTracking(
      DaemonConfig config, VrrpRuntime runtime, Map<String, TrackingService.TrackedSource> fed)
      throws Exception {
    return TrackingService.start(
        config.vrrp().instances(),
        config.checks(),
        name -> Optional.of(runtime),
        factory,
        loops,
        fed);
  }

  private List<String> reconcile(DaemonConfig config, VrrpRuntime runtime) throws Exception {
    return tracking.reconcile(
        config.vrrp().instances(),
        config.checks(),
        Set.of(),
        name -> Optional.of(runtime),
        factory,
        loops,
        Map.of());
  }

  private HealthState trackedApi() {
    return tracking.tracker("VI_1").orElseThrow().tracked().stream()
        .filter(c -> c.label().equals("check api"))
        .findFirst()
        .orElseThrow()
        .state();
  }

  /** Fills {@code full}'s accept queue: further SYNs to it are dropped (loopback). */
  private static List<Socket> fillBacklog(ServerSocket full) {
    List<Socket> fillers = new java.util.ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Socket s = new Socket();
      fillers.add(s);
      try {
        s.connect(full.getLocalSocketAddress(), 200);
      } catch (java.io.IOException expectedOnceFull) {
        break;
      }
    }
    return fillers;
  }

  private HealthStatus api() {
    return tracking.checkStatus().stream()
        .filter(s -> s.checkName().equals("api"))
        .findFirst()
        .orElseThrow();
  }

  private DaemonConfig config(int port, int priority) throws Exception {
    return config(port, priority, "timeout = 1s");
  }

  private DaemonConfig config(int port, int priority, String timeout) throws Exception {
    Path f = dir.resolve("vipd-" + priority + "-" + timeout.hashCode() + ".conf");
    Files.writeString(
        f,
        "vrrp.instances = [ { name = VI_1, interface = lo, virtual-router-id = 51, priority = "
            + priority
            + ", virtual-ips = [\"10.0.0.100/24\"], track { checks = [ { name = api, weight = 0 }"
            + " ] } } ]\n"
            + "checks.api { type = tcp, address = \"127.0.0.1:"
            + port
            + "\", interval = 200ms, "
            + timeout
            + ", fall = 1, rise = 1 }\n");
    LoadResult r = ConfigLoader.load(f);
    assertTrue(r.isValid(), r.errors().toString());
    return r.config().orElseThrow();
  }
}
