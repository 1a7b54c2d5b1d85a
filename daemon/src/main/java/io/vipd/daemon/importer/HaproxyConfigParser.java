package io.vipd.daemon.importer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a haproxy.cfg line by line into sections. Words follow haproxy's rules: whitespace
 * separates, {@code #} outside quotes starts a comment, backslash escapes the next character,
 * {@code "..."} and {@code '...'} group words. Environment variables are not expanded (the importer
 * warns about them). Bad input is reported as {@link ParseIssue}s. Stateless and thread-safe.
 */
public final class HaproxyConfigParser {

  /** Section keywords of haproxy 2.x/3.x; any of them at the start of a line opens a section. */
  static final Set<String> SECTION_KEYWORDS =
      Set.of(
          "global",
          "defaults",
          "frontend",
          "backend",
          "listen",
          "peers",
          "resolvers",
          "userlist",
          "program",
          "cache",
          "mailers",
          "http-errors",
          "ring",
          "log-forward",
          "crt-store",
          "traces",
          "acme");

  private HaproxyConfigParser() {}

  /** Parses {@code file}; a missing or unreadable file is an error issue, not an exception. */
  public static HaproxyConfig parse(Path file) {
    Path abs = file.toAbsolutePath().normalize();
    String name = SourceLocation.displayName(abs.getParent(), abs);
    Optional<String> text = SourceFiles.readText(abs, SourceFiles.MAX_CONFIG_BYTES);
    if (text.isEmpty()) {
      return new HaproxyConfig(
          List.of(),
          List.of(
              ParseIssue.error(
                  new SourceLocation(name, 0),
                  "cannot read " + name + " (missing, unreadable, or not text)")));
    }
    return parse(text.get(), name);
  }

  /** Parses haproxy configuration text; {@code name} is used in locations. */
  public static HaproxyConfig parse(String text, String name) {
    List<ParseIssue> issues = new ArrayList<>();
    List<HaproxySection> sections = new ArrayList<>();
    HaproxyLine header = null;
    List<HaproxyLine> body = new ArrayList<>();
    String[] raw = text.split("\r?\n", -1);
    int conditionalDepth = 0;
    SourceLocation conditionalStart = null;
    for (int i = 0; i < raw.length; i++) {
      SourceLocation where = new SourceLocation(name, i + 1);
      List<String> words = words(raw[i], where, issues);
      if (words.isEmpty()) {
        continue;
      }
      HaproxyLine line = new HaproxyLine(words, where);
      // haproxy 2.4's conditional blocks: their conditions (environment variables, the version,
      // features) are the running haproxy's, which the importer cannot evaluate; taking both
      // branches applied the last one's settings. The block is left out, and said.
      if (line.keyword().equals(".if")) {
        if (conditionalDepth++ == 0) {
          conditionalStart = where;
        }
        continue;
      }
      if (conditionalDepth > 0) {
        if (line.keyword().equals(".endif") && --conditionalDepth == 0) {
          issues.add(
              ParseIssue.warning(
                  conditionalStart,
                  "a conditional block (.if to .endif, up to line "
                      + where.line()
                      + ") is left out: the importer cannot evaluate its condition; write the"
                      + " lines of the branch that applies without .if"));
        }
        continue;
      }
      if (SECTION_KEYWORDS.contains(line.keyword())) {
        if (header != null) {
          sections.add(section(header, body));
        }
        header = line;
        body = new ArrayList<>();
      } else if (header == null) {
        issues.add(ParseIssue.error(where, "'" + line.keyword() + "' appears before any section"));
      } else {
        body.add(line);
      }
    }
    if (conditionalDepth > 0) {
      issues.add(
          ParseIssue.error(
              conditionalStart, "a conditional block (.if) has no .endif: haproxy refuses this"));
    }
    if (header != null) {
      sections.add(section(header, body));
    }
    return new HaproxyConfig(sections, issues);
  }

  private static HaproxySection section(HaproxyLine header, List<HaproxyLine> body) {
    return new HaproxySection(header.keyword(), header.word(1), header, body);
  }

  /** Splits one line into words following haproxy's quoting rules. */
  static List<String> words(String line, SourceLocation where, List<ParseIssue> issues) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean inWord = false;
    char quote = 0;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quote == '\'') {
        if (c == '\'') {
          quote = 0;
        } else {
          word.append(c);
        }
      } else if (c == '\\' && i + 1 < line.length()) {
        word.append(line.charAt(++i));
        inWord = true;
      } else if (quote == '"') {
        if (c == '"') {
          quote = 0;
        } else {
          word.append(c);
        }
      } else if (c == '"' || c == '\'') {
        quote = c;
        inWord = true;
      } else if (c == '#') {
        break;
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
    if (quote != 0) {
      issues.add(ParseIssue.error(where, "unterminated quoted string (opened with " + quote + ")"));
    }
    if (inWord) {
      words.add(word.toString());
    }
    return words;
  }
}
