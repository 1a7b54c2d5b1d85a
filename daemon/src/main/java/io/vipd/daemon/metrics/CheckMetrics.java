package io.vipd.daemon.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.vipd.health.HealthStatus;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * Meters of a set of health monitors: state, last result, last duration, runs. Used twice: for the
 * checks VRRP tracks ({@code vipd_check_*}, label {@code check}) and for the proxy's server checks
 * ({@code vipd_server_check_*}, labels {@code backend} and {@code server}). Reads the monitors'
 * status snapshots only.
 */
final class CheckMetrics implements MeterBinder {

  private final String prefix;
  private final Supplier<List<HealthStatus>> status;
  private final Function<String, Tags> tagsOf;

  /**
   * @param prefix meter name prefix, e.g. {@code vipd.check}
   * @param status the monitors' status, in a stable order
   * @param tagsOf the tags of a monitor, from its name
   */
  CheckMetrics(String prefix, Supplier<List<HealthStatus>> status, Function<String, Tags> tagsOf) {
    this.prefix = prefix;
    this.status = Cached.of(status);
    this.tagsOf = tagsOf;
  }

  /** Tags of a server check named {@code backend/server}. */
  static Tags serverTags(String monitorName) {
    int slash = monitorName.indexOf('/');
    return Tags.of(
        "backend", monitorName.substring(0, Math.max(0, slash)),
        "server", monitorName.substring(slash + 1));
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    for (HealthStatus initial : status.get()) {
      String name = initial.checkName();
      Tags tags = tagsOf.apply(name);
      gauge(
          registry,
          "up",
          "1 while the check is up, 0 while down (after rise/fall), NaN before its first result",
          tags,
          name,
          s -> VrrpMetrics.up(s.state()));
      gauge(
          registry,
          "last.result",
          "1 if the most recent run passed, 0 if it failed, NaN before the first run",
          tags,
          name,
          s -> s.lastResult().map(r -> r.healthy() ? 1.0 : 0.0).orElse(Double.NaN));
      Gauge.builder(prefix + ".duration", status, l -> of(l, name, this::seconds))
          .description("How long the most recent run took")
          .baseUnit("seconds")
          .tags(tags)
          .strongReference(true)
          .register(registry);
      gauge(
          registry,
          "consecutive.failures",
          "Failed runs since the last success",
          tags,
          name,
          HealthStatus::consecutiveFailures);
      FunctionCounter.builder(prefix + ".runs", status, l -> of(l, name, s -> s.runs()))
          .description("Runs completed")
          .tags(tags)
          .register(registry);
    }
  }

  private double seconds(HealthStatus s) {
    return s.lastResult().map(r -> r.durationNanos() / 1e9).orElse(Double.NaN);
  }

  private void gauge(
      MeterRegistry registry,
      String suffix,
      String description,
      Tags tags,
      String name,
      ToDoubleFunction<HealthStatus> f) {
    Gauge.builder(prefix + "." + suffix, status, l -> of(l, name, f))
        .description(description)
        .tags(tags)
        .strongReference(true)
        .register(registry);
  }

  private static double of(
      Supplier<List<HealthStatus>> status, String name, ToDoubleFunction<HealthStatus> f) {
    return status.get().stream()
        .filter(s -> s.checkName().equals(name))
        .findFirst()
        .map(f::applyAsDouble)
        .orElse(Double.NaN);
  }
}
