package io.vipd.daemon.importer;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * A keepalived {@code vrrp_script} block as read, with keepalived's defaults filled in (interval 1
 * s, weight 0, fall 1, rise 1, timeout = interval).
 */
final class KeepalivedScript {

  final String name;
  final KeepalivedStatement block;
  String script;
  long intervalMillis = 1000;
  OptionalLong timeoutMillis = OptionalLong.empty();
  long weight;
  boolean weightReverse;
  long fall = 1;
  long rise = 1;

  /** Comments for directives of the block that are not carried over. */
  final List<String> comments = new ArrayList<>();

  private KeepalivedScript(String name, KeepalivedStatement block) {
    this.name = name;
    this.block = block;
  }

  /** Reads a {@code vrrp_script NAME { ... }} block; problems become comments in {@code notes}. */
  static KeepalivedScript read(KeepalivedStatement block, ImportNotes notes) {
    KeepalivedScript s = new KeepalivedScript(block.arg(0).orElse(""), block);
    for (KeepalivedStatement st : block.block()) {
      switch (st.keyword()) {
        case "script":
          s.script = String.join(" ", st.args());
          break;
        case "interval":
          s.intervalMillis = seconds(st, notes, s).orElse(s.intervalMillis);
          break;
        case "timeout":
          OptionalLong t = seconds(st, notes, s);
          s.timeoutMillis = t;
          break;
        case "weight":
          s.weight = scriptWeight(st, notes, s);
          s.weightReverse = st.args().contains("reverse");
          break;
        case "fall":
          s.fall = integer(st, notes, s, 1, 1_000_000).orElse(1);
          break;
        case "rise":
          s.rise = integer(st, notes, s, 1, 1_000_000).orElse(1);
          break;
        default:
          s.comments.add(notes.dropped(st.where(), st.text(), KeepalivedReasons.of(st.keyword())));
      }
    }
    if (s.weightReverse) {
      s.comments.add(
          notes.changed(
              block.where(),
              "weight " + s.weight + " reverse",
              "vipd has no reverse weights; the weight is applied the normal way"));
    }
    return s;
  }

  /**
   * The timeout as written, else keepalived's default (the interval). A timeout longer than the
   * interval is kept: vipd runs the check as keepalived did, and {@code vipd check} warns.
   */
  long effectiveTimeoutMillis() {
    return timeoutMillis.orElse(intervalMillis);
  }

  private static OptionalLong seconds(
      KeepalivedStatement st, ImportNotes notes, KeepalivedScript s) {
    OptionalLong ms = Durations.keepalivedSeconds(st.arg(0).orElse(""));
    if (ms.isEmpty() || ms.getAsLong() == 0) {
      s.comments.add(notes.dropped(st.where(), st.text(), "not a positive number of seconds"));
      return OptionalLong.empty();
    }
    return ms;
  }

  /**
   * The script's own weight. keepalived reports ±254 as out of range but applies it all the same;
   * vipd's largest is ±253, which moves a priority exactly as far (it stays within 1..254 either
   * way), so ±254 becomes ±253 with a note rather than 0, which would put the instance in FAULT
   * whenever the check fails.
   */
  private static long scriptWeight(KeepalivedStatement st, ImportNotes notes, KeepalivedScript s) {
    String written = st.arg(0).orElse("");
    if (written.equals("254") || written.equals("-254") || written.equals("+254")) {
      long clamped = written.startsWith("-") ? -253 : 253;
      s.comments.add(
          notes.changed(
              st.where(),
              st.text(),
              "keepalived applies weight "
                  + written
                  + " despite its range error; vipd's largest is "
                  + clamped
                  + ", which moves the priority as far"));
      return clamped;
    }
    return integer(st, notes, s, -253, 253).orElse(0);
  }

  static OptionalLong integer(
      KeepalivedStatement st, ImportNotes notes, KeepalivedScript s, long min, long max) {
    try {
      long v = Long.parseLong(st.arg(0).orElse(""));
      if (v >= min && v <= max) {
        return OptionalLong.of(v);
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    String why = "expected a whole number from " + min + " to " + max;
    if (s != null) {
      s.comments.add(notes.dropped(st.where(), st.text(), why));
    }
    return OptionalLong.empty();
  }
}
