package io.vipd.daemon.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Active check of every server of a backend (haproxy {@code check}, {@code option httpchk}).
 *
 * @param type what is checked
 * @param path http/https: request path
 * @param insecure https/tls: skip certificate verification
 * @param caFile https/tls: CA bundle (PEM); empty and not insecure: the JVM's trust store
 * @param clientCert https/tls: client certificate (PEM), with {@code clientKey}
 * @param clientKey https/tls: its private key (PEM, PKCS#8)
 * @param expectStatus http/https: status meaning "up"
 * @param interval time between checks while the state is settled (haproxy {@code inter})
 * @param fastInterval time between checks while a state change is pending (haproxy {@code
 *     fastinter}); equals {@code interval} when not written
 * @param downInterval time between checks while a server is down, all its failures counted (haproxy
 *     {@code downinter}); equals {@code interval} when not written
 * @param timeout a check that takes longer fails
 * @param fall consecutive failures that mark a server down
 * @param rise consecutive successes that mark it up
 * @param port the port checked on each server's address (haproxy {@code check port}); 0: the
 *     server's own port
 */
public record BackendCheckConfig(
    BackendCheckType type,
    String path,
    boolean insecure,
    Optional<Path> caFile,
    Optional<Path> clientCert,
    Optional<Path> clientKey,
    int expectStatus,
    Duration interval,
    Duration fastInterval,
    Duration downInterval,
    Duration timeout,
    int fall,
    int rise,
    int port) {}
