package io.vipd.daemon.importer;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * haproxy's {@code stats socket} and {@code stats timeout} (global), carried over as vipd's {@code
 * admin.stats-socket}: the same mode and level, in vipd's runtime directory (the one place its
 * systemd unit may create it), so that the scripts and exporters that use the socket keep working
 * once pointed there. A TCP stats socket, a second socket, and the bind options vipd has no use for
 * (user, group, expose-fd, process...) are explained instead. Not thread-safe; one per import.
 */
final class HaproxyStatsSocket {

  /** The runtime directory of vipd's systemd unit ({@code RuntimeDirectory=vipd}). */
  static final String RUNTIME_DIRECTORY = "/run/vipd";

  private final ImportNotes notes;
  private String path;
  private String mode;
  private String level;
  private Long timeoutMillis;
  private HaproxyLine timeoutLine;

  HaproxyStatsSocket(ImportNotes notes) {
    this.notes = notes;
  }

  /**
   * Reads a global {@code stats ...} line.
   *
   * @return the comments it needs (empty when carried over as written)
   */
  List<String> read(HaproxyLine line) {
    List<String> comments = new ArrayList<>();
    String what = line.word(1);
    if (what.equals("timeout")) {
      OptionalLong millis = Durations.haproxyTime(line.word(2));
      if (millis.isEmpty() || millis.getAsLong() < 1000 || millis.getAsLong() > 86_400_000L) {
        comments.add(
            notes.dropped(
                line.where(),
                line.text(),
                "vipd's stats-socket timeout is 1s to 1d; the default 10s applies"));
      } else {
        timeoutMillis = millis.getAsLong();
        timeoutLine = line;
      }
      return comments;
    }
    if (!what.equals("socket")) {
      comments.add(
          notes.dropped(
              line.where(),
              line.text(),
              "vipd serves its stats on admin.bind (/stats, /stats;csv, /metrics) instead"));
      return comments;
    }
    String address = line.word(2);
    if (path != null) {
      comments.add(
          notes.dropped(line.where(), line.text(), "vipd has one stats socket; the first is kept"));
      return comments;
    }
    if (!address.startsWith("/") && !address.startsWith("unix@/")) {
      comments.add(
          notes.dropped(
              line.where(),
              line.text(),
              "vipd's stats socket is a Unix socket; over TCP, use the admin endpoint"
                  + " (admin.bind: /stats;csv, POST /servers/...)"));
      return comments;
    }
    List<String> ignored = new ArrayList<>();
    List<String> words = line.words();
    for (int i = 3; i < words.size(); i++) {
      String option = words.get(i);
      boolean hasValue = i + 1 < words.size();
      if (option.equals("mode") && hasValue) {
        mode = words.get(++i);
      } else if (option.equals("level") && hasValue) {
        level = words.get(++i);
      } else if (List.of("user", "group", "uid", "gid", "process", "thread", "name", "maxconn")
              .contains(option)
          && hasValue) {
        ignored.add(option + " " + words.get(++i));
      } else {
        ignored.add(option);
      }
    }
    String haproxyPath = address.startsWith("unix@") ? address.substring(5) : address;
    java.nio.file.Path name = java.nio.file.Path.of(haproxyPath).getFileName();
    path = RUNTIME_DIRECTORY + "/" + (name == null ? "admin.sock" : name.toString());
    if (!path.equals(haproxyPath)) {
      comments.add(
          notes.changed(
              line.where(),
              line.text(),
              "the socket moves to "
                  + path
                  + ": vipd's systemd unit may write only its runtime directory "
                  + RUNTIME_DIRECTORY
                  + "; point the scripts and exporters that use "
                  + haproxyPath
                  + " there (the commands and answers are haproxy's)"));
    }
    if (level != null && !List.of("user", "operator", "admin").contains(level)) {
      comments.add(
          notes.changed(
              line.where(), line.text(), "unknown level " + level + ": vipd's default operator"));
      level = null;
    }
    if (mode != null && !mode.matches("0?[0-7]{1,3}")) {
      comments.add(
          notes.changed(line.where(), line.text(), "unreadable mode " + mode + ": 600 instead"));
      mode = null;
    }
    if (!ignored.isEmpty()) {
      comments.add(
          notes.changed(
              line.where(),
              line.text(),
              "carried over as admin.stats-socket without "
                  + String.join(", ", ignored)
                  + " (the socket belongs to vipd's user; mode sets who may connect)"));
    }
    return comments;
  }

  /** Once the global section is read: what a {@code stats timeout} without a socket became. */
  List<String> leftovers() {
    if (path == null && timeoutLine != null) {
      return List.of(
          notes.dropped(
              timeoutLine.where(),
              timeoutLine.text(),
              "there is no Unix stats socket for it to apply to"));
    }
    return List.of();
  }

  /** The {@code stats-socket} object for {@code admin}, or null when no socket was read. */
  HoconObject toHocon() {
    if (path == null) {
      return null;
    }
    HoconObject o = HoconObject.block().put("path", path);
    if (mode != null) {
      o.put("mode", mode);
    }
    if (level != null) {
      o.putWord("level", level);
    }
    if (timeoutMillis != null) {
      o.putDuration("timeout", timeoutMillis);
    }
    return o;
  }
}
