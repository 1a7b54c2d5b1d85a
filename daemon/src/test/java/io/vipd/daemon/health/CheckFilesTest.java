package io.vipd.daemon.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.vipd.daemon.config.CheckConfig;
import io.vipd.daemon.config.CheckType;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A tracked check's files by content: a reload rebuilds the check when they change. */
class CheckFilesTest {

  @TempDir Path dir;

  private static CheckConfig https(Optional<Path> ca, Optional<Path> cert, Optional<Path> key) {
    return new CheckConfig(
        "apiserver",
        CheckType.HTTPS,
        Optional.of(URI.create("https://127.0.0.1:6443/readyz")),
        false,
        ca,
        cert,
        key,
        200,
        Optional.empty(),
        List.of(),
        false,
        Optional.empty(),
        Duration.ofSeconds(1),
        Duration.ofSeconds(1),
        3,
        2,
        Optional.empty(),
        0);
  }

  @Test
  void theSameContentGivesTheSameFingerprintAndARenewalAnother() throws Exception {
    Path ca = Files.writeString(dir.resolve("ca.pem"), "first CA");
    Path cert = Files.writeString(dir.resolve("client.pem"), "client certificate");
    Path key = Files.writeString(dir.resolve("client.key"), "client key");
    CheckConfig c = https(Optional.of(ca), Optional.of(cert), Optional.of(key));
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
