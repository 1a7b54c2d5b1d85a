package io.vipd.health.check;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Iterator;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether a client key belongs to its certificate, as haproxy checks when it loads them ("the
 * private key does not match the certificate"). A TLS library takes a mismatched pair without a
 * word and fails every handshake later: with a certificate renewed but its key not yet (or the
 * other way round), every https check would fail and mark its server down.
 *
 * <p>The proof is a signature: made with the key, verified with the certificate's public key.
 */
final class CertificateKeyMatch {

  private static final Pattern PKCS8 =
      Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

  private static final byte[] PROBE =
      "vipd: does this key belong to this certificate?".getBytes(StandardCharsets.US_ASCII);

  private CertificateKeyMatch() {}

  /**
   * Why the key in {@code keyFile} is not the one of the first certificate in {@code certFile}, or
   * empty if it is, or if this cannot tell (a key type or encoding it does not know: the check's
   * own reader has already accepted both files).
   */
  static Optional<String> mismatch(Path certFile, Path keyFile) {
    try {
      PublicKey certKey = firstCertificate(certFile).getPublicKey();
      String algorithm = signatureAlgorithm(certKey.getAlgorithm());
      Optional<PrivateKey> key = pkcs8(keyFile, certKey.getAlgorithm());
      if (algorithm == null || key.isEmpty()) {
        return Optional.empty();
      }
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key.get());
      signer.update(PROBE);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certKey);
      verifier.update(PROBE);
      return verifier.verify(signature)
          ? Optional.empty()
          : Optional.of("not the key of the certificate in " + certFile);
    } catch (GeneralSecurityException e) {
      // a key of another type than the certificate's (RSA against EC) cannot even sign for it
      return Optional.of("not the key of the certificate in " + certFile + ": " + e.getMessage());
    } catch (IOException | RuntimeException e) {
      return Optional.empty(); // unreadable now: the check's own reader has the say
    }
  }

  private static Certificate firstCertificate(Path certFile)
      throws IOException, GeneralSecurityException {
    try (InputStream in = Files.newInputStream(certFile)) {
      Iterator<? extends Certificate> all =
          CertificateFactory.getInstance("X.509").generateCertificates(in).iterator();
      if (!all.hasNext()) {
        throw new IOException("no certificate");
      }
      return all.next();
    }
  }

  private static Optional<PrivateKey> pkcs8(Path keyFile, String algorithm)
      throws IOException, GeneralSecurityException {
    Matcher m = PKCS8.matcher(Files.readString(keyFile, StandardCharsets.US_ASCII));
    if (!m.find()) {
      return Optional.empty();
    }
    byte[] der = Base64.getMimeDecoder().decode(m.group(1));
    return Optional.of(
        KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der)));
  }

  /** A signature the key type makes, or null for a type this does not check. */
  private static String signatureAlgorithm(String keyAlgorithm) {
    switch (keyAlgorithm) {
      case "RSA":
        return "SHA256withRSA";
      case "EC":
        return "SHA256withECDSA";
      case "Ed25519":
      case "Ed448":
      case "EdDSA":
        return keyAlgorithm; // each is its own signature algorithm
      case "DSA":
        return "SHA256withDSA";
      default:
        return null;
    }
  }
}
