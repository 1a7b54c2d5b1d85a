package io.vipd.daemon.admin;

import java.util.List;
import java.util.Map;

/**
 * The proxy part of a parsed {@code /status} document as tables in the spirit of haproxy's {@code
 * show stat}: one row per frontend, one per server with its status, weight, sessions, bytes,
 * connect failures and last check.
 */
final class ProxyStatTable {

  private ProxyStatTable() {}

  /**
   * One row per frontend; QUEUED is its backend's queue: connections waiting for a server slot
   * (haproxy's qcur), from {@code backends}.
   */
  static TextTable frontends(
      List<Map<String, Object>> frontends, List<Map<String, Object>> backends) {
    TextTable t =
        new TextTable(
            "FRONTEND", "BACKEND", "ACTIVE", "TOTAL", "REFUSED", "BYTES IN", "BYTES OUT", "QUEUED");
    for (Map<String, Object> fe : frontends) {
      Object queued =
          backends.stream()
              .filter(b -> b.get("name") != null && b.get("name").equals(fe.get("backend")))
              .map(b -> b.get("queued"))
              .findFirst()
              .orElse(null);
      t.row(
          Boolean.TRUE.equals(fe.get("disabled")) ? fe.get("name") + " (disabled)" : fe.get("name"),
          fe.get("backend"),
          fe.get("activeConnections"),
          fe.get("accepted"),
          fe.get("refused"),
          fe.get("bytesIn"),
          fe.get("bytesOut"),
          queued);
    }
    return t;
  }

  static TextTable servers(List<Map<String, Object>> servers) {
    TextTable t =
        new TextTable(
            "SERVER",
            "STATUS",
            "WEIGHT",
            "ACTIVE",
            "TOTAL",
            "BYTES IN",
            "BYTES OUT",
            "CONN FAIL",
            "CHECK",
            "LAST CHECK");
    for (Map<String, Object> sv : servers) {
      String status = Boolean.TRUE.equals(sv.get("up")) ? "UP" : "DOWN";
      Object admin = sv.get("adminState");
      if (admin != null && !"ready".equals(admin)) {
        status += " " + StatusTable.upper(admin);
      }
      if (sv.get("throttle") instanceof Number n && n.intValue() < 100) {
        status += " (slowstart " + n + "%)";
      }
      if (Boolean.TRUE.equals(sv.get("backup"))) {
        status += " (backup)";
      }
      Object weight = sv.get("weight") instanceof Number n && n.longValue() >= 0 ? n : null;
      String check = null;
      String last = null;
      if (sv.get("check") instanceof Map<?, ?> c) {
        check = StatusTable.upper(c.get("state"));
        if (c.get("lastResult") instanceof Map<?, ?> r) {
          last = r.get("detail") + " in " + StatusTable.millis(r.get("durationMillis"));
        }
      }
      t.row(
          sv.get("backend") + "/" + sv.get("name"),
          status,
          weight,
          sv.get("activeConnections"),
          sv.get("connections"),
          sv.get("bytesIn"),
          sv.get("bytesOut"),
          sv.get("connectFailures"),
          check,
          last);
    }
    return t;
  }
}
