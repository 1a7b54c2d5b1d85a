package io.vipd.health.check;

import io.netty.handler.ssl.SslContextBuilder;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Parses a check's TLS files with the same reader the check uses when it is built ({@link
 * ClientTls}: Netty's PEM reading), so that a configuration naming a file that holds no certificate
 * or no key is refused when it is read, with the file's key and line, as {@code haproxy -c} refuses
 * it, rather than when the check is built. Nothing is kept: the check reads the files again.
 */
public final class TlsFiles {

  private TlsFiles() {}

  /**
   * Why {@code file} cannot be read as PEM certificates (a CA bundle, or a client certificate
   * chain), or empty if it can.
   */
  public static Optional<String> certificatesProblem(Path file) {
    try {
      SslContextBuilder.forClient().trustManager(file.toFile());
      return Optional.empty();
    } catch (RuntimeException e) {
      return Optional.of(reason(e, "no PEM certificate in it"));
    }
  }

  /**
   * Why {@code keyFile} cannot be read as the private key of the chain in {@code certFile}
   * (unencrypted PKCS#8 PEM), or is not that chain's key, or empty if it is. Call it once {@code
   * certFile} has no problem.
   */
  public static Optional<String> privateKeyProblem(Path certFile, Path keyFile) {
    try {
      SslContextBuilder.forClient().keyManager(certFile.toFile(), keyFile.toFile());
    } catch (RuntimeException e) {
      return Optional.of(reason(e, "no unencrypted PKCS#8 PEM private key in it"));
    }
    return CertificateKeyMatch.mismatch(certFile, keyFile);
  }

  /** Netty's message names the file, which the caller names already: the cause says what failed. */
  private static String reason(RuntimeException e, String fallback) {
    Throwable cause = e.getCause() != null ? e.getCause() : e;
    String message = cause.getMessage();
    return message == null || message.isBlank() ? fallback : message;
  }
}
