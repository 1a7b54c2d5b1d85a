package io.vipd.daemon.config;

/**
 * The {@code logging} section.
 *
 * @param level one of error, warn, info, debug, trace
 * @param connections whether every closed proxy connection is logged, one line each in haproxy's
 *     {@code option tcplog} format
 */
public record LoggingConfig(String level, boolean connections) {}
