package io.vipd.daemon.importer;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects the warnings of one import. Every note is written both as a comment next to where the
 * directive would have gone and as a warning line, so the two never disagree. Not thread-safe.
 */
final class ImportNotes {

  private static final int MAX_DIRECTIVE_CHARS = 100;

  private final List<String> warnings = new ArrayList<>();

  /**
   * A directive that is not carried over.
   *
   * @return the comment text to place in the output
   */
  String dropped(SourceLocation where, String directive, String why) {
    String text = "not carried over: " + shorten(directive) + " (" + where + "): " + why;
    warnings.add(where + ": not carried over: " + shorten(directive) + ": " + why);
    return text;
  }

  /**
   * A directive that is carried over with a different meaning or value.
   *
   * @return the comment text to place in the output
   */
  String changed(SourceLocation where, String directive, String what) {
    String text = "changed: " + shorten(directive) + " (" + where + "): " + what;
    warnings.add(where + ": changed: " + shorten(directive) + ": " + what);
    return text;
  }

  /**
   * A directive carried over in a form that needs the user's review.
   *
   * @return the comment text to place in the output
   */
  String review(SourceLocation where, String directive, String why) {
    String text = "review: " + shorten(directive) + " (" + where + "): " + why;
    warnings.add(where + ": review: " + shorten(directive) + ": " + why);
    return text;
  }

  /** A problem that is not tied to one directive being dropped (e.g. a parse warning). */
  void warn(String line) {
    warnings.add(line);
  }

  List<String> warnings() {
    return List.copyOf(warnings);
  }

  static String shorten(String directive) {
    String oneLine = directive.replaceAll("\\s+", " ").trim();
    return oneLine.length() <= MAX_DIRECTIVE_CHARS
        ? oneLine
        : oneLine.substring(0, MAX_DIRECTIVE_CHARS - 3) + "...";
  }
}
