package io.vipd.daemon.admin;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders a parsed {@code /status} document ({@link StatusJson}) as the tables {@code vipd status}
 * prints: VRRP instances with their priority breakdown, tracked checks, frontends and servers.
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
    List<Map<String, Object>> instances = objects(status.get("instances"));
    if (!instances.isEmpty()) {
      TextTable t =
          new TextTable(
              "INSTANCE", "INTERFACE", "VRID", "STATE", "PRIORITY", "MASTER", "BREAKDOWN");
      for (Map<String, Object> i : instances) {
        t.row(
            i.get("name"),
            i.get("interface"),
            i.get("vrid"),
            upper(i.get("state"))
                + (Boolean.TRUE.equals(i.get("maintenance")) ? " (MAINTENANCE)" : ""),
            i.get("effectivePriority") + "/" + i.get("priority"),
            i.get("master"),
            i.get("breakdown"));
      }
      section(sb, t);
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
      TextTable f =
          new TextTable("FRONTEND", "ACTIVE", "ACCEPTED", "REFUSED", "BYTES IN", "BYTES OUT");
      for (Map<String, Object> fe : objects(proxy.get("frontends"))) {
        f.row(
            fe.get("name"),
            fe.get("activeConnections"),
            fe.get("accepted"),
            fe.get("refused"),
            fe.get("bytesIn"),
            fe.get("bytesOut"));
      }
      section(sb, f);
      TextTable s =
          new TextTable(
              "SERVER",
              "STATE",
              "WEIGHT",
              "ACTIVE",
              "CONNECTIONS",
              "CONNECT FAILURES",
              "LAST CHECK");
      for (Map<String, Object> sv : objects(proxy.get("servers"))) {
        String check = "-";
        if (sv.get("check") instanceof Map<?, ?> c && c.get("lastResult") instanceof Map<?, ?> r) {
          check = r.get("detail") + " (" + millis(r.get("durationMillis")) + ")";
        }
        s.row(
            sv.get("backend") + "/" + sv.get("name"),
            (Boolean.TRUE.equals(sv.get("up")) ? "UP" : "DOWN") + operator(sv),
            sv.get("weight"),
            sv.get("activeConnections"),
            sv.get("connections"),
            sv.get("connectFailures"),
            check);
      }
      section(sb, s);
    }
    return sb.toString();
  }

  /** The operator state when not ready, e.g. {@code " DRAIN"}; empty otherwise. */
  private static String operator(Map<String, Object> sv) {
    Object admin = sv.get("adminState");
    return admin == null || "ready".equals(admin) ? "" : " " + upper(admin);
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

  private static String millis(Object v) {
    return v instanceof Number n ? String.format(Locale.ROOT, "%.1fms", n.doubleValue()) : "-";
  }

  private static String upper(Object v) {
    return v == null ? null : String.valueOf(v).toUpperCase(Locale.ROOT);
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> objects(Object v) {
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
