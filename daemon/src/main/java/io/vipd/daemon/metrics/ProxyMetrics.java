package io.vipd.daemon.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.vipd.proxy.CloseReason;
import io.vipd.proxy.FrontendStatus;
import io.vipd.proxy.ProxyStatus;
import io.vipd.proxy.ServerStatus;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The proxy's {@code vipd_frontend_*} (label {@code frontend}) and {@code vipd_server_*} (labels
 * {@code backend}, {@code server}) meters, read from {@link ProxyStatus} snapshots (whose counters
 * are the proxy's own adders); nothing runs on the proxy's event loops.
 */
final class ProxyMetrics implements MeterBinder {

  private final Supplier<ProxyStatus> status;

  ProxyMetrics(Supplier<ProxyStatus> status) {
    this.status = Cached.of(status);
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    ProxyStatus initial = status.get();
    for (FrontendStatus f : initial.frontends()) {
      String name = f.frontend();
      Tags tags = Tags.of("frontend", name);
      Gauge.builder(
              "vipd.frontend.connections.active",
              status,
              s -> s.get().frontend(name).activeConnections())
          .description("Client connections open now")
          .tags(tags)
          .strongReference(true)
          .register(registry);
      Gauge.builder(
              "vipd.frontend.disabled", status, s -> s.get().frontend(name).disabled() ? 1 : 0)
          .description("1 while the operator has disabled the frontend (new connections refused)")
          .tags(tags)
          .strongReference(true)
          .register(registry);
      frontendCounter(
          registry,
          "vipd.frontend.connections",
          "Client connections accepted",
          name,
          FrontendStatus::accepted);
      frontendCounter(
          registry,
          "vipd.frontend.connections.refused",
          "Client connections closed at once because of maxconn",
          name,
          FrontendStatus::refused);
      frontendCounter(
          registry,
          "vipd.frontend.bytes.in",
          "Bytes received from clients",
          name,
          FrontendStatus::bytesIn);
      frontendCounter(
          registry,
          "vipd.frontend.bytes.out",
          "Bytes sent to clients",
          name,
          FrontendStatus::bytesOut);
      for (CloseReason reason : CloseReason.values()) {
        FunctionCounter.builder(
                "vipd.frontend.sessions.closed", status, s -> s.get().frontend(name).closed(reason))
            .description("Sessions ended, by reason (errors and timeouts included)")
            .tags(tags.and("reason", reason.name().toLowerCase(Locale.ROOT)))
            .register(registry);
      }
    }
    for (String backend : new java.util.TreeSet<>(initial.queued().keySet())) {
      Gauge.builder("vipd.backend.queue", status, s -> s.get().queued(backend))
          .description(
              "Connections waiting for a server slot, every usable server at its maxconn"
                  + " (haproxy: qcur)")
          .tags(Tags.of("backend", backend))
          .strongReference(true)
          .register(registry);
    }
    for (ServerStatus s : initial.servers()) {
      String backend = s.backend();
      String server = s.server();
      Tags tags = Tags.of("backend", backend, "server", server);
      serverGauge(
          registry,
          "vipd.server.up",
          "1 while the server is up, 0 while down",
          tags,
          backend,
          server,
          x -> x.up() ? 1 : 0);
      serverGauge(
          registry,
          "vipd.server.connections.active",
          "Connections open or being opened now",
          tags,
          backend,
          server,
          ServerStatus::activeConnections);
      serverCounter(
          registry,
          "vipd.server.connections",
          "Connections established",
          tags,
          backend,
          server,
          ServerStatus::connections);
      serverCounter(
          registry,
          "vipd.server.connect.failures",
          "Failed connect attempts (refused, unreachable, timeout)",
          tags,
          backend,
          server,
          ServerStatus::connectFailures);
      serverCounter(
          registry,
          "vipd.server.bytes.in",
          "Bytes forwarded from clients to the server",
          tags,
          backend,
          server,
          ServerStatus::bytesIn);
      serverCounter(
          registry,
          "vipd.server.bytes.out",
          "Bytes forwarded from the server to clients",
          tags,
          backend,
          server,
          ServerStatus::bytesOut);
    }
  }

  private void frontendCounter(
      MeterRegistry registry,
      String meter,
      String description,
      String frontend,
      ToDoubleFunction<FrontendStatus> f) {
    FunctionCounter.builder(meter, status, s -> f.applyAsDouble(s.get().frontend(frontend)))
        .description(description)
        .tags(Tags.of("frontend", frontend))
        .register(registry);
  }

  private void serverGauge(
      MeterRegistry registry,
      String meter,
      String description,
      Tags tags,
      String backend,
      String server,
      ToDoubleFunction<ServerStatus> f) {
    Gauge.builder(meter, status, s -> f.applyAsDouble(s.get().server(backend, server)))
        .description(description)
        .tags(tags)
        .strongReference(true)
        .register(registry);
  }

  private void serverCounter(
      MeterRegistry registry,
      String meter,
      String description,
      Tags tags,
      String backend,
      String server,
      ToDoubleFunction<ServerStatus> f) {
    FunctionCounter.builder(meter, status, s -> f.applyAsDouble(s.get().server(backend, server)))
        .description(description)
        .tags(tags)
        .register(registry);
  }
}
