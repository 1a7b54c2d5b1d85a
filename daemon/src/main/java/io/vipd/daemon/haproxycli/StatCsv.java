package io.vipd.daemon.haproxycli;

import io.vipd.daemon.config.BackendCheckType;
import io.vipd.daemon.config.BackendConfig;
import io.vipd.daemon.config.FrontendConfig;
import io.vipd.daemon.config.ProxyConfig;
import io.vipd.daemon.config.ServerConfig;
import io.vipd.health.CheckResult;
import io.vipd.health.HealthStatus;
import io.vipd.proxy.FrontendStatus;
import io.vipd.proxy.ProxyStatus;
import io.vipd.proxy.ServerAdminState;
import io.vipd.proxy.ServerStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * haproxy's {@code show stat} CSV (the management guide's section 9.1): the header and, per proxy,
 * its FRONTEND row, its servers' rows and its BACKEND row, in haproxy's column order. Exporters and
 * scripts read the columns by position or by the header's names, so the columns up to {@code
 * agg_check_status} are haproxy 2.6's, in its order; a value vipd does not keep (maxima, rates,
 * check counters over time) is left empty, as haproxy leaves empty what does not apply.
 *
 * <p>Proxies are numbered (haproxy's {@code iid}) frontends first, then backends, from 1 in
 * configuration order; servers ({@code sid}) from 1 within their backend.
 */
public final class StatCsv {

  /** The columns, haproxy 2.6's order. */
  static final List<String> COLUMNS =
      List.of(
          "pxname",
          "svname",
          "qcur",
          "qmax",
          "scur",
          "smax",
          "slim",
          "stot",
          "bin",
          "bout",
          "dreq",
          "dresp",
          "ereq",
          "econ",
          "eresp",
          "wretr",
          "wredis",
          "status",
          "weight",
          "act",
          "bck",
          "chkfail",
          "chkdown",
          "lastchg",
          "downtime",
          "qlimit",
          "pid",
          "iid",
          "sid",
          "throttle",
          "lbtot",
          "tracked",
          "type",
          "rate",
          "rate_lim",
          "rate_max",
          "check_status",
          "check_code",
          "check_duration",
          "hrsp_1xx",
          "hrsp_2xx",
          "hrsp_3xx",
          "hrsp_4xx",
          "hrsp_5xx",
          "hrsp_other",
          "hanafail",
          "req_rate",
          "req_rate_max",
          "req_tot",
          "cli_abrt",
          "srv_abrt",
          "comp_in",
          "comp_out",
          "comp_byp",
          "comp_rsp",
          "lastsess",
          "last_chk",
          "last_agt",
          "qtime",
          "ctime",
          "rtime",
          "ttime",
          "agent_status",
          "agent_code",
          "agent_duration",
          "check_desc",
          "agent_desc",
          "check_rise",
          "check_fall",
          "check_health",
          "agent_rise",
          "agent_fall",
          "agent_health",
          "addr",
          "cookie",
          "mode",
          "algo",
          "conn_rate",
          "conn_rate_max",
          "conn_tot",
          "intercepted",
          "dcon",
          "dses",
          "wrew",
          "connect",
          "reuse",
          "cache_lookups",
          "cache_hits",
          "srv_icur",
          "src_ilim",
          "qtime_max",
          "ctime_max",
          "rtime_max",
          "ttime_max",
          "eint",
          "idle_conn_cur",
          "safe_conn_cur",
          "used_conn_cur",
          "need_conn_est",
          "uweight",
          "agg_server_status",
          "agg_server_check_status",
          "agg_check_status");

  /** haproxy's {@code type} column, and the bits of {@code show stat}'s type filter. */
  static final int FRONTEND = 0;

  static final int BACKEND = 1;
  static final int SERVER = 2;

  /**
   * Which rows {@code show stat} prints: those of the proxy named {@code proxy} or numbered {@code
   * iid} (both empty: every proxy), of the types whose bit is in {@code types} (1 frontends, 2
   * backends, 4 servers; -1 every type), of server {@code sid} (-1: every server).
   */
  record Filter(
      Optional<String> proxy, int iid, int types, int sid, boolean upOnly, boolean noMaint) {
    static final Filter ALL = new Filter(Optional.empty(), -1, -1, -1);

    Filter(Optional<String> proxy, int iid, int types, int sid) {
      this(proxy, iid, types, sid, false, false);
    }

    /** Whether the BACKEND row's status carries haproxy's {@code (up/total)}. */
    boolean counts() {
      return upOnly || noMaint;
    }

    /** haproxy's {@code up} (servers up only) and {@code no-maint} (none in maintenance). */
    Filter withServers(boolean up, boolean noMaintenance) {
      return new Filter(proxy, iid, types, sid, up, noMaintenance);
    }

    boolean acceptsServer(ServerStatus s) {
      if (noMaint && s.adminState() == ServerAdminState.MAINT) {
        return false;
      }
      return !upOnly || (s.up() && s.adminState() != ServerAdminState.MAINT);
    }

    boolean accepts(String pxname, int rowIid, int type, int rowSid) {
      if (proxy.isPresent() && !proxy.get().equals(pxname)) {
        return false;
      }
      if (iid != -1 && iid != rowIid) {
        return false;
      }
      if (types != -1 && (types & (1 << type)) == 0) {
        return false;
      }
      return type != SERVER || sid == -1 || sid == rowSid;
    }
  }

  private StatCsv() {}

  /**
   * The {@code iid} of the proxy named {@code name}, -1 if none: a frontend's before a backend's of
   * the same name, as haproxy finds the frontend of a config that defines it first.
   */
  static int iidOf(ProxyConfig config, String name) {
    int iid = 0;
    for (FrontendConfig f : config.frontends()) {
      iid++;
      if (f.name().equals(name)) {
        return iid;
      }
    }
    for (String b : config.backends().keySet()) {
      iid++;
      if (b.equals(name)) {
        return iid;
      }
    }
    return -1;
  }

  /** The header line alone (no proxy runs). */
  public static String header() {
    StringBuilder out = new StringBuilder("# ");
    line(out, COLUMNS);
    return out.toString();
  }

  /** Every row, after the header. */
  public static String render(ProxyConfig config, ProxyStatus status, List<HealthStatus> checks) {
    return render(config, status, checks, Filter.ALL);
  }

  /** The header line and the rows {@code filter} accepts, each line ending in {@code ,\n}. */
  static String render(
      ProxyConfig config, ProxyStatus status, List<HealthStatus> checks, Filter filter) {
    return render(config, status, checks, filter, true);
  }

  /**
   * As {@link #render(ProxyConfig, ProxyStatus, List, Filter)}; {@code addresses} false leaves the
   * servers' {@code addr} empty, as haproxy does on a socket whose level is below operator.
   */
  static String render(
      ProxyConfig config,
      ProxyStatus status,
      List<HealthStatus> checks,
      Filter filter,
      boolean addresses) {
    StringBuilder out = new StringBuilder(header());
    // by name, once: a reload between the config and the status read may leave one out
    Map<String, FrontendStatus> frontends = new HashMap<>();
    status.frontends().forEach(f -> frontends.put(f.frontend(), f));
    Map<String, ServerStatus> serverStates = new HashMap<>();
    status.servers().forEach(s -> serverStates.put(s.backend() + "/" + s.server(), s));
    int iid = 0;
    for (FrontendConfig f : config.frontends()) {
      iid++;
      FrontendStatus s = frontends.get(f.name());
      if (s != null && filter.accepts(f.name(), iid, FRONTEND, 0)) {
        row(out, frontendRow(f, s, config, iid, status.maxconn()));
      }
    }
    Map<String, HealthStatus> checkByName = new HashMap<>();
    checks.forEach(c -> checkByName.put(c.checkName(), c));
    for (BackendConfig b : config.backends().values()) {
      iid++;
      List<ServerStatus> servers = new ArrayList<>();
      int sid = 0;
      for (ServerConfig sc : b.servers()) {
        sid++;
        ServerStatus s = serverStates.get(b.name() + "/" + sc.name());
        if (s == null) {
          continue;
        }
        servers.add(s);
        if (filter.accepts(b.name(), iid, SERVER, sid) && filter.acceptsServer(s)) {
          HealthStatus check = checkByName.get(b.name() + "/" + sc.name());
          row(out, serverRow(b, sc, s, check, iid, sid, addresses));
        }
      }
      if (filter.accepts(b.name(), iid, BACKEND, 0)) {
        row(out, backendRow(b, servers, status.queued(b.name()), iid, filter.counts()));
      }
    }
    return out.toString();
  }

  private static Map<String, String> frontendRow(
      FrontendConfig f, FrontendStatus s, ProxyConfig config, int iid, int global) {
    Map<String, String> r = new HashMap<>();
    r.put("pxname", f.name());
    r.put("svname", "FRONTEND");
    r.put("scur", n(s.activeConnections()));
    // the limits in effect: a runtime `set maxconn` shows, as in haproxy
    int limit = s.maxconn() > 0 ? s.maxconn() : global > 0 ? global : config.maxconn();
    r.put("slim", limit > 0 ? n(limit) : "");
    r.put("stot", n(s.accepted()));
    r.put("bin", n(s.bytesIn()));
    r.put("bout", n(s.bytesOut()));
    r.put("dreq", "0");
    r.put("dresp", "0");
    r.put("ereq", "0");
    r.put("status", s.disabled() ? "PAUSED" : "OPEN"); // haproxy after disable frontend
    common(r, iid, 0, FRONTEND);
    r.put("conn_tot", n(s.accepted()));
    r.put("dcon", "0");
    r.put("dses", "0");
    return r;
  }

  private static Map<String, String> serverRow(
      BackendConfig b,
      ServerConfig sc,
      ServerStatus s,
      HealthStatus check,
      int iid,
      int sid,
      boolean addresses) {
    Map<String, String> r = new HashMap<>();
    r.put("pxname", b.name());
    r.put("svname", sc.name());
    r.put("qcur", "0");
    r.put("qmax", "0");
    r.put("scur", n(s.activeConnections()));
    r.put("slim", s.maxconn() > 0 ? n(s.maxconn()) : "");
    r.put("stot", n(s.connections()));
    r.put("bin", n(s.bytesIn()));
    r.put("bout", n(s.bytesOut()));
    r.put("dresp", "0");
    r.put("econ", n(s.connectFailures()));
    r.put("eresp", "0");
    r.put("wretr", "0");
    r.put("wredis", "0");
    r.put("status", serverStatusText(s, check, b.check().rise(), b.check().fall()));
    r.put("weight", n(effectiveWeight(s)));
    r.put("act", s.backup() ? "0" : "1");
    r.put("bck", s.backup() ? "1" : "0");
    common(r, iid, sid, SERVER);
    r.put("throttle", s.throttle() < 100 ? n(s.throttle()) : "");
    r.put("lbtot", n(s.connections()));
    if (check != null) {
      check.lastResult().ifPresent(result -> checkColumns(r, b.check().type(), result));
      r.put("check_rise", n(b.check().rise()));
      r.put("check_fall", n(b.check().fall()));
      r.put("check_health", n(check.health()));
    }
    r.put("addr", addresses ? sc.address().toString() : "");
    r.put("uweight", n(s.weight()));
    return r;
  }

  /**
   * @param counts haproxy's {@code (up/total)} after the status, which it writes when {@code show
   *     stat} was given {@code up} or {@code no-maint}
   */
  private static Map<String, String> backendRow(
      BackendConfig b, List<ServerStatus> servers, int queued, int iid, boolean counts) {
    Map<String, String> r = new HashMap<>();
    long active = 0;
    long connections = 0;
    long bytesIn = 0;
    long bytesOut = 0;
    long failures = 0;
    int act = 0;
    int bck = 0;
    long actWeight = 0;
    long bckWeight = 0;
    long actUserWeight = 0;
    long bckUserWeight = 0;
    for (ServerStatus s : servers) {
      active += s.activeConnections();
      connections += s.connections();
      bytesIn += s.bytesIn();
      bytesOut += s.bytesOut();
      failures += s.connectFailures();
      if (usable(s)) {
        if (s.backup()) {
          bck++;
          bckWeight += effectiveWeight(s);
          bckUserWeight += s.weight();
        } else {
          act++;
          actWeight += effectiveWeight(s);
          actUserWeight += s.weight();
        }
      }
    }
    r.put("pxname", b.name());
    r.put("svname", "BACKEND");
    r.put("qcur", n(queued));
    r.put("scur", n(active));
    r.put("stot", n(connections));
    r.put("bin", n(bytesIn));
    r.put("bout", n(bytesOut));
    r.put("dreq", "0");
    r.put("dresp", "0");
    r.put("econ", n(failures));
    r.put("eresp", "0");
    r.put("wretr", "0");
    r.put("wredis", "0");
    String state = act + bck > 0 ? "UP" : "DOWN";
    if (counts) {
      long up =
          servers.stream().filter(s -> s.up() && s.adminState() != ServerAdminState.MAINT).count();
      state += " (" + up + "/" + servers.size() + ")";
    }
    r.put("status", state);
    // haproxy's backend weight: the active servers', or the backups' when no active one serves
    r.put("weight", n(act > 0 ? actWeight : bckWeight));
    r.put("act", n(act));
    r.put("bck", n(bck));
    common(r, iid, 0, BACKEND);
    r.put("lbtot", n(connections));
    r.put("algo", b.balance().name().toLowerCase(Locale.ROOT));
    r.put("uweight", n(act > 0 ? actUserWeight : bckUserWeight));
    return r;
  }

  private static void common(Map<String, String> r, int iid, int sid, int type) {
    r.put("pid", "1");
    r.put("iid", n(iid));
    r.put("sid", n(sid));
    r.put("type", n(type));
    r.put("mode", "tcp");
  }

  /**
   * haproxy's server status: MAINT, DRAIN, UP, DOWN, "no check", and while a check's counter
   * ({@code health}, 0 .. rise+fall-1) is between its two ends "UP 2/3" (going down: the failures
   * still needed, counted down from {@code fall}) or "DOWN 1/2" (going up: successes of {@code
   * rise}).
   */
  static String serverStatusText(ServerStatus s, HealthStatus check, int rise, int fall) {
    if (s.adminState() == ServerAdminState.MAINT) {
      return "MAINT";
    }
    if (check == null) {
      return s.adminState() == ServerAdminState.DRAIN ? "DRAIN" : "no check";
    }
    int health = check.health();
    if (!s.up()) {
      return health > 0 && health < rise ? "DOWN " + health + "/" + rise : "DOWN";
    }
    if (s.adminState() == ServerAdminState.DRAIN) {
      return "DRAIN";
    }
    int full = rise + fall - 1;
    return health >= rise && health < full ? "UP " + (health - rise + 1) + "/" + fall : "UP";
  }

  private static void checkColumns(Map<String, String> r, BackendCheckType type, CheckResult c) {
    String layer =
        switch (type) {
          case HTTP, HTTPS -> "L7";
          case TLS -> "L6";
          default -> "L4";
        };
    String detail = c.detail() == null ? "" : c.detail();
    String lower = detail.toLowerCase(Locale.ROOT);
    String code;
    if (c.healthy()) {
      code = layer + "OK";
    } else if (lower.contains("timeout") || lower.contains("timed out")) {
      code = "L4TOUT";
    } else if (lower.contains("refused") || lower.contains("unreachable")) {
      code = "L4CON";
    } else {
      code = layer.equals("L7") ? "L7STS" : layer.equals("L6") ? "L6RSP" : "L4CON";
    }
    r.put("check_status", code);
    r.put("check_duration", n(c.durationNanos() / 1_000_000));
    r.put("check_desc", csvSafe(detail));
  }

  private static boolean usable(ServerStatus s) {
    return s.up() && s.adminState() == ServerAdminState.READY && effectiveWeight(s) > 0;
  }

  private static int effectiveWeight(ServerStatus s) {
    if (s.throttle() >= 100 || s.weight() == 0) {
      return s.weight();
    }
    return Math.max(1, s.weight() * s.throttle() / 100);
  }

  private static void row(StringBuilder out, Map<String, String> values) {
    List<String> cells = new ArrayList<>(COLUMNS.size());
    for (String c : COLUMNS) {
      cells.add(values.getOrDefault(c, ""));
    }
    line(out, cells);
  }

  private static void line(StringBuilder out, List<String> cells) {
    for (String c : cells) {
      out.append(c).append(',');
    }
    out.append('\n');
  }

  /** A CSV cell: haproxy writes no quotes, so a comma or line break would shift the columns. */
  private static String csvSafe(String s) {
    return s.replace(',', ';').replace('\n', ' ').replace('\r', ' ');
  }

  private static String n(long v) {
    return Long.toString(v);
  }
}
