package io.vipd.daemon.admin;

import io.vipd.daemon.proxy.ProxyService;
import io.vipd.daemon.vrrp.VrrpService;
import io.vipd.proxy.ServerAdminState;
import io.vipd.proxy.ServerStatus;
import io.vipd.vrrp.runtime.InstanceStatus;
import io.vipd.vrrp.runtime.VrrpRuntime;
import java.io.IOException;
import java.util.Optional;
import java.util.OptionalInt;

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
   *     weight}, {@code maxconn} or {@code shutdown-sessions}
   * @param value the new weight for {@code weight} (0..256) or maxconn for {@code maxconn}
   *     (0..1000000, 0 for no limit), else ignored
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
      case "maxconn" -> {
        return maxconn(p, backend, server, value);
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
                + "; try drain, disable, enable, weight, maxconn, shutdown-sessions");
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
    return setNumber(
        "weight",
        value,
        256,
        n -> p.setServerWeight(backend, server, n),
        String::valueOf,
        backend + "/" + server);
  }

  private static OperationResult maxconn(
      ProxyService p, String backend, String server, Optional<String> value) {
    return setNumber(
        "maxconn",
        value,
        1_000_000,
        n -> p.setServerMaxconn(backend, server, n),
        n -> n == 0 ? "0 (no limit)" : String.valueOf(n),
        backend + "/" + server);
  }

  /**
   * Sets a server's number {@code what} to {@code value} (0..max) with {@code set}, which returns
   * the number before; both are shown with {@code show}.
   */
  private static OperationResult setNumber(
      String what,
      Optional<String> value,
      int max,
      java.util.function.IntUnaryOperator set,
      java.util.function.IntFunction<String> show,
      String name) {
    OptionalInt n = number(value, max);
    if (n.isEmpty()) {
      return badNumber(what, value, max);
    }
    int before = set.applyAsInt(n.getAsInt());
    return OperationResult.ok(
        "server "
            + name
            + ": "
            + what
            + " "
            + show.apply(before)
            + " -> "
            + show.apply(n.getAsInt()));
  }

  /**
   * {@code value} as an integer 0..max, or empty if it is missing, not a number or out of range.
   */
  private static OptionalInt number(Optional<String> value, int max) {
    try {
      int n = Integer.parseInt(value.orElse("").trim());
      return n < 0 || n > max ? OptionalInt.empty() : OptionalInt.of(n);
    } catch (NumberFormatException e) {
      return OptionalInt.empty();
    }
  }

  private static OperationResult badNumber(String what, Optional<String> value, int max) {
    if (value.isEmpty()) {
      return OperationResult.badRequest(what + " needs ?value=N (0.." + max + ")");
    }
    return OperationResult.badRequest(
        what + " must be an integer 0.." + max + ", got " + value.get());
  }

  /**
   * A frontend operation, haproxy's {@code disable frontend} / {@code enable frontend}: {@code
   * disable} stops its sockets listening (new connections are refused, established ones go on, and
   * a proxy check of its backend fails, so a tracking instance gives the VIP away), {@code enable}
   * listens again. Until the next reload.
   */
  public OperationResult frontend(String frontend, String action) {
    if (proxy.isEmpty()) {
      return OperationResult.notFound("no proxy configured");
    }
    ProxyService p = proxy.get();
    if (p.status().frontends().stream().noneMatch(f -> f.frontend().equals(frontend))) {
      return OperationResult.notFound("no frontend " + frontend);
    }
    boolean enable;
    switch (action) {
      case "disable" -> enable = false;
      case "enable" -> enable = true;
      default -> {
        return OperationResult.notFound(
            "unknown frontend operation " + action + "; try disable, enable");
      }
    }
    boolean before;
    try {
      before = p.setFrontendEnabled(frontend, enable);
    } catch (IllegalArgumentException e) { // removed by a reload meanwhile
      return OperationResult.notFound("no frontend " + frontend);
    } catch (IOException e) {
      return OperationResult.failed(
          "frontend " + frontend + ": cannot " + action + ": " + e.getMessage());
    }
    String was = before ? "enabled" : "disabled";
    return OperationResult.ok(
        "frontend "
            + frontend
            + ": "
            + was
            + " -> "
            + (enable
                ? "enabled (takes new connections)"
                : "disabled (new connections refused; established ones continue) until enabled"
                    + " or reloaded"));
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
