package io.vipd.health.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vipd.health.testing.TestPki;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsFilesTest {

  @TempDir Path dir;

  @Test
  void aCertificateAndItsOwnKeyAreTaken() {
    TestPki pki = TestPki.generate(dir, "test-ca");
    assertEquals(Optional.empty(), TlsFiles.certificatesProblem(pki.caCert()));
    assertEquals(Optional.empty(), TlsFiles.certificatesProblem(pki.clientCert()));
    assertEquals(Optional.empty(), TlsFiles.privateKeyProblem(pki.clientCert(), pki.clientKey()));
    assertEquals(Optional.empty(), TlsFiles.privateKeyProblem(pki.serverCert(), pki.serverKey()));
  }

  @Test
  void aFileWithNoCertificateIsNamedForIt() throws Exception {
    TestPki pki = TestPki.generate(dir, "test-ca");
    Path text = Files.writeString(dir.resolve("ca.txt"), "a CA bundle\n");
    assertEquals(
        Optional.of("found no certificates in input stream"), TlsFiles.certificatesProblem(text));
    assertTrue(
        TlsFiles.certificatesProblem(pki.clientKey()).isPresent(), "a key is no certificate");
  }

  @Test
  void anotherCertificatesKeyOfTheSameTypeIsRefused() {
    // a renewal half done: the certificate is new, the key still the old one (both EC P-256)
    TestPki pki = TestPki.generate(dir, "test-ca");
    assertEquals(
        Optional.of("not the key of the certificate in " + pki.clientCert()),
        TlsFiles.privateKeyProblem(pki.clientCert(), pki.serverKey()));
  }

  @Test
  void aKeyOfAnotherTypeIsRefused() throws Exception {
    TestPki pki = TestPki.generate(dir, "test-ca");
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    byte[] der = rsa.generateKeyPair().getPrivate().getEncoded(); // PKCS#8
    Path rsaKey =
        Files.writeString(
            dir.resolve("rsa.key"),
            "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                    .encodeToString(der)
                + "\n-----END PRIVATE KEY-----\n");
    Optional<String> problem = TlsFiles.privateKeyProblem(pki.clientCert(), rsaKey);
    assertTrue(
        problem.isPresent() && problem.get().startsWith("not the key of the certificate in "),
        String.valueOf(problem));
  }

  @Test
  void aCertificateGivenAsTheKeyIsNoKey() {
    TestPki pki = TestPki.generate(dir, "test-ca");
    Optional<String> problem = TlsFiles.privateKeyProblem(pki.clientCert(), pki.caCert());
    assertTrue(problem.isPresent(), "a certificate is no key");
  }
}
