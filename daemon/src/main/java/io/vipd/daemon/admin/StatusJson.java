package io.vipd.daemon.admin;

import io.vipd.daemon.config.FrontendConfig;
import io.vipd.daemon.config.ProxyConfig;
import io.vipd.daemon.config.VrrpInstanceConfig;
import io.vipd.health.CheckResult;
import io.vipd.health.HealthStatus;
import io.vipd.health.PriorityPolicy;
import io.vipd.health.TrackedCheck;
import io.vipd.proxy.FrontendStatus;
import io.vipd.proxy.ProxyStatus;
import io.vipd.proxy.ServerStatus;
import io.vipd.vrrp.packet.VrrpVersion;
import io.vipd.vrrp.router.VrrpState;
import io.vipd.vrrp.runtime.InstanceStatus;
import io.vipd.vrrp.runtime.LastTransition;
import io.vipd.vrrp.runtime.VrrpRuntime;
import io.vipd.vrrp.runtime.VrrpStats;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The {@code /status} document, the data behind {@code vipd status}. Top-level members: {@code
 * ready}, {@code notReady}, {@code instances}, {@code checks}, {@code proxy} (null without a
 * proxy). States are lower case ({@code master}, {@code up}, {@code pending}); durations in
 * milliseconds; times since the epoch in milliseconds. Per instance: VRRP timers ({@code
 * advertIntervalMillis}, {@code masterAdverIntervalMillis}, {@code skewTimeMillis}, {@code
 * masterDownIntervalMillis}), counters and {@code lastTransition} ({@code from}, {@code to}, {@code
 * reason}, {@code atEpochMillis}, {@code agoMillis}; null before the first). Per server: the
 * current {@code weight} (configured or set at run time), counters and its {@code check}.
 */
public final class StatusJson {

  private StatusJson() {}

  /** Renders the current status of {@code view}. */
  public static String render(DaemonView view) {
    JsonWriter w = new JsonWriter().beginObject();
    Readiness r = view.readiness();
    w.field("ready", r.ready()).name("notReady").beginArray();
    r.notReady().forEach(w::value);
    w.endArray();
    instances(w, view);
    w.name("checks").beginArray();
    view.tracking().ifPresent(t -> t.checkStatus().forEach(c -> check(w, c)));
    w.endArray();
    w.name("proxy");
    if (view.proxy().isEmpty()) {
      w.value((String) null);
    } else {
      proxy(
          w, view.proxy().get().status(), view.proxy().get().checkStatus(), view.config().proxy());
    }
    return w.endObject().toString();
  }

  private static void instances(JsonWriter w, DaemonView view) {
    w.name("instances").beginArray();
    if (view.vrrp().isPresent()) {
      // each runtime's status with its own counters: two lists read one after the other could
      // be of two reloads' instances
      for (VrrpRuntime r : view.vrrp().get().runtimes()) {
        instance(w, view, r.status(), r.stats());
      }
    }
    w.endArray();
  }

  private static void instance(JsonWriter w, DaemonView view, InstanceStatus s, VrrpStats stats) {
    Optional<VrrpInstanceConfig> cfg = view.instanceConfig(s.name());
    w.beginObject()
        .field("name", s.name())
        .field("interface", cfg.map(VrrpInstanceConfig::interfaceName).orElse(null))
        .field("vrid", cfg.map(VrrpInstanceConfig::virtualRouterId).orElse(0))
        .field("state", lower(s.state().name()))
        .field("priority", cfg.map(VrrpInstanceConfig::priority).orElse(0))
        .field("effectivePriority", s.effectivePriority())
        .field("master", s.masterAddress())
        .field("maintenance", s.maintenance())
        .field("syncGroup", cfg.flatMap(VrrpInstanceConfig::syncGroup).orElse(null))
        .field("masterIsSelf", s.state() == VrrpState.MASTER)
        .field("version", s.version() == null ? 0 : s.version() == VrrpVersion.V2 ? 2 : 3);
    millis(w, "advertIntervalMillis", s.advertIntervalCentis() * 10L * 1_000_000L);
    millis(w, "masterAdverIntervalMillis", s.masterAdverIntervalCentis() * 10L * 1_000_000L);
    millis(w, "skewTimeMillis", s.skewTimeNanos());
    millis(w, "masterDownIntervalMillis", s.masterDownIntervalNanos());
    lastTransition(w, s.lastTransition());
    var tracker = view.tracker(s.name());
    w.field(
        "breakdown",
        tracker
            .map(t -> t.breakdown())
            .orElse("base " + cfg.map(VrrpInstanceConfig::priority).orElse(0)));
    w.name("trackers").beginArray();
    tracker.ifPresent(
        t -> {
          for (TrackedCheck c : t.tracked()) {
            w.beginObject()
                .field("name", c.label())
                .field("weight", c.weight())
                .field("state", state(c.state()))
                .field("contribution", PriorityPolicy.contribution(c))
                .endObject();
          }
        });
    w.endArray();
    w.name("mastersSeen").beginArray();
    view.masters().addresses(s.name()).forEach(w::value);
    w.endArray();
    w.field("advertsSent", stats.advertsSent())
        .field("advertsReceived", stats.advertsReceived())
        .field("garpsSent", stats.announcementsSent())
        .field("transitions", stats.transitions())
        .field("drops", stats.dropsSnapshot().values().stream().mapToLong(Long::longValue).sum())
        .field("sendErrors", stats.sendErrors())
        .endObject();
  }

  private static void millis(JsonWriter w, String name, long nanos) {
    w.name(name).value(nanos / 1e6);
  }

  private static void lastTransition(JsonWriter w, LastTransition t) {
    w.name("lastTransition");
    if (t == null) {
      w.value((String) null);
      return;
    }
    w.beginObject()
        .field("from", lower(t.from().name()))
        .field("to", lower(t.to().name()))
        .field("reason", t.reason())
        .field("atEpochMillis", t.atEpochMillis())
        .field("agoMillis", Math.max(0, System.currentTimeMillis() - t.atEpochMillis()))
        .endObject();
  }

  private static void check(JsonWriter w, HealthStatus c) {
    w.beginObject()
        .field("name", c.checkName())
        .field("target", c.target())
        .field("state", state(c.state()));
    lastResult(w, c.lastResult());
    w.field("consecutiveSuccesses", c.consecutiveSuccesses())
        .field("consecutiveFailures", c.consecutiveFailures())
        .field("runs", c.runs())
        .endObject();
  }

  private static void lastResult(JsonWriter w, Optional<CheckResult> last) {
    w.name("lastResult");
    if (last.isEmpty()) {
      w.value((String) null);
      return;
    }
    CheckResult r = last.get();
    w.beginObject()
        .field("healthy", r.healthy())
        .field("detail", r.detail())
        .name("durationMillis")
        .value(r.durationNanos() / 1e6)
        .endObject();
  }

  private static void proxy(
      JsonWriter w, ProxyStatus p, List<HealthStatus> checks, ProxyConfig config) {
    w.beginObject().field("activeConnections", p.activeConnections());
    w.name("frontends").beginArray();
    for (FrontendStatus f : p.frontends()) {
      w.beginObject()
          .field("name", f.frontend())
          .field("backend", backendOf(config, f.frontend()))
          .field("activeConnections", f.activeConnections())
          .field("accepted", f.accepted())
          .field("refused", f.refused())
          .field("bytesIn", f.bytesIn())
          .field("bytesOut", f.bytesOut())
          .field("disabled", f.disabled())
          .endObject();
    }
    w.endArray().name("backends").beginArray();
    for (String backend : new java.util.TreeSet<>(p.queued().keySet())) {
      w.beginObject().field("name", backend).field("queued", p.queued(backend)).endObject();
    }
    w.endArray().name("servers").beginArray();
    for (ServerStatus s : p.servers()) {
      w.beginObject()
          .field("backend", s.backend())
          .field("name", s.server())
          .field("up", s.up())
          .field("adminState", s.adminState().label())
          .field("weight", s.weight())
          .field("throttle", s.throttle())
          .field("maxconn", s.maxconn())
          .field("backup", s.backup())
          .field("activeConnections", s.activeConnections())
          .field("connections", s.connections())
          .field("connectFailures", s.connectFailures())
          .field("bytesIn", s.bytesIn())
          .field("bytesOut", s.bytesOut());
      Optional<HealthStatus> check =
          checks.stream()
              .filter(c -> c.checkName().equals(s.backend() + "/" + s.server()))
              .findFirst();
      w.name("check");
      if (check.isEmpty()) {
        w.value((String) null);
      } else {
        check(w, check.get());
      }
      w.endObject();
    }
    w.endArray().endObject();
  }

  private static String backendOf(ProxyConfig config, String frontend) {
    return config.frontends().stream()
        .filter(f -> f.name().equals(frontend))
        .map(FrontendConfig::backend)
        .findFirst()
        .orElse(null);
  }

  private static String state(io.vipd.health.HealthState s) {
    return switch (s) {
      case UP -> "up";
      case DOWN -> "down";
      case UNKNOWN -> "pending";
    };
  }

  private static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }
}
