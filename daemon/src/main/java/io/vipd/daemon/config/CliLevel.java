package io.vipd.daemon.config;

import java.util.Locale;

/**
 * What a stats-socket session may do, haproxy's {@code level}: {@code user} and {@code operator}
 * read ({@code show stat}, {@code show info}, {@code get weight}), {@code admin} also changes
 * servers (state, weight, maxconn, sessions), as haproxy requires for those commands.
 */
public enum CliLevel {
  USER,
  OPERATOR,
  ADMIN;

  /** As written in the configuration and printed by {@code show cli level}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
