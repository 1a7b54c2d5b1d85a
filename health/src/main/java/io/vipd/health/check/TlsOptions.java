package io.vipd.health.check;

import java.nio.file.Path;

/**
 * How a TLS or HTTPS check trusts the server and identifies itself.
 *
 * <p>Trust is one of: {@code insecure} (accept any certificate, haproxy {@code verify none}, the
 * kubeadm guide's {@code curl -k}); a PEM CA bundle ({@code caFile}); or, when neither is given,
 * the JDK's default trust store. The chain is always verified unless insecure; the host name is
 * verified only with {@code verifyHostname} (haproxy's {@code verifyhost}), because a kubeadm
 * apiserver certificate usually does not list {@code 127.0.0.1}.
 *
 * @param insecure trust every certificate; {@code caFile} must then be null
 * @param caFile PEM file of trusted CA certificates, or null
 * @param clientCertFile PEM certificate chain to present, or null (then {@code clientKeyFile} too)
 * @param clientKeyFile unencrypted PKCS#8 PEM private key ({@code BEGIN PRIVATE KEY}), or null
 * @param serverName SNI name and the name to verify; null means the target's host
 * @param verifyHostname whether the certificate must match {@code serverName}
 */
public record TlsOptions(
    boolean insecure,
    Path caFile,
    Path clientCertFile,
    Path clientKeyFile,
    String serverName,
    boolean verifyHostname) {

  public TlsOptions {
    if (insecure && caFile != null) {
      throw new IllegalArgumentException("insecure and caFile are exclusive");
    }
    if ((clientCertFile == null) != (clientKeyFile == null)) {
      throw new IllegalArgumentException("client certificate and key go together");
    }
    if (insecure && verifyHostname) {
      throw new IllegalArgumentException("insecure and verifyHostname are exclusive");
    }
  }

  /** Trust any server certificate. */
  public static TlsOptions insecureTrust() {
    return new TlsOptions(true, null, null, null, null, false);
  }

  /** Trust the CAs in a PEM file (chain only, no host name check). */
  public static TlsOptions trusting(Path caFile) {
    return new TlsOptions(false, caFile, null, null, null, false);
  }

  /** Trust the JDK's default CAs. */
  public static TlsOptions systemTrust() {
    return new TlsOptions(false, null, null, null, null, false);
  }

  /** A copy that presents a client certificate (PEM chain, PKCS#8 PEM key). */
  public TlsOptions withClientCertificate(Path certFile, Path keyFile) {
    return new TlsOptions(insecure, caFile, certFile, keyFile, serverName, verifyHostname);
  }

  /** A copy that sends this SNI name (and verifies it, if host names are verified). */
  public TlsOptions withServerName(String name) {
    return new TlsOptions(insecure, caFile, clientCertFile, clientKeyFile, name, verifyHostname);
  }

  /** A copy that verifies the certificate's host name against {@code serverName}. */
  public TlsOptions withHostnameVerification() {
    return new TlsOptions(insecure, caFile, clientCertFile, clientKeyFile, serverName, true);
  }
}
