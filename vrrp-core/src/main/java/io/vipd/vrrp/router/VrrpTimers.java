package io.vipd.vrrp.router;

import io.vipd.vrrp.packet.VrrpVersion;

/**
 * The RFC timer formulas, in nanoseconds, computed with integer arithmetic so that the results are
 * exact (v2 always; v3 except for a possible half nanosecond, truncated).
 *
 * <p>VRRPv2 (RFC 3768 6.1): {@code Skew_Time = (256 - Priority) / 256} seconds, independent of the
 * interval; {@code Master_Down_Interval = 3 * Advertisement_Interval + Skew_Time}.
 *
 * <p>VRRPv3 (RFC 9568 6.1): {@code Skew_Time = ((256 - Priority) * Master_Adver_Interval) / 256};
 * {@code Master_Down_Interval = 3 * Master_Adver_Interval + Skew_Time}, where Master_Adver_Interval
 * is learned from the master's adverts.
 *
 * <p>Callers pass the <em>effective</em> priority (after tracking), as keepalived does, and for v2
 * the router's own interval (v2 discards adverts with another interval).
 *
 * <p>Worked numbers: v2, priority 100, 1 s: skew 609.375 ms, down interval 3.609375 s; v3, priority
 * 200, 100 cs: skew 218.75 ms, down interval 3.21875 s.
 */
public final class VrrpTimers {

  /** Nanoseconds in one centisecond. */
  public static final long NANOS_PER_CENTI = 10_000_000L;

  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private VrrpTimers() {}

  /** Converts centiseconds to nanoseconds. */
  public static long centisToNanos(int centis) {
    return centis * NANOS_PER_CENTI;
  }

  /**
   * Skew_Time in nanoseconds.
   *
   * @param version VRRP version
   * @param priority the effective priority, 0..255
   * @param masterAdverIntervalCentis v3: the learned Master_Adver_Interval; v2: ignored (the v2
   *     skew does not depend on the interval)
   */
  public static long skewTimeNanos(
      VrrpVersion version, int priority, int masterAdverIntervalCentis) {
    checkArguments(priority, masterAdverIntervalCentis);
    long weight = 256L - priority;
    if (version == VrrpVersion.V2) {
      return weight * NANOS_PER_SECOND / 256;
    }
    return weight * centisToNanos(masterAdverIntervalCentis) / 256;
  }

  /**
   * Master_Down_Interval in nanoseconds.
   *
   * @param version VRRP version
   * @param priority the effective priority, 0..255
   * @param masterAdverIntervalCentis v3: the learned Master_Adver_Interval; v2: the router's own
   *     Advertisement_Interval
   */
  public static long masterDownIntervalNanos(
      VrrpVersion version, int priority, int masterAdverIntervalCentis) {
    return 3 * centisToNanos(masterAdverIntervalCentis)
        + skewTimeNanos(version, priority, masterAdverIntervalCentis);
  }

  private static void checkArguments(int priority, int intervalCentis) {
    if (priority < 0 || priority > 255) {
      throw new IllegalArgumentException("priority must be 0..255, got " + priority);
    }
    if (intervalCentis <= 0) {
      throw new IllegalArgumentException("interval must be positive, got " + intervalCentis);
    }
  }
}
