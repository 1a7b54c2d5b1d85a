package io.vipd.daemon.importer;

import java.util.List;
import java.util.OptionalLong;

/** What a keepalived {@code vrrp_script} turns into. */
sealed interface ScriptCheck {

  /**
   * The script requests an HTTP(S) URL with curl or wget: becomes an in-process HTTP(S) check.
   *
   * @param scheme {@code https} or {@code http}
   * @param hostPort host and port as in the script, e.g. {@code localhost:8443}
   * @param originalUrl the URL the script requested
   * @param apiServer true when the URL is the Kubernetes API server's (port 6443, a port of a proxy
   *     server, or an HTTPS request of a script named for the apiserver); false for another
   *     service's health endpoint (kubelet's 10248/healthz, kube-proxy's 10256/healthz)
   * @param client what the request's options asked for (TLS files, -f, time limit, the rest)
   * @param otherUrls further URLs the script requested, not carried over
   */
  record Http(
      String scheme,
      String hostPort,
      String originalUrl,
      boolean apiServer,
      HttpClientOptions client,
      List<String> otherUrls)
      implements ScriptCheck {

    /** The URL vipd checks: for the API server {@code /readyz}; else the URL as written. */
    String checkedUrl() {
      return apiServer ? scheme + "://" + hostPort + "/readyz" : originalUrl;
    }

    boolean insecure() {
      return client.insecure();
    }

    OptionalLong maxTimeMillis() {
      return client.maxTimeMillis();
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
