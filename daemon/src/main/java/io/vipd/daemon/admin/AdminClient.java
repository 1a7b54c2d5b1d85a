package io.vipd.daemon.admin;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * Fetches a running vipd's admin endpoints, for {@code vipd status}, and posts runtime operations,
 * for {@code vipd server} and {@code vipd vrrp}.
 */
public final class AdminClient {

  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private final String base;
  private final Optional<String> token;
  private final HttpClient http;

  /**
   * @param hostPort {@code host:port} of the admin endpoint ({@code [v6]:port} for IPv6)
   * @param token the bearer token, if the daemon requires one
   */
  public AdminClient(String hostPort, Optional<String> token) {
    this.base = "http://" + hostPort;
    this.token = token;
    this.http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
  }

  /**
   * GETs {@code path}.
   *
   * @return the body of a 200 response
   * @throws IOException when the daemon cannot be reached or answers with another status (the
   *     message says which)
   */
  public String get(String path) throws IOException {
    return send("GET", path);
  }

  /**
   * POSTs {@code path} with an empty body.
   *
   * @return the body of a 200 response
   * @throws IOException when the daemon cannot be reached or answers with another status (the
   *     message says which, with the daemon's one-line answer)
   */
  public String post(String path) throws IOException {
    return send("POST", path, TIMEOUT);
  }

  /** As {@link #post(String)}, waiting up to {@code timeout} for the answer (a reload). */
  public String post(String path, Duration timeout) throws IOException {
    return send("POST", path, timeout);
  }

  private String send(String method, String path) throws IOException {
    return send(method, path, TIMEOUT);
  }

  private String send(String method, String path, Duration timeout) throws IOException {
    HttpRequest.Builder b;
    try {
      b =
          HttpRequest.newBuilder(URI.create(base + path))
              .timeout(timeout)
              .method(method, HttpRequest.BodyPublishers.noBody());
    } catch (IllegalArgumentException e) {
      throw new IOException("bad admin address " + base + ": " + e.getMessage(), e);
    }
    token.ifPresent(t -> b.header("Authorization", "Bearer " + t));
    HttpResponse<String> r;
    try {
      r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } catch (java.net.ConnectException e) {
      throw new IOException(
          "cannot reach vipd at "
              + base
              + ": connection refused (is vipd running with admin"
              + " enabled there?)",
          e);
    } catch (IOException e) {
      String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      throw new IOException("cannot reach vipd at " + base + ": " + why, e);
    }
    if (r.statusCode() == 401) {
      throw new IOException(base + path + " needs the admin token (--token or VIPD_TOKEN)");
    }
    if (r.statusCode() != 200) {
      throw new IOException(
          method + " " + base + path + " answered " + r.statusCode() + ": " + r.body().trim());
    }
    return r.body();
  }
}
