package io.vipd.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Which timeout governs a side, as haproxy's read and write timeouts would. */
class SessionTimeoutsTest {

  private static SessionTimeouts timeouts(long tunnelMs, long clientFinMs, long serverFinMs) {
    return new SessionTimeouts(
        new ProxyTimeouts(
            Duration.ofSeconds(5),
            Duration.ofSeconds(50),
            Duration.ofSeconds(60),
            Duration.ofMillis(tunnelMs),
            Duration.ofMillis(clientFinMs),
            Duration.ofMillis(serverFinMs)));
  }

  @Test
  void openAndQuietTheNormalTimeoutGoverns() {
    SessionTimeouts t = timeouts(0, 300, 400);
    assertEquals(TimeoutKind.CLIENT, t.clientKind(true, false, false));
    assertEquals(TimeoutKind.SERVER, t.serverKind(true, false, false));
    assertEquals(TimeoutKind.TUNNEL, timeouts(3_600_000, 300, 400).clientKind(true, false, false));
  }

  @Test
  void aSideTheOthersFinReachedWaitsForItsOwnEndUnderItsFinTimeout() {
    SessionTimeouts t = timeouts(3_600_000, 300, 400);
    assertEquals(TimeoutKind.CLIENT_FIN, t.clientKind(true, false, true));
    assertEquals(TimeoutKind.SERVER_FIN, t.serverKind(true, false, true));
    assertEquals(
        TimeoutKind.TUNNEL,
        timeouts(3_600_000, 0, 0).clientKind(true, false, true),
        "no client-fin: the normal timeout goes on");
  }

  @Test
  void aSendHeldUpKeepsTheNormalTimeoutHalfClosedOrNot() {
    SessionTimeouts t = timeouts(0, 300, 400);
    // the client sent its FIN and stopped reading: haproxy's write timeout, timeout client
    assertEquals(TimeoutKind.CLIENT, t.clientKind(false, true, false));
    // the server's last bytes and FIN wait for a slow client: still timeout client
    assertEquals(TimeoutKind.CLIENT, t.clientKind(true, true, false));
    assertEquals(TimeoutKind.SERVER, t.serverKind(false, true, false));
  }

  @Test
  void aSideThatSentItsFinWithNothingHeldCannotExpire() {
    SessionTimeouts t = timeouts(0, 300, 400);
    assertNull(t.clientKind(false, false, false));
    assertNull(t.clientKind(false, false, true));
    assertNull(t.serverKind(false, false, true));
  }

  @Test
  void recheckUsesTheShorterNormalTimeout() {
    assertEquals(Duration.ofSeconds(50).toNanos(), timeouts(0, 300, 400).recheckNanos());
    assertEquals(Duration.ofHours(1).toNanos(), timeouts(3_600_000, 0, 0).recheckNanos());
  }
}
