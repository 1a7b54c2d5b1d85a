package io.vipd.daemon.admin;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One VRRP instance of a parsed {@code /status} document as a block of labelled lines, like FRR's
 * {@code show vrrp}: state, priority and its breakdown, master, RFC timers, counters and the last
 * transition with its reason.
 */
final class InstanceBlock {

  private static final int LABEL_WIDTH = 32;

  private InstanceBlock() {}

  static void appendTo(StringBuilder sb, Map<String, Object> i) {
    sb.append("VRRP instance ").append(i.get("name")).append('\n');
    line(sb, "Interface", i.get("interface"));
    line(sb, "Virtual Router ID", i.get("vrid"));
    line(sb, "Protocol Version", number(i.get("version")) == 0 ? null : i.get("version"));
    line(
        sb,
        "State",
        StatusTable.upper(i.get("state"))
            + (Boolean.TRUE.equals(i.get("maintenance")) ? " (maintenance: held as backup)" : ""));
    if (i.get("syncGroup") != null) {
      line(sb, "Sync Group", i.get("syncGroup")); // only when set: most instances have none
    }
    line(sb, "Priority", i.get("priority"));
    line(sb, "Effective Priority", i.get("effectivePriority") + " (" + i.get("breakdown") + ")");
    Object master = i.get("master");
    line(
        sb,
        "Master",
        master == null
            ? null
            : master + (Boolean.TRUE.equals(i.get("masterIsSelf")) ? " (this node)" : ""));
    line(sb, "Advertisement Interval", millis(i.get("advertIntervalMillis")));
    line(sb, "Master Advertisement Interval", millis(i.get("masterAdverIntervalMillis")));
    line(sb, "Skew Time", millis(i.get("skewTimeMillis")));
    line(sb, "Master Down Interval", millis(i.get("masterDownIntervalMillis")));
    line(sb, "Adverts Sent / Received", i.get("advertsSent") + " / " + i.get("advertsReceived"));
    line(sb, "Adverts Dropped", i.get("drops"));
    line(sb, "Send Errors", i.get("sendErrors"));
    line(sb, "Gratuitous ARP/NA Sent", i.get("garpsSent"));
    line(sb, "Transitions", i.get("transitions"));
    line(sb, "Last Transition", lastTransition(i.get("lastTransition")));
    List<String> seen =
        i.get("mastersSeen") instanceof List<?> l
            ? l.stream().map(String::valueOf).toList()
            : List.of();
    line(sb, "Masters Seen", seen.isEmpty() ? null : String.join(", ", seen));
  }

  /** {@code BACKUP -> MASTER 12s ago (master down timer expired)}, or null. */
  static String lastTransition(Object v) {
    if (!(v instanceof Map<?, ?> t)) {
      return null;
    }
    return StatusTable.upper(t.get("from"))
        + " -> "
        + StatusTable.upper(t.get("to"))
        + " "
        + ago(number(t.get("agoMillis")))
        + " ("
        + t.get("reason")
        + ")";
  }

  /** A compact age: {@code 12s ago}, {@code 3m04s ago}, {@code 2h05m ago}, {@code 3d04h ago}. */
  static String ago(long millis) {
    long s = millis / 1000;
    if (s < 60) {
      return s + "s ago";
    }
    if (s < 3600) {
      return String.format(Locale.ROOT, "%dm%02ds ago", s / 60, s % 60);
    }
    if (s < 86400) {
      return String.format(Locale.ROOT, "%dh%02dm ago", s / 3600, s % 3600 / 60);
    }
    return String.format(Locale.ROOT, "%dd%02dh ago", s / 86400, s % 86400 / 3600);
  }

  /** Milliseconds with no needless decimals: {@code 1000 ms}, {@code 218.75 ms}. */
  static String millis(Object v) {
    if (!(v instanceof Number n) || n.doubleValue() <= 0) {
      return null;
    }
    String text = String.format(Locale.ROOT, "%.3f", n.doubleValue());
    text = text.replaceAll("0+$", "").replaceAll("\\.$", "");
    return text + " ms";
  }

  private static long number(Object v) {
    return v instanceof Number n ? n.longValue() : 0;
  }

  private static void line(StringBuilder sb, String label, Object value) {
    sb.append(' ')
        .append(label)
        .append(" ".repeat(Math.max(1, LABEL_WIDTH - label.length())))
        .append(value == null ? "-" : value)
        .append('\n');
  }
}
