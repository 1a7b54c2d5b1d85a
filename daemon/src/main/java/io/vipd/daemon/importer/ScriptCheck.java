package io.vipd.daemon.importer;

import java.util.List;
import java.util.OptionalLong;

/** What a keepalived {@code vrrp_script} turns into. */
sealed interface ScriptCheck {

  /**
   * The script requests the Kubernetes API server: becomes an in-process HTTP(S) check.
   *
   * @param scheme {@code https} or {@code http}
   * @param hostPort host and port as in the script, e.g. {@code localhost:8443}
   * @param originalUrl the URL the script requested
   * @param insecure true when the script skipped certificate verification (curl -k)
   * @param maxTimeMillis the request time limit the script gave, if any (curl --max-time)
   * @param otherUrls further URLs the script requested, not carried over
   */
  record ApiServer(
      String scheme,
      String hostPort,
      String originalUrl,
      boolean insecure,
      OptionalLong maxTimeMillis,
      List<String> otherUrls)
      implements ScriptCheck {

    /** The URL vipd checks: same host and port, path {@code /readyz}. */
    String readyzUrl() {
      return scheme + "://" + hostPort + "/readyz";
    }
  }

  /**
   * The script checks that haproxy runs or listens, or requests through a port haproxy binds:
   * becomes tracking of vipd's own proxy.
   *
   * @param frontend the frontend whose listening socket is checked
   * @param evidence the part of the script that showed what it checks
   */
  record ProxyAlive(FrontendBind frontend, String evidence) implements ScriptCheck {}

  /**
   * Anything else: run the command as before.
   *
   * @param command argv, or a single shell command line when {@code shell} is true
   * @param shell true when the command needs {@code sh -c}
   */
  record Exec(List<String> command, boolean shell) implements ScriptCheck {}
}
