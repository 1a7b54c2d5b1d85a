package io.vipd.daemon.track;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import io.vipd.daemon.config.ConfigLoader;
import io.vipd.daemon.config.DaemonConfig;
import io.vipd.daemon.config.LoadResult;
import io.vipd.daemon.health.CheckFactory;
import io.vipd.health.HealthState;
import io.vipd.health.check.CheckExecutors;
import io.vipd.health.testing.ApiServerFixture;
import io.vipd.health.testing.TestPki;
import io.vipd.vrrp.runtime.VrrpRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tracked https check whose CA file is renewed under the same path ({@code kubeadm certs renew})
 * takes the new file on the next reload, and starts from the state the trackers hold: the renewal
 * moves no priority by itself (real checks against a TLS API server on loopback).
 */
@Timeout(60)
class TrackedCheckRenewalTest {

  @TempDir Path dir;

  private EventLoopGroup loops;
  private ScheduledExecutorService blocking;
  private CheckFactory factory;
  private TrackingService tracking;

  @BeforeEach
  void start() {
    loops = CheckExecutors.newEventLoopGroup(1, "renewal-checks");
    blocking = CheckExecutors.newBlockingExecutor(1, "renewal-exec");
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
  void aReloadTakesACaFileRenewedUnderTheSamePathFromTheStateTheTrackersHold() throws Exception {
    try (ApiServerFixture api = ApiServerFixture.start()) {
      // The check trusts another CA first: the server's certificate fails verification.
      Path ca = dir.resolve("ca.pem");
      Files.copy(TestPki.generate(dir.resolve("other"), "another-ca").caCert(), ca);
      DaemonConfig config = config(api.port(), ca);
      VrrpRuntime runtime = TrackingFixtures.idleRuntime();
      tracking =
          TrackingService.start(
              config.vrrp().instances(),
              config.checks(),
              name -> Optional.of(runtime),
              factory,
              loops,
              Map.of());
      Supplier<HealthState> state = () -> stateOf(tracking, "VI_1");
      TrackingFixtures.await(
          () -> state.get() == HealthState.DOWN, "down: not the CA of the server");

      // Renewed in place (the right CA now) and the same configuration reloaded.
      Files.copy(api.pki().caCert(), ca, StandardCopyOption.REPLACE_EXISTING);
      DaemonConfig same = config(api.port(), ca);
      List<String> rebuilt =
          tracking.reconcile(
              same.vrrp().instances(),
              same.checks(),
              Set.of(),
              name -> Optional.of(runtime),
              factory,
              loops,
              Map.of());
      assertEquals(List.of(), rebuilt, "the instance's tracker is kept");
      assertNotEquals(
          HealthState.UNKNOWN, state.get(), "the tracker keeps its state: no reset to unknown");
      TrackingFixtures.await(
          () -> state.get() == HealthState.UP, "up: the reload took the renewed CA");
      assertTrue(
          tracking.tracker("VI_1").orElseThrow().breakdown().endsWith("-> 101"),
          tracking.tracker("VI_1").orElseThrow().breakdown());
    }
  }

  private static HealthState stateOf(TrackingService tracking, String instance) {
    return tracking.tracker(instance).orElseThrow().tracked().stream()
        .filter(c -> c.label().equals("check api"))
        .findFirst()
        .orElseThrow()
        .state();
  }

  private DaemonConfig config(int port, Path ca) throws Exception {
    Path f = dir.resolve("vipd.conf");
    Files.writeString(
        f,
        "vrrp.instances = [ { name = VI_1, interface = lo, virtual-router-id = 51, priority = 101,"
            + " virtual-ips = [\"10.0.0.100/24\"], track { checks = [ { name = api, weight = -20 }"
            + " ] } } ]\n"
            + "checks.api { type = https, url = \"https://127.0.0.1:"
            + port
            + "/readyz\", ca-file = \""
            + ca
            + "\", interval = 200ms, timeout = 1s, fall = 1, rise = 1 }\n");
    LoadResult r = ConfigLoader.load(f);
    assertTrue(r.isValid(), r.errors().toString());
    return r.config().orElseThrow();
  }
}
