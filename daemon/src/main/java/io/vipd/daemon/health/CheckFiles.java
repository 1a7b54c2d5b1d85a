package io.vipd.daemon.health;

import io.vipd.daemon.config.BackendCheckConfig;
import io.vipd.daemon.config.CheckConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The content of the files a check reads once, when it is built: the CA, client certificate and key
 * of an https or tls check. A reload compares it with the files as they are then, so that
 * certificates renewed under the same paths ({@code kubeadm certs renew}) are taken by a reload, as
 * haproxy takes them (and as keepalived's scripts, which run curl anew each time, do), rather than
 * only by a restart. Proxy server checks and tracked checks alike; each rebuilt check starts from
 * the state its predecessor had.
 */
public final class CheckFiles {

  private CheckFiles() {}

  /**
   * A digest of a proxy server check's files as they are now (an unreadable one counts as such).
   */
  public static String fingerprint(BackendCheckConfig check) {
    return fingerprint(List.of(check.caFile(), check.clientCert(), check.clientKey()));
  }

  /** A digest of a tracked check's files as they are now (an unreadable one counts as such). */
  public static String fingerprint(CheckConfig check) {
    return fingerprint(List.of(check.caFile(), check.clientCert(), check.clientKey()));
  }

  private static String fingerprint(List<Optional<Path>> files) {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java platform", e);
    }
    for (Optional<Path> file : files) {
      if (file.isEmpty()) {
        digest.update((byte) 0);
        continue;
      }
      digest.update(file.get().toString().getBytes(StandardCharsets.UTF_8));
      try {
        digest.update((byte) 1);
        digest.update(Files.readAllBytes(file.get()));
      } catch (IOException e) {
        digest.update((byte) 2); // unreadable: a check built from it fails, and says why
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }
}
