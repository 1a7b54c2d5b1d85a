package io.vipd.daemon.importer;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/** Time values of keepalived, haproxy and HOCON. Pure functions on milliseconds. */
final class Durations {

  /**
   * Plain decimal digits with an optional fraction: no sign, no exponent. An exponent such as
   * {@code 1e300000000} would make BigDecimal build a number of 300 million digits (a hang). Nine
   * whole digits (31 years of seconds) keep every later product in a long.
   */
  private static final Pattern PLAIN_DECIMAL = Pattern.compile("[0-9]{1,9}(\\.[0-9]{1,18})?");

  private Durations() {}

  /**
   * A non-negative decimal number written as keepalived and curl write times ({@code 3}, {@code
   * 0.5}); empty for anything else, including exponents, more than 9 whole digits or more than 18
   * decimals.
   */
  static Optional<BigDecimal> plainDecimal(String text) {
    String t = text.trim();
    return PLAIN_DECIMAL.matcher(t).matches() ? Optional.of(new BigDecimal(t)) : Optional.empty();
  }

  /**
   * Parses a keepalived time: decimal seconds ({@code 3}, {@code 0.5}).
   *
   * @return milliseconds, or empty when the text is not a non-negative decimal number
   */
  static OptionalLong keepalivedSeconds(String text) {
    Optional<BigDecimal> seconds = plainDecimal(text);
    if (seconds.isEmpty()) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(
          seconds
              .get()
              .movePointRight(3)
              .setScale(0, java.math.RoundingMode.HALF_UP)
              .longValueExact());
    } catch (ArithmeticException e) {
      return OptionalLong.empty();
    }
  }

  /** haproxy's longest time: larger values are a "timer overflow" error in its config check. */
  static final long HAPROXY_MAX_MILLIS = Integer.MAX_VALUE;

  /**
   * Parses a haproxy time: a number with an optional unit {@code us ms s m h d}; no unit means
   * milliseconds (haproxy configuration manual, section 2.5).
   *
   * @return milliseconds (microseconds rounded up to a whole millisecond), or empty if malformed or
   *     beyond {@link #HAPROXY_MAX_MILLIS}, which haproxy refuses
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
    String unit = t.substring(split);
    if (unit.equals("us")) {
      long millis = (value + 999) / 1000;
      return millis > HAPROXY_MAX_MILLIS ? OptionalLong.empty() : OptionalLong.of(millis);
    }
    long factor =
        switch (unit) {
          case "", "ms" -> 1;
          case "s" -> 1000;
          case "m" -> 60_000;
          case "h" -> 3_600_000;
          case "d" -> 86_400_000;
          default -> 0;
        };
    // compared before multiplying: twelve digits of days would wrap a long around
    return factor == 0 || value > HAPROXY_MAX_MILLIS / factor
        ? OptionalLong.empty()
        : OptionalLong.of(value * factor);
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
