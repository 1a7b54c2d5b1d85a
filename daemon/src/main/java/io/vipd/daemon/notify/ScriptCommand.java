package io.vipd.daemon.notify;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a script line into argv the way keepalived does: on white space, with single or double
 * quotes grouping words; no shell is involved.
 */
final class ScriptCommand {

  private ScriptCommand() {}

  static List<String> split(String line) {
    List<String> argv = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean inWord = false;
    char quote = 0;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else {
          word.append(c);
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
        inWord = true;
      } else if (Character.isWhitespace(c)) {
        if (inWord) {
          argv.add(word.toString());
          word.setLength(0);
          inWord = false;
        }
      } else {
        word.append(c);
        inWord = true;
      }
    }
    if (inWord) {
      argv.add(word.toString());
    }
    return argv;
  }
}
