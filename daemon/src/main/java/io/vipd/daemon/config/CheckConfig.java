package io.vipd.daemon.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One {@code checks.<name>} entry. Keys that do not apply to {@link #type()} are empty/default.
 *
 * @param name the key under {@code checks}, referenced by {@code track.checks[].name}
 * @param type what is checked
 * @param url http/https: the URL
 * @param insecure https/tls: skip certificate verification
 * @param caFile https/tls: CA bundle (PEM) to verify the server with
 * @param clientCert https/tls: client certificate (PEM)
 * @param clientKey https/tls: client key (PEM)
 * @param expectStatus http/https: the status meaning "up"
 * @param address tcp/tls: where to connect
 * @param command exec: program and arguments
 * @param shell exec: run {@code command} joined by spaces through {@code /bin/sh -c}
 * @param path file: up while this file exists
 * @param interval time between the starts of two runs
 * @param timeout a run that takes longer fails
 * @param fall consecutive failures that turn an up check down
 * @param rise consecutive successes that turn a down check up
 */
public record CheckConfig(
    String name,
    CheckType type,
    Optional<URI> url,
    boolean insecure,
    Optional<Path> caFile,
    Optional<Path> clientCert,
    Optional<Path> clientKey,
    int expectStatus,
    Optional<HostPort> address,
    List<String> command,
    boolean shell,
    Optional<Path> path,
    Duration interval,
    Duration timeout,
    int fall,
    int rise,
    Optional<String> backend,
    int minServersUp) {

  public CheckConfig {
    command = List.copyOf(command);
  }
}
