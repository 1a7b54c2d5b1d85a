package io.vipd.daemon.haproxycli;

import io.vipd.daemon.cli.Version;
import io.vipd.proxy.FrontendStatus;
import io.vipd.proxy.ProxyStatus;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * haproxy's {@code show info}: {@code Name: value} lines, with haproxy's names for what vipd has
 * (process, uptime, connection counts and limit). The fields haproxy has and vipd does not (SSL,
 * compression, pools, pipes) are left out rather than shown as zeros that would mean nothing.
 */
final class ShowInfo {

  /** Read once: {@code show info} runs on the socket's event loop, which must not do I/O. */
  private static final String VERSION = Version.get();

  private static final String NODE = hostname();

  private ShowInfo() {}

  /**
   * @param status the proxy's snapshot, null when no proxy runs
   * @param maxconn the global connection limit, 0 for none
   * @param stopping whether vipd is stopping
   * @param droppedLogs connection log lines dropped since start
   */
  static String render(ProxyStatus status, int maxconn, boolean stopping, long droppedLogs) {
    long uptimeMillis = ManagementFactory.getRuntimeMXBean().getUptime();
    long startMillis = ManagementFactory.getRuntimeMXBean().getStartTime();
    long cumConns = 0;
    if (status != null) {
      for (FrontendStatus f : status.frontends()) {
        cumConns += f.accepted();
      }
    }
    StringBuilder out = new StringBuilder();
    field(out, "Name", "vipd");
    field(out, "Version", VERSION);
    field(out, "Nbproc", 1);
    field(out, "Process_num", 1);
    field(out, "Pid", ProcessHandle.current().pid());
    field(out, "Uptime", uptime(Duration.ofMillis(uptimeMillis)));
    field(out, "Uptime_sec", uptimeMillis / 1000);
    field(out, "Maxconn", maxconn);
    field(out, "Hard_maxconn", maxconn);
    field(out, "CurrConns", status == null ? 0 : status.activeConnections());
    field(out, "CumConns", cumConns);
    field(out, "node", NODE);
    field(out, "Stopping", stopping ? 1 : 0);
    field(out, "DroppedLogs", droppedLogs);
    field(out, "Start_time_sec", startMillis / 1000);
    return out.toString();
  }

  /** haproxy's {@code 0d 0h00m55s}. */
  static String uptime(Duration d) {
    long s = d.toSeconds();
    return String.format(
        "%dd %dh%02dm%02ds", s / 86_400, (s % 86_400) / 3_600, (s % 3_600) / 60, s % 60);
  }

  private static void field(StringBuilder out, String name, Object value) {
    out.append(name).append(": ").append(value).append('\n');
  }

  /** The kernel's host name, as haproxy's {@code node} defaults to; no name lookup. */
  private static String hostname() {
    try {
      return Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }
}
