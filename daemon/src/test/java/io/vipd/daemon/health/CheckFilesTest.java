package io.vipd.daemon.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.vipd.daemon.config.BackendCheckConfig;
import io.vipd.daemon.config.BackendCheckType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A server check's files by content: a proxy reload rebuilds the check when they change. */
class CheckFilesTest {

  @TempDir Path dir;

  private static BackendCheckConfig https(
      Optional<Path> ca, Optional<Path> cert, Optional<Path> key) {
    return new BackendCheckConfig(
        BackendCheckType.HTTPS,
        "/readyz",
        false,
        ca,
        cert,
        key,
        200,
        Duration.ofSeconds(2),
        Duration.ofMillis(500),
        Duration.ofSeconds(2),
        Duration.ofSeconds(1),
        3,
        2,
        0);
  }

  @Test
  void theSameContentGivesTheSameFingerprintAndARenewalAnother() throws Exception {
    Path ca = Files.writeString(dir.resolve("ca.pem"), "first CA");
    Path cert = Files.writeString(dir.resolve("client.pem"), "client certificate");
    Path key = Files.writeString(dir.resolve("client.key"), "client key");
    BackendCheckConfig c = https(Optional.of(ca), Optional.of(cert), Optional.of(key));
    String before = CheckFiles.fingerprint(c);
    assertEquals(before, CheckFiles.fingerprint(c), "nothing changed");

    Files.writeString(key, "renewed client key");
    String renewed = CheckFiles.fingerprint(c);
    assertNotEquals(before, renewed, "a renewed key under the same path");

    Files.delete(ca);
    assertNotEquals(renewed, CheckFiles.fingerprint(c), "a file gone");
  }

  @Test
  void whichFileHoldsWhatCounts() throws Exception {
    Path a = Files.writeString(dir.resolve("a.pem"), "same bytes");
    Path b = Files.writeString(dir.resolve("b.pem"), "same bytes");
    assertNotEquals(
        CheckFiles.fingerprint(https(Optional.of(a), Optional.empty(), Optional.empty())),
        CheckFiles.fingerprint(https(Optional.empty(), Optional.of(b), Optional.empty())),
        "a CA and a client certificate with the same bytes are not the same setup");
  }
}
