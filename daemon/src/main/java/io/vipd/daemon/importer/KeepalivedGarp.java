package io.vipd.daemon.importer;

import java.util.List;
import java.util.OptionalLong;

/**
 * keepalived's gratuitous ARP / NA pacing of one instance, carried into vipd's {@code garp {
 * repeat, delay, refresh, refresh-repeat }}: the {@code vrrp_garp_master_*} values of global_defs
 * (and {@code vrrp_min_garp}) are the defaults of every instance, an instance's {@code
 * garp_master_*} overrides them. Only values that were written are carried, so vipd's defaults
 * (which are keepalived's) fill the rest. Not thread-safe.
 */
final class KeepalivedGarp {

  /** vipd's range for repeat and refresh-repeat. */
  private static final long MAX_REPEAT = 255;

  private static final long MAX_DELAY_MILLIS = 3_600_000;
  private static final long MAX_REFRESH_MILLIS = 86_400_000;

  private OptionalLong repeat = OptionalLong.empty();
  private OptionalLong delayMillis = OptionalLong.empty();
  private OptionalLong refreshMillis = OptionalLong.empty();
  private OptionalLong refreshRepeat = OptionalLong.empty();
  private boolean minGarp;

  /** The same values, for an instance to override. */
  KeepalivedGarp copy() {
    KeepalivedGarp c = new KeepalivedGarp();
    c.repeat = repeat;
    c.delayMillis = delayMillis;
    c.refreshMillis = refreshMillis;
    c.refreshRepeat = refreshRepeat;
    c.minGarp = minGarp;
    return c;
  }

  /**
   * Takes {@code st} if it sets one of the carried values: {@code garp_master_*} in an instance,
   * {@code vrrp_garp_master_*} or {@code vrrp_min_garp} in global_defs.
   *
   * @param comments where a comment about a value that had to change goes
   * @return false when {@code st} is not one of them (the caller comments it)
   */
  boolean read(KeepalivedStatement st, boolean global, ImportNotes notes, List<String> comments) {
    String keyword = st.keyword();
    if (global && keyword.equals("vrrp_min_garp")) {
      minGarp = KeepalivedGlobals.flag(st);
      return true;
    }
    String prefix = global ? "vrrp_garp_master_" : "garp_master_";
    if (!keyword.startsWith(prefix)) {
      return false;
    }
    String arg = st.arg(0).orElse("");
    switch (keyword.substring(prefix.length())) {
      case "repeat":
        repeat = orElse(count(st, arg, notes, comments), repeat);
        return true;
      case "refresh_repeat":
        refreshRepeat = orElse(count(st, arg, notes, comments), refreshRepeat);
        return true;
      case "delay":
        delayMillis = orElse(time(st, arg, MAX_DELAY_MILLIS, notes, comments), delayMillis);
        return true;
      case "refresh":
        refreshMillis = orElse(time(st, arg, MAX_REFRESH_MILLIS, notes, comments), refreshMillis);
        return true;
      default:
        return false;
    }
  }

  /** Writes {@code garp { ... }} into {@code instance} when any value was set. */
  void write(HoconObject instance) {
    // vrrp_min_garp: one announcement and no second burst, unless set explicitly (keepalived
    // does not overwrite values already set, and a later value overrides it anyway).
    OptionalLong r = minGarp && repeat.isEmpty() ? OptionalLong.of(1) : repeat;
    OptionalLong d = minGarp && delayMillis.isEmpty() ? OptionalLong.of(0) : delayMillis;
    if (r.isEmpty() && d.isEmpty() && refreshMillis.isEmpty() && refreshRepeat.isEmpty()) {
      return;
    }
    HoconObject garp = HoconObject.inline();
    r.ifPresent(v -> garp.put("repeat", v));
    d.ifPresent(v -> garp.putDuration("delay", v));
    refreshMillis.ifPresent(v -> garp.putDuration("refresh", v));
    refreshRepeat.ifPresent(v -> garp.put("refresh-repeat", v));
    instance.put("garp", garp);
  }

  /** A value that could not be read leaves the one before it (global or default) in place. */
  private static OptionalLong orElse(OptionalLong value, OptionalLong before) {
    return value.isPresent() ? value : before;
  }

  private static OptionalLong count(
      KeepalivedStatement st, String arg, ImportNotes notes, List<String> comments) {
    long v;
    try {
      v = Long.parseLong(arg);
    } catch (NumberFormatException e) {
      comments.add(notes.dropped(st.where(), st.text(), "not a whole number"));
      return OptionalLong.empty();
    }
    long clamped = Math.max(1, Math.min(MAX_REPEAT, v));
    if (clamped != v) {
      comments.add(
          notes.changed(
              st.where(), st.text(), "vipd sends 1 to 255 announcements; " + clamped + " is used"));
    }
    return OptionalLong.of(clamped);
  }

  private static OptionalLong time(
      KeepalivedStatement st,
      String arg,
      long maxMillis,
      ImportNotes notes,
      List<String> comments) {
    OptionalLong ms = Durations.keepalivedSeconds(arg);
    if (ms.isEmpty()) {
      comments.add(notes.dropped(st.where(), st.text(), "not a number of seconds"));
      return ms;
    }
    if (ms.getAsLong() > maxMillis) {
      comments.add(
          notes.changed(
              st.where(), st.text(), "vipd allows at most " + Durations.hocon(maxMillis)));
      return OptionalLong.of(maxMillis);
    }
    return ms;
  }
}
