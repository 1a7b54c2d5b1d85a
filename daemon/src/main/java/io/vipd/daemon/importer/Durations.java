package io.vipd.daemon.importer;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.OptionalLong;

/** Time values of keepalived, haproxy and HOCON. Pure functions on milliseconds. */
final class Durations {

  private Durations() {}

  /**
   * Parses a keepalived time: decimal seconds ({@code 3}, {@code 0.5}).
   *
   * @return milliseconds, or empty when the text is not a non-negative decimal number
   */
  static OptionalLong keepalivedSeconds(String text) {
    try {
      BigDecimal seconds = new BigDecimal(text.trim());
      if (seconds.signum() < 0) {
        return OptionalLong.empty();
      }
      return OptionalLong.of(
          seconds.movePointRight(3).setScale(0, java.math.RoundingMode.HALF_UP).longValueExact());
    } catch (ArithmeticException | NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  /**
   * Parses a haproxy time: a number with an optional unit {@code us ms s m h d}; no unit means
   * milliseconds (haproxy configuration manual, section 2.5).
   *
   * @return milliseconds (microseconds rounded up to a whole millisecond), or empty if malformed
   */
  static OptionalLong haproxyTime(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    int split = 0;
    while (split < t.length() && Character.isDigit(t.charAt(split))) {
      split++;
    }
    if (split == 0 || split > 12) {
      return OptionalLong.empty();
    }
    long value = Long.parseLong(t.substring(0, split));
    switch (t.substring(split)) {
      case "":
      case "ms":
        return OptionalLong.of(value);
      case "us":
        return OptionalLong.of((value + 999) / 1000);
      case "s":
        return OptionalLong.of(value * 1000);
      case "m":
        return OptionalLong.of(value * 60_000);
      case "h":
        return OptionalLong.of(value * 3_600_000);
      case "d":
        return OptionalLong.of(value * 86_400_000);
      default:
        return OptionalLong.empty();
    }
  }

  /** A HOCON duration for {@code millis} in the largest unit that keeps it exact. */
  static String hocon(long millis) {
    if (millis == 0) {
      return "0s";
    }
    if (millis % 3_600_000 == 0) {
      return millis / 3_600_000 + "h";
    }
    if (millis % 60_000 == 0) {
      return millis / 60_000 + "m";
    }
    if (millis % 1000 == 0) {
      return millis / 1000 + "s";
    }
    return millis + "ms";
  }
}
