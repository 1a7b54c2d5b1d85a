package io.vipd.daemon.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * The admin token check: {@code Authorization: Bearer <token>}, compared in constant time. With no
 * token configured every request is accepted.
 */
final class BearerToken {

  private static final String SCHEME = "Bearer ";

  private final Optional<byte[]> expected;

  BearerToken(Optional<String> token) {
    this.expected = token.map(t -> t.getBytes(StandardCharsets.UTF_8));
  }

  boolean required() {
    return expected.isPresent();
  }

  /** Whether a request with this {@code Authorization} header (null when absent) may pass. */
  boolean accepts(String authorization) {
    if (expected.isEmpty()) {
      return true;
    }
    if (authorization == null
        || !authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
      return false;
    }
    byte[] given = authorization.substring(SCHEME.length()).trim().getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(expected.get(), given);
  }
}
