package io.vipd.vrrp.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vipd.vrrp.packet.VrrpVersion;
import org.junit.jupiter.api.Test;

class VrrpTimersTest {

  @Test
  void v2Priority100OneSecond() {
    assertEquals(609_375_000L, VrrpTimers.skewTimeNanos(VrrpVersion.V2, 100, 100));
    assertEquals(3_609_375_000L, VrrpTimers.masterDownIntervalNanos(VrrpVersion.V2, 100, 100));
  }

  @Test
  void v2SkewDoesNotDependOnTheInterval() {
    assertEquals(609_375_000L, VrrpTimers.skewTimeNanos(VrrpVersion.V2, 100, 300));
    assertEquals(9_609_375_000L, VrrpTimers.masterDownIntervalNanos(VrrpVersion.V2, 100, 300));
  }

  @Test
  void v3Priority200HundredCentis() {
    assertEquals(218_750_000L, VrrpTimers.skewTimeNanos(VrrpVersion.V3, 200, 100));
    assertEquals(3_218_750_000L, VrrpTimers.masterDownIntervalNanos(VrrpVersion.V3, 200, 100));
  }

  @Test
  void v3Priority200TenCentis() {
    assertEquals(21_875_000L, VrrpTimers.skewTimeNanos(VrrpVersion.V3, 200, 10));
    assertEquals(321_875_000L, VrrpTimers.masterDownIntervalNanos(VrrpVersion.V3, 200, 10));
  }

  @Test
  void v3SkewScalesWithTheLearnedInterval() {
    // (256 - 100) * 50 cs / 256 = 30.46875 cs
    assertEquals(304_687_500L, VrrpTimers.skewTimeNanos(VrrpVersion.V3, 100, 50));
    assertEquals(1_804_687_500L, VrrpTimers.masterDownIntervalNanos(VrrpVersion.V3, 100, 50));
  }

  @Test
  void ownerAndExtremes() {
    assertEquals(3_906_250L, VrrpTimers.skewTimeNanos(VrrpVersion.V2, 255, 100));
    assertEquals(1_000_000_000L, VrrpTimers.skewTimeNanos(VrrpVersion.V2, 0, 100));
    // 1 * 1 cs / 256 = 39062.5 ns: the half nanosecond is truncated
    assertEquals(39_062L, VrrpTimers.skewTimeNanos(VrrpVersion.V3, 255, 1));
    // the largest v3 interval does not overflow: 255 * 40.95 s / 256
    assertEquals(40_790_039_062L, VrrpTimers.skewTimeNanos(VrrpVersion.V3, 1, 4095));
  }

  @Test
  void rejectsImpossibleArguments() {
    assertThrows(
        IllegalArgumentException.class, () -> VrrpTimers.skewTimeNanos(VrrpVersion.V3, 256, 100));
    assertThrows(
        IllegalArgumentException.class, () -> VrrpTimers.skewTimeNanos(VrrpVersion.V3, -1, 100));
    assertThrows(
        IllegalArgumentException.class,
        () -> VrrpTimers.masterDownIntervalNanos(VrrpVersion.V3, 100, 0));
  }
}
