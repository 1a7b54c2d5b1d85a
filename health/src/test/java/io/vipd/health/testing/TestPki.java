package io.vipd.health.testing;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away PKI made at test time with BouncyCastle: a CA, a server certificate for {@code
 * localhost} / {@code 127.0.0.1} / {@code ::1}, and a client certificate, all EC P-256, written as
 * PEM files (keys as unencrypted PKCS#8) into a directory. Like kubeadm's {@code ca.crt}, {@code
 * apiserver.crt}, {@code apiserver-kubelet-client.crt}.
 */
public final class TestPki {

  private static final AtomicLong SERIAL = new AtomicLong(System.nanoTime());

  private final Path caCert;
  private final Path serverCert;
  private final Path serverKey;
  private final Path clientCert;
  private final Path clientKey;

  private TestPki(Path dir) {
    this.caCert = dir.resolve("ca.crt");
    this.serverCert = dir.resolve("server.crt");
    this.serverKey = dir.resolve("server.key");
    this.clientCert = dir.resolve("client.crt");
    this.clientKey = dir.resolve("client.key");
  }

  /** Generates a new CA and its server and client certificates into {@code dir}. */
  public static TestPki generate(Path dir, String caName) {
    try {
      Files.createDirectories(dir);
      TestPki pki = new TestPki(dir);
      KeyPair ca = newKeyPair();
      X500Name caSubject = new X500Name("CN=" + caName);
      X509Certificate caCert = sign(caSubject, ca, caSubject, ca.getPublic(), true, null);
      KeyPair server = newKeyPair();
      GeneralNames serverNames =
          new GeneralNames(
              new GeneralName[] {
                new GeneralName(GeneralName.dNSName, "localhost"),
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                new GeneralName(GeneralName.iPAddress, "::1")
              });
      X509Certificate serverCert =
          sign(
              caSubject,
              ca,
              new X500Name("CN=kube-apiserver"),
              server.getPublic(),
              false,
              serverNames);
      KeyPair client = newKeyPair();
      X509Certificate clientCert =
          sign(caSubject, ca, new X500Name("CN=vipd-health"), client.getPublic(), false, null);
      writePem(pki.caCert, "CERTIFICATE", caCert.getEncoded());
      writePem(pki.serverCert, "CERTIFICATE", serverCert.getEncoded());
      writePem(pki.serverKey, "PRIVATE KEY", server.getPrivate().getEncoded());
      writePem(pki.clientCert, "CERTIFICATE", clientCert.getEncoded());
      writePem(pki.clientKey, "PRIVATE KEY", client.getPrivate().getEncoded());
      return pki;
    } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot generate test PKI", e);
    }
  }

  public Path caCert() {
    return caCert;
  }

  public Path serverCert() {
    return serverCert;
  }

  public Path serverKey() {
    return serverKey;
  }

  public Path clientCert() {
    return clientCert;
  }

  public Path clientKey() {
    return clientKey;
  }

  private static KeyPair newKeyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  private static X509Certificate sign(
      X500Name issuer,
      KeyPair issuerKeys,
      X500Name subject,
      java.security.PublicKey subjectKey,
      boolean isCa,
      GeneralNames altNames)
      throws IOException, GeneralSecurityException, OperatorCreationException {
    Instant now = Instant.now();
    X509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            issuer,
            BigInteger.valueOf(SERIAL.incrementAndGet()),
            Date.from(now.minus(Duration.ofHours(1))),
            Date.from(now.plus(Duration.ofDays(2))),
            subject,
            subjectKey);
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
    if (isCa) {
      builder.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    } else {
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      builder.addExtension(
          Extension.extendedKeyUsage,
          false,
          new ExtendedKeyUsage(
              new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
    }
    if (altNames != null) {
      builder.addExtension(Extension.subjectAlternativeName, false, altNames);
    }
    PrivateKey signingKey = issuerKeys.getPrivate();
    return new JcaX509CertificateConverter()
        .getCertificate(
            builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signingKey)));
  }

  private static void writePem(Path file, String type, byte[] der) throws IOException {
    String body =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    Files.writeString(
        file, "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n");
  }
}
