package io.vipd.daemon.systemd;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Log lines to journald with their priority: when standard output is the journal stream systemd
 * gave the service ({@code JOURNAL_STREAM} names its device and inode), each log line gets the
 * {@code <N>} prefix journald reads (sd-daemon(3)), so {@code journalctl -u vipd -p warning} shows
 * vipd's warnings and errors as it does keepalived's and haproxy's syslog priorities. Lines that
 * are not log lines (a stack trace's frames) stay as they are, at the journal's default priority.
 * Elsewhere (a terminal, a file, a container log) nothing changes.
 */
public final class JournalPriorities {

  /** slf4j-simple's line: the date, then the level in brackets. */
  private static final Pattern LEVEL =
      Pattern.compile("^[0-9]{4}-[0-9]{2}-[0-9]{2}T\\S+ \\[(ERROR|WARN|INFO|DEBUG|TRACE)\\] ");

  private JournalPriorities() {}

  /**
   * Replaces {@code System.out} with a prefixing stream when it is the service's journal stream.
   *
   * @return whether it was replaced
   */
  public static boolean installIfJournal() {
    Optional<String> expected = Optional.ofNullable(System.getenv("JOURNAL_STREAM"));
    if (expected.isEmpty() || !expected.get().equals(stdoutDeviceAndInode().orElse(null))) {
      return false;
    }
    System.setOut(prefixing(System.out));
    return true;
  }

  /** Standard output's {@code device:inode}, as systemd writes {@code JOURNAL_STREAM}. */
  static Optional<String> stdoutDeviceAndInode() {
    try {
      Path fd = Path.of("/proc/self/fd/1");
      Object dev = Files.getAttribute(fd, "unix:dev");
      Object ino = Files.getAttribute(fd, "unix:ino");
      return Optional.of(dev + ":" + ino);
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The journal priority of a log line, or -1 for a line that is not one. */
  static int priority(String line) {
    Matcher m = LEVEL.matcher(line);
    if (!m.find()) {
      return -1;
    }
    return switch (m.group(1)) {
      case "ERROR" -> 3;
      case "WARN" -> 4;
      case "INFO" -> 6;
      default -> 7;
    };
  }

  /**
   * A stream that prefixes each log line written with {@code println} by its priority, and the
   * lines that follow one (the other lines of a multi-line message, a stack trace's frames) by the
   * same priority: journald reads each line on its own.
   */
  static PrintStream prefixing(OutputStream out) {
    return new PrintStream(out, true, StandardCharsets.UTF_8) {
      private int last = -1;

      @Override
      public synchronized void println(String text) {
        String[] lines = String.valueOf(text).split("\n", -1);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < lines.length; i++) {
          int p = priority(lines[i]);
          if (p >= 0) {
            last = p;
          }
          if (i > 0) {
            b.append('\n');
          }
          b.append(last >= 0 ? "<" + last + ">" : "").append(lines[i]);
        }
        super.println(b.toString());
      }

      @Override
      public void println(Object x) {
        println(String.valueOf(x));
      }
    };
  }
}
