package io.vipd.daemon.importer;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits keepalived configuration text into lines of words. An unquoted {@code #} or {@code !}
 * starts a comment wherever it is, even inside a word ({@code auth_pass k8s#2024} is {@code k8s}),
 * as keepalived's decomment() does; {@code \\#} and {@code \\!} are the characters themselves;
 * {@code "..."} is one word without its quotes; {@code {} and {@code }} are words of their own even
 * when glued to a neighbour. Pure; no I/O.
 */
final class KeepalivedTokenizer {

  /**
   * One word.
   *
   * @param text the word, quotes removed
   * @param quoted true if it was written in double quotes (so a quoted brace is not a brace)
   * @param where file and line
   * @param cut true when a comment began inside this word: keepalived reads only the part before
   *     the {@code #} or {@code !}, and so does {@link #text}
   */
  record Token(String text, boolean quoted, SourceLocation where, boolean cut) {

    Token(String text, boolean quoted, SourceLocation where) {
      this(text, quoted, where, false);
    }

    boolean is(String s) {
      return !quoted && text.equals(s);
    }
  }

  private KeepalivedTokenizer() {}

  /**
   * Tokenizes {@code text}.
   *
   * @param file display name used in token locations
   * @param issues receives an error for every unterminated quoted string
   * @return the non-empty lines, each a list of tokens in order
   */
  static List<List<Token>> tokenize(String text, String file, List<ParseIssue> issues) {
    List<List<Token>> lines = new ArrayList<>();
    String[] rawLines = text.split("\r?\n", -1);
    for (int i = 0; i < rawLines.length; i++) {
      List<Token> line = tokenizeLine(rawLines[i], new SourceLocation(file, i + 1), issues);
      if (!line.isEmpty()) {
        lines.add(line);
      }
    }
    return lines;
  }

  private static List<Token> tokenizeLine(String raw, SourceLocation where, List<ParseIssue> out) {
    List<Token> tokens = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    int i = 0;
    while (i < raw.length()) {
      char c = raw.charAt(i);
      if (c == '"') {
        flush(word, where, tokens);
        int end = raw.indexOf('"', i + 1);
        if (end < 0) {
          out.add(ParseIssue.error(where, "unterminated quoted string"));
          end = raw.length();
        }
        tokens.add(new Token(raw.substring(i + 1, end), true, where));
        i = end + 1;
      } else if (c == '\\'
          && i + 1 < raw.length()
          && (raw.charAt(i + 1) == '#' || raw.charAt(i + 1) == '!')) {
        // keepalived: an escaped comment character is the character itself.
        word.append(raw.charAt(i + 1));
        i += 2;
      } else if (c == '#' || c == '!') {
        if (word.length() > 0) {
          out.add(
              ParseIssue.warning(
                  where,
                  "a comment starts at the unquoted '"
                      + c
                      + "' inside a word (column "
                      + (i + 1)
                      + "): keepalived reads only the part of the word before it and ignores"
                      + " the rest of the line, and so does this import (quote the word, or write"
                      + " \\"
                      + c
                      + ", to keep it whole)"));
          tokens.add(new Token(word.toString(), false, where, true));
          word.setLength(0);
        }
        break;
      } else if (c == '{' || c == '}') {
        flush(word, where, tokens);
        tokens.add(new Token(String.valueOf(c), false, where));
        i++;
      } else if (Character.isWhitespace(c)) {
        flush(word, where, tokens);
        i++;
      } else {
        word.append(c);
        i++;
      }
    }
    flush(word, where, tokens);
    return tokens;
  }

  private static void flush(StringBuilder word, SourceLocation where, List<Token> tokens) {
    if (word.length() > 0) {
      tokens.add(new Token(word.toString(), false, where));
      word.setLength(0);
    }
  }
}
