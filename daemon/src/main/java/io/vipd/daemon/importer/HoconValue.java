package io.vipd.daemon.importer;

/**
 * A scalar already rendered as HOCON text.
 *
 * @param text the HOCON source of the value, e.g. {@code "eth0"} (quoted), {@code 51}, {@code 3s}
 */
record HoconValue(String text) implements HoconNode {

  static HoconValue string(String s) {
    return new HoconValue(quote(s));
  }

  /**
   * A keyword value such as {@code master} or {@code roundrobin}, written without quotes when HOCON
   * reads it back as the same string.
   */
  static HoconValue word(String s) {
    boolean bare =
        s.matches("[a-z][a-z0-9-]*")
            && !java.util.Set.of("true", "false", "null", "yes", "no", "on", "off").contains(s);
    return bare ? new HoconValue(s) : string(s);
  }

  static HoconValue number(long n) {
    return new HoconValue(Long.toString(n));
  }

  static HoconValue bool(boolean b) {
    return new HoconValue(Boolean.toString(b));
  }

  static HoconValue duration(long millis) {
    return new HoconValue(Durations.hocon(millis));
  }

  /** A JSON string literal, which HOCON reads unchanged. */
  static String quote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"':
          b.append("\\\"");
          break;
        case '\\':
          b.append("\\\\");
          break;
        case '\n':
          b.append("\\n");
          break;
        case '\t':
          b.append("\\t");
          break;
        case '\r':
          b.append("\\r");
          break;
        default:
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
      }
    }
    return b.append('"').toString();
  }
}
