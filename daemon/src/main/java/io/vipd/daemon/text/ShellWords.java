package io.vipd.daemon.text;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Splits a command line into argv the way a POSIX shell would for simple commands (and keepalived
 * does for its scripts): used by the importer and by notify scripts. Pure.
 */
public final class ShellWords {

  /** Characters that make a command need a shell: pipes, lists, redirections, expansions. */
  private static final Pattern METACHARACTERS = Pattern.compile("[|&;<>()$`*?\\[\\]~{}\\n]");

  private ShellWords() {}

  /** True when {@code command} only works through {@code sh -c}. */
  public static boolean needsShell(String command) {
    return METACHARACTERS.matcher(command).find();
  }

  /** Words of {@code command}: whitespace separates; quotes group; backslash escapes. */
  public static List<String> split(String command) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean inWord = false;
    char quote = 0;
    for (int i = 0; i < command.length(); i++) {
      char c = command.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else if (c == '\\' && quote == '"' && i + 1 < command.length()) {
          word.append(command.charAt(++i));
        } else {
          word.append(c);
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
        inWord = true;
      } else if (c == '\\' && i + 1 < command.length()) {
        word.append(command.charAt(++i));
        inWord = true;
      } else if (Character.isWhitespace(c)) {
        if (inWord) {
          words.add(word.toString());
          word.setLength(0);
          inWord = false;
        }
      } else {
        word.append(c);
        inWord = true;
      }
    }
    if (inWord) {
      words.add(word.toString());
    }
    return words;
  }
}
