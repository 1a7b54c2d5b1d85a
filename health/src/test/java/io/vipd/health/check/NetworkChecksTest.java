package io.vipd.health.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import io.vipd.health.CheckResult;
import io.vipd.health.HealthCheck;
import io.vipd.health.testing.ApiServerFixture;
import io.vipd.health.testing.SilentServer;
import io.vipd.health.testing.TestPki;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TCP, TLS and HTTP(S) checks over real loopback sockets. */
class NetworkChecksTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final Duration SHORT = Duration.ofMillis(300);

  private static EventLoopGroup group;
  private static ApiServerFixture https;
  private static ApiServerFixture http;
  private static TestPki otherCa;
  @TempDir static Path tmp;

  @BeforeAll
  static void start() {
    group = CheckExecutors.newEventLoopGroup(2, "checks-test");
    https = ApiServerFixture.start();
    http = ApiServerFixture.builder().plainHttp().start();
    otherCa = TestPki.generate(tmp.resolve("other"), "some-other-ca");
  }

  @AfterAll
  static void stop() {
    http.close();
    https.close();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  @BeforeEach
  void ready() {
    https.setReady(true);
    http.setReady(true);
  }

  private static CheckResult run(HealthCheck check, Duration timeout) {
    return check.run(timeout).orTimeout(30, TimeUnit.SECONDS).join();
  }

  private static void assertHealthy(CheckResult r, String detailStart) {
    assertTrue(r.healthy(), r.detail());
    assertTrue(r.detail().startsWith(detailStart), r.detail());
    assertTrue(r.durationNanos() > 0);
  }

  private static void assertUnhealthy(CheckResult r, String detailStart) {
    assertFalse(r.healthy(), r.detail());
    assertTrue(r.detail().startsWith(detailStart), r.detail());
  }

  // ---- TCP

  @Test
  void tcpConnectsToAListener() {
    assertHealthy(run(new TcpCheck(group, https.address()), TIMEOUT), "connected");
  }

  @Test
  void tcpRefusedPort() {
    CheckResult r = run(new TcpCheck(group, SilentServer.refusedAddress()), TIMEOUT);
    assertUnhealthy(r, "connection refused");
  }

  @Test
  void tcpSucceedsAgainstAHungServerBecauseTheKernelAccepts() {
    try (SilentServer silent = new SilentServer()) {
      assertHealthy(run(new TcpCheck(group, silent.address()), TIMEOUT), "connected");
    }
  }

  // ---- TLS

  @Test
  void tlsHandshakeTrustingTheCaFile() {
    TlsCheck check =
        new TlsCheck(group, https.address(), TlsOptions.trusting(https.pki().caCert()));
    assertHealthy(run(check, TIMEOUT), "TLS handshake ok (TLSv1.3");
  }

  @Test
  void tlsInsecureAcceptsAnyCertificate() {
    TlsCheck check = new TlsCheck(group, https.address(), TlsOptions.insecureTrust());
    assertHealthy(run(check, TIMEOUT), "TLS handshake ok");
  }

  @Test
  void tlsWrongCaFails() {
    TlsCheck check = new TlsCheck(group, https.address(), TlsOptions.trusting(otherCa.caCert()));
    assertUnhealthy(run(check, TIMEOUT), "TLS handshake failed");
  }

  @Test
  void tlsAgainstAPlainTextServerFails() {
    TlsCheck check = new TlsCheck(group, http.address(), TlsOptions.insecureTrust());
    // The fixture answers the ClientHello with a plain-text HTTP 400.
    assertUnhealthy(run(check, TIMEOUT), "TLS handshake failed: not a TLS server");
  }

  @Test
  void tlsHungServerTimesOutInTheHandshake() {
    try (SilentServer silent = new SilentServer()) {
      TlsCheck check = new TlsCheck(group, silent.address(), TlsOptions.insecureTrust());
      CheckResult r = run(check, SHORT);
      assertEquals("timeout after 300 ms (TLS handshake)", r.detail());
      assertFalse(r.healthy());
    }
  }

  @Test
  void tlsRefusedPort() {
    TlsCheck check = new TlsCheck(group, SilentServer.refusedAddress(), TlsOptions.insecureTrust());
    assertUnhealthy(run(check, TIMEOUT), "connection refused");
  }

  @Test
  void tlsHostnameVerificationUsesTheServerName() {
    TlsOptions ca = TlsOptions.trusting(https.pki().caCert()).withHostnameVerification();
    assertHealthy(
        run(new TlsCheck(group, https.address(), ca.withServerName("localhost")), TIMEOUT),
        "TLS handshake ok");
    assertHealthy(run(new TlsCheck(group, https.address(), ca), TIMEOUT), "TLS handshake ok");
    assertUnhealthy(
        run(new TlsCheck(group, https.address(), ca.withServerName("evil.example")), TIMEOUT),
        "TLS handshake failed");
  }

  // ---- HTTP(S)

  @Test
  void httpsReadyzTrustingTheCaFile() {
    HttpCheck check =
        HttpCheck.readyz(group, https.address(), TlsOptions.trusting(https.pki().caCert()));
    assertHealthy(run(check, TIMEOUT), "HTTP 200");
    assertEquals("127.0.0.1:" + https.port(), https.lastHostHeader());
    assertEquals("https://127.0.0.1:" + https.port() + "/readyz", check.describe());
  }

  @Test
  void httpsReadyz500IsUnhealthyWithTheBodyInTheDetail() {
    https.setReady(false);
    HttpCheck check = HttpCheck.readyz(group, https.address(), TlsOptions.insecureTrust());
    CheckResult r = run(check, TIMEOUT);
    assertUnhealthy(r, "HTTP 500 (expected 200): [-]etcd failed");
    https.setReady(true);
    assertHealthy(run(check, TIMEOUT), "HTTP 200");
  }

  @Test
  void httpsInsecureSucceeds() {
    assertHealthy(
        run(HttpCheck.readyz(group, https.address(), TlsOptions.insecureTrust()), TIMEOUT),
        "HTTP 200");
  }

  @Test
  void httpsWrongCaFails() {
    HttpCheck check =
        HttpCheck.readyz(group, https.address(), TlsOptions.trusting(otherCa.caCert()));
    assertUnhealthy(run(check, TIMEOUT), "TLS handshake failed");
  }

  @Test
  void httpsAgainstAPlainServerFails() {
    CheckResult r =
        run(HttpCheck.readyz(group, http.address(), TlsOptions.insecureTrust()), TIMEOUT);
    assertUnhealthy(r, "TLS handshake failed: not a TLS server");
  }

  @Test
  void plainHttpAgainstATlsServerFails() {
    // The server's TLS layer drops a connection that does not start with a TLS record.
    CheckResult r = run(HttpCheck.readyz(group, https.address(), null), TIMEOUT);
    assertUnhealthy(r, "connection closed");
  }

  @Test
  void plainHttpWithHostHeaderPathAndExpectedStatus() {
    HttpCheck healthz = new HttpCheck(group, http.address(), "kubernetes", "/healthz", 200, null);
    assertHealthy(run(healthz, TIMEOUT), "HTTP 200");
    assertEquals("kubernetes", http.lastHostHeader());

    HttpCheck missing = new HttpCheck(group, http.address(), null, "/nope", 200, null);
    assertUnhealthy(run(missing, TIMEOUT), "HTTP 404 (expected 200)");
    HttpCheck expect404 = new HttpCheck(group, http.address(), null, "/nope", 404, null);
    assertHealthy(run(expect404, TIMEOUT), "HTTP 404");
  }

  @Test
  void httpHungServerTimesOutWaitingForTheResponse() {
    try (SilentServer silent = new SilentServer()) {
      CheckResult plain = run(HttpCheck.readyz(group, silent.address(), null), SHORT);
      assertEquals("timeout after 300 ms (waiting for response)", plain.detail());
      CheckResult tls =
          run(HttpCheck.readyz(group, silent.address(), TlsOptions.insecureTrust()), SHORT);
      assertEquals("timeout after 300 ms (TLS handshake)", tls.detail());
    }
  }

  @Test
  void httpsRefusedPort() {
    CheckResult r =
        run(
            HttpCheck.readyz(group, SilentServer.refusedAddress(), TlsOptions.insecureTrust()),
            TIMEOUT);
    assertUnhealthy(r, "connection refused");
  }

  @Test
  void httpsClientCertificateForMutualTls() {
    try (ApiServerFixture mtls = ApiServerFixture.builder().requireClientCertificate().start()) {
      TlsOptions ca = TlsOptions.trusting(mtls.pki().caCert());
      CheckResult anonymous = run(HttpCheck.readyz(group, mtls.address(), ca), TIMEOUT);
      assertFalse(anonymous.healthy(), anonymous.detail());
      assertTrue(anonymous.detail().contains("TLS") || anonymous.detail().startsWith("connection"));

      TestPki pki = mtls.pki();
      HttpCheck withCert =
          HttpCheck.readyz(
              group, mtls.address(), ca.withClientCertificate(pki.clientCert(), pki.clientKey()));
      assertHealthy(run(withCert, TIMEOUT), "HTTP 200");
    }
  }

  @Test
  void unreadableCaFileIsAConfigurationError() throws Exception {
    Path bogus = Files.writeString(tmp.resolve("bogus.pem"), "not a certificate");
    InetSocketAddress target = https.address();
    org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class,
        () -> new TlsCheck(group, target, TlsOptions.trusting(bogus)));
  }

  @Test
  void aCheckCanRunManyTimesAndEachRunUsesItsOwnConnection() {
    HttpCheck check =
        HttpCheck.readyz(group, https.address(), TlsOptions.trusting(https.pki().caCert()));
    long before = https.connectionCount();
    for (int i = 0; i < 20; i++) {
      assertHealthy(run(check, TIMEOUT), "HTTP 200");
    }
    assertEquals(before + 20, https.connectionCount());
  }
}
