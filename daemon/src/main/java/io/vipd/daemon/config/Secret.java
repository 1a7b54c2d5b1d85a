package io.vipd.daemon.config;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A configured secret (VRRP password, admin token). Its {@link #toString()} never shows the value,
 * so records holding it can be logged safely; only {@link #reveal()} hands it out, to the code that
 * puts it on the wire or compares it.
 */
public final class Secret {

  private static final String REDACTED = "<redacted>";

  private final String value;

  public Secret(String value) {
    this.value = Objects.requireNonNull(value, "value");
  }

  /** The secret itself; call only where it is used, never to print it. */
  public String reveal() {
    return value;
  }

  /** The secret as UTF-8 bytes (VRRPv2 carries the first 8 of them). */
  public byte[] utf8() {
    return value.getBytes(StandardCharsets.UTF_8);
  }

  /** Always {@code <redacted>}. */
  @Override
  public String toString() {
    return REDACTED;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Secret s && s.value.equals(value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }
}
