package io.vipd.daemon.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * haproxy's runtime API on a Unix socket ({@code stats socket}): the same commands and answers, so
 * that the scripts and exporters written for haproxy's socket work against vipd unchanged.
 *
 * @param path where the socket is created; empty: no socket
 * @param mode its permission bits (haproxy's {@code mode}, octal in the file)
 * @param level what a session may do (haproxy's {@code level}; its default is operator)
 * @param timeout an idle session is closed after this (haproxy's {@code stats timeout})
 */
public record StatsSocketConfig(Optional<Path> path, int mode, CliLevel level, Duration timeout) {

  /** No socket. */
  public static StatsSocketConfig off() {
    return new StatsSocketConfig(Optional.empty(), 0600, CliLevel.OPERATOR, Duration.ofSeconds(10));
  }
}
