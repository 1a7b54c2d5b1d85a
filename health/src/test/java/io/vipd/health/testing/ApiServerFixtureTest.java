package io.vipd.health.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/** The fixture itself, driven by the JDK's own TLS client so that it does not test itself. */
class ApiServerFixtureTest {

  @Test
  void watchStreamsLinesUntilTheClientGoesAway() throws Exception {
    try (ApiServerFixture api =
        ApiServerFixture.builder().watchInterval(java.time.Duration.ofMillis(20)).start()) {
      SSLContext tls = trusting(api.pki());
      try (SSLSocket socket =
          (SSLSocket) tls.getSocketFactory().createSocket(api.address().getAddress(), api.port())) {
        socket.setSoTimeout(10_000);
        OutputStream out = socket.getOutputStream();
        out.write(
            "GET /watch HTTP/1.1\r\nHost: kubernetes\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        BufferedReader in =
            new BufferedReader(
                new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("HTTP/1.1 200 OK", in.readLine());
        int events = 0;
        String line;
        while (events < 3 && (line = in.readLine()) != null) {
          if (line.startsWith("{\"type\":\"BOOKMARK\"")) {
            events++;
          }
        }
        assertEquals(3, events);
        assertEquals(1, api.openWatches());
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (api.openWatches() != 0 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertEquals(0, api.openWatches(), "the stream ends when the client closes");
    }
  }

  @Test
  void readinessFlipsBetween200And500() throws Exception {
    try (ApiServerFixture api = ApiServerFixture.start()) {
      SSLContext tls = trusting(api.pki());
      assertTrue(statusLine(tls, api, "/readyz").endsWith("200 OK"));
      api.setReady(false);
      assertTrue(statusLine(tls, api, "/healthz").endsWith("500 Internal Server Error"));
      assertTrue(statusLine(tls, api, "/other").endsWith("404 Not Found"));
    }
  }

  private static String statusLine(SSLContext tls, ApiServerFixture api, String path)
      throws Exception {
    try (SSLSocket socket =
        (SSLSocket) tls.getSocketFactory().createSocket(api.address().getAddress(), api.port())) {
      socket.setSoTimeout(10_000);
      socket
          .getOutputStream()
          .write(
              ("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      return new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
          .readLine();
    }
  }

  private static SSLContext trusting(TestPki pki) throws Exception {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    try (InputStream in = Files.newInputStream(pki.caCert())) {
      X509Certificate ca =
          (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
      store.setCertificateEntry("ca", ca);
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return context;
  }
}
