package io.vipd.daemon.cli;

import io.vipd.daemon.admin.AdminClient;
import io.vipd.daemon.admin.JsonReader;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code vipd server ...} and {@code vipd vrrp ...}: runtime operations posted to a running
 * daemon's admin endpoint. Exit 0 when the daemon did it, 1 when it refused (unknown name, bad
 * value) or could not be reached, or when a handover saw no other master within {@code --wait}.
 */
final class OperationCommand {

  /** Poll interval of {@code /status} while a handover waits for another master. */
  private static final long POLL_MILLIS = 200;

  /** A reload resolves names and binds: longer than a runtime operation's answer. */
  private static final Duration RELOAD_TIMEOUT = Duration.ofSeconds(60);

  private final PrintStream out;
  private final PrintStream err;
  private final AdminClient client;

  OperationCommand(
      PrintStream out, PrintStream err, Optional<String> admin, Optional<String> token) {
    this.out = out;
    this.err = err;
    Optional<String> t = StatusCommand.token(token);
    this.client =
        new AdminClient(admin.orElse(StatusCommand.DEFAULT_ADMIN), t.filter(s -> !s.isEmpty()));
  }

  /**
   * {@code vipd server drain|disable|enable|shutdown-sessions BACKEND/SERVER} and {@code
   * weight|maxconn BACKEND/SERVER N}.
   */
  int server(String action, String target, Optional<String> value) {
    int slash = target.indexOf('/');
    String path =
        "/servers/"
            + enc(target.substring(0, slash))
            + "/"
            + enc(target.substring(slash + 1))
            + "/"
            + action
            + value.map(w -> "?value=" + enc(w)).orElse("");
    return post("vipd server", path).isPresent() ? Cli.OK : Cli.INVALID;
  }

  /**
   * {@code vipd reload}: {@code POST /reload}, answered once the reload is applied or refused, so
   * that a script learns what {@code systemctl reload} (which returns once the signal is sent)
   * cannot tell: a port that could not be bound, a name that did not resolve.
   */
  int reload() {
    try {
      out.print(client.post("/reload", RELOAD_TIMEOUT));
      return Cli.OK;
    } catch (IOException e) {
      if (e.getCause() instanceof java.net.http.HttpTimeoutException) {
        err.println(
            "vipd reload: no answer within "
                + RELOAD_TIMEOUT.toSeconds()
                + " s; the reload may still be applying: see vipd status and the log");
      } else {
        err.println("vipd reload: " + e.getMessage());
      }
      return Cli.INVALID;
    }
  }

  /** {@code vipd frontend disable|enable FRONTEND}. */
  int frontend(String action, String frontend) {
    return post("vipd frontend", "/frontends/" + enc(frontend) + "/" + action).isPresent()
        ? Cli.OK
        : Cli.INVALID;
  }

  /** {@code vipd vrrp release INSTANCE}. */
  int release(String instance) {
    return post("vipd vrrp", "/vrrp/" + enc(instance) + "/release").isPresent()
        ? Cli.OK
        : Cli.INVALID;
  }

  /**
   * {@code vipd vrrp handover INSTANCE [--wait D]}: sets maintenance, then waits until this node is
   * BACKUP and has heard another master. If none takes over within {@code wait}, the node stays in
   * maintenance (the operator asked for it to give the VIP away; taking it back silently could race
   * the maintenance that follows) and the message says how to release it.
   */
  int handover(String instance, Duration wait) {
    if (post("vipd vrrp", "/vrrp/" + enc(instance) + "/handover").isEmpty()) {
      return Cli.INVALID;
    }
    long deadline = System.nanoTime() + wait.toNanos();
    String last = "no status";
    while (true) {
      try {
        Map<String, Object> i = instance(client.get("/status"), instance);
        last = "state " + i.get("state") + ", master " + i.get("master");
        if ("backup".equals(i.get("state"))
            && Boolean.TRUE.equals(i.get("maintenance"))
            && i.get("master") != null) {
          out.println(
              "instance "
                  + instance
                  + ": "
                  + i.get("master")
                  + " is master; this node"
                  + " stays BACKUP until `vipd vrrp release "
                  + instance
                  + "`");
          return Cli.OK;
        }
      } catch (IOException | RuntimeException e) {
        last = e.getMessage();
      }
      if (System.nanoTime() - deadline > 0) {
        err.println(
            "vipd vrrp: no other node became master of "
                + instance
                + " within "
                + wait.toMillis()
                + " ms ("
                + last
                + "); this node stays in maintenance without the"
                + " VIP; run `vipd vrrp release "
                + instance
                + "` to take it back");
        return Cli.INVALID;
      }
      try {
        Thread.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Cli.INVALID;
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> instance(String statusJson, String name) {
    Object doc = JsonReader.parse(statusJson);
    if (doc instanceof Map<?, ?> m && m.get("instances") instanceof List<?> list) {
      for (Object o : list) {
        if (o instanceof Map<?, ?> i && name.equals(i.get("name"))) {
          return (Map<String, Object>) i;
        }
      }
    }
    throw new IllegalArgumentException("instance " + name + " not in /status");
  }

  private Optional<String> post(String who, String path) {
    try {
      String body = client.post(path);
      out.print(body);
      return Optional.of(body);
    } catch (IOException e) {
      err.println(who + ": " + e.getMessage());
      return Optional.empty();
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
