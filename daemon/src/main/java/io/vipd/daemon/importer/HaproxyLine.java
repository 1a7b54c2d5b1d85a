package io.vipd.daemon.importer;

import java.util.List;

/**
 * One haproxy directive line split into words (quotes and escapes resolved, comment removed).
 *
 * @param words at least one word; {@code words.get(0)} is the keyword
 * @param where file and line
 */
public record HaproxyLine(List<String> words, SourceLocation where) {

  public HaproxyLine {
    words = List.copyOf(words);
    if (words.isEmpty()) {
      throw new IllegalArgumentException("a directive has at least one word");
    }
  }

  public String keyword() {
    return words.get(0);
  }

  /** The word at {@code index}, or {@code ""} when the line is shorter. */
  public String word(int index) {
    return index < words.size() ? words.get(index) : "";
  }

  /** The line as written, words joined by single spaces. */
  public String text() {
    return String.join(" ", words);
  }
}
