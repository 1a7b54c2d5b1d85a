package io.vipd.daemon.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vipd.daemon.config.AdminConfig;
import io.vipd.daemon.config.HostPort;
import io.vipd.daemon.config.Secret;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a web page could make a browser send to the admin port is refused: a change carrying an
 * Origin header (a cross-site POST needs no preflight), and, with no token set, a request addressed
 * by a name (DNS rebinding); curl's, probes' and vipd's own requests pass.
 */
@Timeout(60)
class AdminBrowserGuardTest {

  private final AtomicInteger reloads = new AtomicInteger();

  private AdminServer start(Optional<String> token) throws Exception {
    return AdminServer.start(
        new AdminConfig(true, new HostPort("127.0.0.1", 0), token.map(Secret::new)),
        new AdminServerTest.EmptyContent() {
          @Override
          public io.vipd.daemon.reload.ReloadResult reload() {
            reloads.incrementAndGet();
            return super.reload();
          }
        });
  }

  @Test
  void withoutATokenOnlyDirectAddressesAreAnsweredAndNoPageMayPost() throws Exception {
    try (AdminServer server = start(Optional.empty())) {
      int port = server.address().getPort();
      for (String host : List.of("127.0.0.1", "127.0.0.1:" + port, "localhost:" + port, "[::1]")) {
        RawHttp.Response r =
            RawHttp.requestWith("GET", "127.0.0.1", port, "/status", null, "Host: " + host);
        assertEquals(200, r.status(), host);
      }
      RawHttp.Response rebound =
          RawHttp.requestWith(
              "GET", "127.0.0.1", port, "/status", null, "Host: rebound.example:" + port);
      assertEquals(403, rebound.status());
      assertTrue(rebound.body().contains("IP address or localhost"), rebound.body());

      RawHttp.Response fromPage =
          RawHttp.requestWith(
              "POST",
              "127.0.0.1",
              port,
              "/reload",
              null,
              "Host: 127.0.0.1:" + port,
              "Origin: http://attacker.example");
      assertEquals(403, fromPage.status());
      assertEquals(0, reloads.get(), "not reloaded");
      RawHttp.Response curl = RawHttp.request("POST", "127.0.0.1", port, "/reload", null);
      assertEquals(200, curl.status());
      assertEquals(1, reloads.get());
    }
  }

  @Test
  void withATokenAPageStillCannotPostButNamesAreAnswered() throws Exception {
    try (AdminServer server = start(Optional.of("s3cret"))) {
      int port = server.address().getPort();
      RawHttp.Response fromPage =
          RawHttp.requestWith(
              "POST",
              "127.0.0.1",
              port,
              "/reload",
              "s3cret",
              "Host: 127.0.0.1",
              "Origin: http://attacker.example");
      assertEquals(403, fromPage.status());
      assertEquals(0, reloads.get());
      RawHttp.Response named =
          RawHttp.requestWith("GET", "127.0.0.1", port, "/status", "s3cret", "Host: node-1:9100");
      assertEquals(200, named.status(), "the token guards it");
    }
  }

  @Test
  void hostHeaderForms() {
    for (String ok :
        List.of("127.0.0.1", "10.0.0.5:9100", "[::1]", "[fe80::1%25eth0]:80", "LOCALHOST:1")) {
      assertTrue(BrowserGuard.addressedDirectly(ok), ok);
    }
    for (String bad :
        List.of("evil.example", "127.0.0.1.nip.io", "localhost.evil:80", "[::1]x", "1.2.3.4:x")) {
      assertFalse(BrowserGuard.addressedDirectly(bad), bad);
    }
  }
}
