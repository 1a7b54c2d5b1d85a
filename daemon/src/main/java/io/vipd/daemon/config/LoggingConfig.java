package io.vipd.daemon.config;

/**
 * The {@code logging} section.
 *
 * @param level one of error, warn, info, debug, trace
 */
public record LoggingConfig(String level) {}
