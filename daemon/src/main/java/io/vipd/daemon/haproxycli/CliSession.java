package io.vipd.daemon.haproxycli;

import io.vipd.daemon.config.CliLevel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One connection to the stats socket, as haproxy's CLI keeps it: its level (which {@code operator}
 * and {@code user} can only lower) and whether it is interactive. A line holds one or more commands
 * separated by {@code ;}; each command's answer ends with an empty line, followed in interactive
 * mode ({@code prompt}) by the prompt {@code "> "}. Without {@code prompt} the connection ends once
 * the lines it sent have been answered ({@link StatsSocket} decides when), so {@code echo "show
 * stat" | socat ...} works, as do several lines piped at once. Not thread-safe: one per connection,
 * on its event loop.
 */
final class CliSession {

  static final String PROMPT = "> ";

  /** Commands one line may hold: bounds the answer a line can pile up. */
  static final int MAX_COMMANDS_PER_LINE = 100;

  private final CliCommands commands;
  private CliLevel level;
  private boolean interactive;
  private boolean ended;

  CliSession(CliCommands commands, CliLevel level) {
    this.commands = commands;
    this.level = level;
  }

  /** The answer to {@code line} (without its line break); afterwards {@link #ended()} may hold. */
  String onLine(String line) {
    StringBuilder out = new StringBuilder();
    String[] parts = line.split(";", -1);
    if (parts.length > MAX_COMMANDS_PER_LINE) {
      out.append("Too many commands on one line (")
          .append(MAX_COMMANDS_PER_LINE)
          .append(" at most).\n\n");
      if (interactive) {
        out.append(PROMPT);
      }
      return out.toString();
    }
    boolean any = false;
    for (String command : parts) {
      List<String> words = words(command);
      if (words.isEmpty()) {
        continue;
      }
      any = true;
      if (words.get(0).equals("quit")) {
        ended = true;
        return out.toString();
      }
      out.append(run(words)).append('\n');
      if (interactive) {
        out.append(PROMPT);
      }
    }
    if (!any && interactive) {
      out.append(PROMPT);
    }
    return out.toString();
  }

  /** Whether {@code quit} ended the session. */
  boolean ended() {
    return ended;
  }

  /** Whether {@code prompt} made the session interactive (it stays open between lines). */
  boolean interactive() {
    return interactive;
  }

  CliLevel level() {
    return level;
  }

  private String run(List<String> words) {
    String first = words.get(0);
    if (first.equals("prompt")) {
      interactive = !interactive;
      return "";
    }
    if (first.equals("operator") || first.equals("user")) {
      CliLevel wanted = first.equals("operator") ? CliLevel.OPERATOR : CliLevel.USER;
      if (wanted.compareTo(level) > 0) {
        return CliCommands.PERMISSION_DENIED;
      }
      level = wanted;
      return "";
    }
    if (words.equals(List.of("show", "cli", "level"))) {
      return level.label() + "\n";
    }
    try {
      return commands.run(words, level);
    } catch (RuntimeException e) {
      // a server removed by a reload between the lookup and the change, say: an answer, not a
      // closed connection
      return "Failed: " + e.getMessage() + "\n";
    }
  }

  private static List<String> words(String command) {
    List<String> words = new ArrayList<>();
    for (String w : Arrays.asList(command.trim().split("[ \t]+"))) {
      if (!w.isEmpty()) {
        words.add(w);
      }
    }
    return words;
  }
}
