package io.vipd.daemon.admin;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders a parsed {@code /status} document ({@link StatusJson}) as the tables {@code vipd status}
 * prints: a block per VRRP instance like FRR's {@code show vrrp} ({@link InstanceBlock}), tracked
 * checks, and frontends and servers like haproxy's {@code show stat} ({@link ProxyStatTable}).
 */
public final class StatusTable {

  private StatusTable() {}

  /**
   * @param status the document as {@link JsonReader#parse} returns it
   * @return the tables, sections separated by a blank line
   */
  public static String render(Map<String, Object> status) {
    StringBuilder sb = new StringBuilder();
    boolean ready = Boolean.TRUE.equals(status.get("ready"));
    sb.append("vipd: ")
        .append(
            ready ? "ready" : "NOT READY: " + String.join(", ", strings(status.get("notReady"))))
        .append('\n');
    for (Map<String, Object> i : objects(status.get("instances"))) {
      sb.append('\n');
      InstanceBlock.appendTo(sb, i);
    }
    List<Map<String, Object>> checks = objects(status.get("checks"));
    if (!checks.isEmpty()) {
      TextTable t = new TextTable("CHECK", "STATE", "LAST RESULT", "DURATION", "RUNS", "TARGET");
      for (Map<String, Object> c : checks) {
        checkRow(t, String.valueOf(c.get("name")), c);
      }
      section(sb, t);
    }
    if (status.get("proxy") instanceof Map<?, ?> proxy) {
      section(
          sb,
          ProxyStatTable.frontends(
              objects(proxy.get("frontends")), objects(proxy.get("backends"))));
      section(sb, ProxyStatTable.servers(objects(proxy.get("servers"))));
    }
    return sb.toString();
  }

  private static void checkRow(TextTable t, String name, Map<String, Object> c) {
    Object last = c.get("lastResult");
    String result = "-";
    String duration = "-";
    if (last instanceof Map<?, ?> r) {
      result = (Boolean.TRUE.equals(r.get("healthy")) ? "ok: " : "failed: ") + r.get("detail");
      duration = millis(r.get("durationMillis"));
    }
    t.row(name, upper(c.get("state")), result, duration, c.get("runs"), c.get("target"));
  }

  private static void section(StringBuilder sb, TextTable t) {
    sb.append('\n');
    t.appendTo(sb);
  }

  static String millis(Object v) {
    return v instanceof Number n ? String.format(Locale.ROOT, "%.1fms", n.doubleValue()) : "-";
  }

  static String upper(Object v) {
    return v == null ? null : String.valueOf(v).toUpperCase(Locale.ROOT);
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> objects(Object v) {
    if (!(v instanceof List<?> l)) {
      return List.of();
    }
    return l.stream()
        .filter(o -> o instanceof Map<?, ?>)
        .map(o -> (Map<String, Object>) o)
        .toList();
  }

  private static List<String> strings(Object v) {
    return v instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of();
  }
}
