package io.vipd.daemon.admin;

import io.vipd.daemon.proxy.ProxyService;
import io.vipd.daemon.vrrp.VrrpService;
import io.vipd.proxy.ServerAdminState;
import io.vipd.proxy.ServerStatus;
import io.vipd.vrrp.runtime.InstanceStatus;
import io.vipd.vrrp.runtime.VrrpRuntime;
import java.util.Optional;

/**
 * The operations haproxy users run on its stats socket, and a VRRP maintenance handover, applied to
 * the running services. Names are checked against what runs now: an unknown one is a 404 result,
 * never an exception. Thread-safe: every call goes to a thread-safe seam of the proxy or the VRRP
 * runtime.
 */
public final class RuntimeOperations {

  private final Optional<ProxyService> proxy;
  private final Optional<VrrpService> vrrp;

  public RuntimeOperations(Optional<ProxyService> proxy, Optional<VrrpService> vrrp) {
    this.proxy = proxy;
    this.vrrp = vrrp;
  }

  /**
   * A server operation.
   *
   * @param action {@code drain}, {@code disable} (maintenance), {@code enable} (ready), {@code
   *     weight} or {@code shutdown-sessions}
   * @param value the new weight for {@code weight} (0..256), else ignored
   */
  public OperationResult server(
      String backend, String server, String action, Optional<String> value) {
    if (proxy.isEmpty()) {
      return OperationResult.notFound("no proxy configured");
    }
    ProxyService p = proxy.get();
    boolean backendKnown = p.status().servers().stream().anyMatch(s -> s.backend().equals(backend));
    if (!backendKnown) {
      return OperationResult.notFound("no backend " + backend);
    }
    Optional<ServerStatus> known =
        p.status().servers().stream()
            .filter(s -> s.backend().equals(backend) && s.server().equals(server))
            .findFirst();
    if (known.isEmpty()) {
      return OperationResult.notFound("backend " + backend + " has no server " + server);
    }
    String name = backend + "/" + server;
    ServerAdminState target;
    switch (action) {
      case "drain" -> target = ServerAdminState.DRAIN;
      case "disable" -> target = ServerAdminState.MAINT;
      case "enable" -> target = ServerAdminState.READY;
      case "weight" -> {
        return weight(p, backend, server, value);
      }
      case "shutdown-sessions" -> {
        int n = p.shutdownSessions(backend, server);
        return OperationResult.ok(
            "server " + name + ": " + n + " established session(s) closed; clients reconnect");
      }
      default -> {
        return OperationResult.notFound(
            "unknown server operation "
                + action
                + "; try drain, disable, enable, weight, shutdown-sessions");
      }
    }
    ServerAdminState before = p.setServerAdminState(backend, server, target);
    return OperationResult.ok(
        "server " + name + ": " + before.label() + " -> " + target.label() + describe(target));
  }

  private static String describe(ServerAdminState s) {
    return switch (s) {
      case READY -> " (takes new connections when up)";
      case DRAIN -> " (no new connections; established ones continue)";
      case MAINT -> " (maintenance: no new connections; established ones continue)";
    };
  }

  private static OperationResult weight(
      ProxyService p, String backend, String server, Optional<String> value) {
    if (value.isEmpty()) {
      return OperationResult.badRequest("weight needs ?value=N (0..256)");
    }
    int weight;
    try {
      weight = Integer.parseInt(value.get().trim());
    } catch (NumberFormatException e) {
      return OperationResult.badRequest("weight must be an integer 0..256, got " + value.get());
    }
    if (weight < 0 || weight > 256) {
      return OperationResult.badRequest("weight out of 0..256: " + weight);
    }
    int before = p.setServerWeight(backend, server, weight);
    return OperationResult.ok(
        "server " + backend + "/" + server + ": weight " + before + " -> " + weight);
  }

  /**
   * A VRRP operation: {@code handover} sets maintenance (a master sends priority 0 and releases the
   * VIPs; the node stays backup), {@code release} clears it. Returns at once; {@code vipd vrrp
   * handover} waits on {@code /status} for another master.
   */
  public OperationResult vrrp(String instance, String action) {
    if (vrrp.isEmpty()) {
      return OperationResult.notFound("no VRRP instance configured");
    }
    Optional<VrrpRuntime> runtime = vrrp.get().runtime(instance);
    if (runtime.isEmpty()) {
      return OperationResult.notFound("no VRRP instance " + instance);
    }
    InstanceStatus now = runtime.get().status();
    String state = now.state().name();
    switch (action) {
      case "handover" -> {
        runtime.get().setMaintenance(true);
        return OperationResult.ok(
            "instance "
                + instance
                + ": maintenance on (was "
                + state
                + "); stays BACKUP until released");
      }
      case "release" -> {
        runtime.get().setMaintenance(false);
        return OperationResult.ok("instance " + instance + ": maintenance off (was " + state + ")");
      }
      default -> {
        return OperationResult.notFound(
            "unknown VRRP operation " + action + "; try handover, release");
      }
    }
  }
}
