package io.vipd.daemon.manifest;

/** A tiny YAML text writer: two-space indents, comments, list items, safe scalar quoting. */
final class Yaml {

  private final StringBuilder out = new StringBuilder();

  void line(int level, String text) {
    out.append("  ".repeat(level)).append(text).append('\n');
  }

  void item(int level, String scalar) {
    line(level, "- " + quote(scalar));
  }

  void comment(String text) {
    comment(0, text);
  }

  void comment(int level, String text) {
    line(level, "# " + text);
  }

  /**
   * {@code s} as a YAML scalar: plain when it is made only of characters that cannot change its
   * meaning or type, otherwise double-quoted with {@code \} and {@code "} escaped.
   */
  static String quote(String s) {
    boolean plain =
        !s.isEmpty()
            && s.matches("[A-Za-z0-9/_.-][A-Za-z0-9/_.=+:-]*")
            && !s.endsWith(":")
            && !s.matches("(?i)y|n|true|false|yes|no|on|off|null|[-+]?[0-9._]+([eE][-+]?[0-9]+)?");
    if (plain) {
      return s;
    }
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  @Override
  public String toString() {
    return out.toString();
  }
}
