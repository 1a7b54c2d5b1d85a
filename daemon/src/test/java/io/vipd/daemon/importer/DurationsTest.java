package io.vipd.daemon.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class DurationsTest {

  @Test
  void haproxyTimesDefaultToMilliseconds() {
    assertEquals(OptionalLong.of(5000), Durations.haproxyTime("5000"));
    assertEquals(OptionalLong.of(5000), Durations.haproxyTime("5s"));
    assertEquals(OptionalLong.of(60_000), Durations.haproxyTime("1m"));
    assertEquals(OptionalLong.of(3_600_000), Durations.haproxyTime("1h"));
    assertEquals(OptionalLong.of(1), Durations.haproxyTime("500us"));
    assertEquals(OptionalLong.empty(), Durations.haproxyTime("5x"));
    assertEquals(OptionalLong.empty(), Durations.haproxyTime("s"));
  }

  @Test
  void haproxyTimesBeyondWhatHaproxyTakesAreRefusedNotWrappedAround() {
    // haproxy 2.6: "timer overflow in argument '30d' ... (maximum value is 2147483647 ms)"
    assertEquals(OptionalLong.of(2_147_483_647L), Durations.haproxyTime("2147483647"));
    assertEquals(OptionalLong.empty(), Durations.haproxyTime("2147483648"));
    assertEquals(OptionalLong.of(24L * 86_400_000), Durations.haproxyTime("24d"));
    assertEquals(OptionalLong.empty(), Durations.haproxyTime("30d"));
    // twelve digits of days: 8.6e19 ms would wrap a long to a negative time
    assertEquals(OptionalLong.empty(), Durations.haproxyTime("999999999999d"));
  }

  @Test
  void keepalivedSecondsMayBeDecimal() {
    assertEquals(OptionalLong.of(500), Durations.keepalivedSeconds("0.5"));
    assertEquals(OptionalLong.of(3000), Durations.keepalivedSeconds("3"));
    assertEquals(OptionalLong.empty(), Durations.keepalivedSeconds("-1"));
    assertEquals(OptionalLong.empty(), Durations.keepalivedSeconds("abc"));
  }

  @Test
  void keepalivedSecondsTakePlainDecimalsOnlySoHugeExponentsCannotHang() {
    assertTimeoutPreemptively(
        java.time.Duration.ofSeconds(10),
        () -> assertEquals(OptionalLong.empty(), Durations.keepalivedSeconds("1e300000000")));
    assertEquals(OptionalLong.empty(), Durations.keepalivedSeconds("1e3"));
    assertEquals(OptionalLong.empty(), Durations.keepalivedSeconds("+1"));
    assertEquals(OptionalLong.empty(), Durations.keepalivedSeconds("99999999999999999999"));
    assertEquals(OptionalLong.of(2500), Durations.keepalivedSeconds(" 2.5 "));
  }

  @Test
  void hoconUsesTheLargestExactUnit() {
    assertEquals("0s", Durations.hocon(0));
    assertEquals("250ms", Durations.hocon(250));
    assertEquals("3s", Durations.hocon(3000));
    assertEquals("2m", Durations.hocon(120_000));
    assertEquals("1h", Durations.hocon(3_600_000));
  }
}
