package io.vipd.daemon.importer;

/**
 * A problem found while reading a keepalived or haproxy file. Errors make the import unusable (the
 * structure of the file is not known for sure); warnings do not.
 *
 * @param where file and line of the problem
 * @param error true when the file could not be read as its program would read it
 * @param message what is wrong, in words a user can act on
 */
public record ParseIssue(SourceLocation where, boolean error, String message) {

  static ParseIssue error(SourceLocation where, String message) {
    return new ParseIssue(where, true, message);
  }

  static ParseIssue warning(SourceLocation where, String message) {
    return new ParseIssue(where, false, message);
  }

  /** {@code file:line: error: message}. */
  @Override
  public String toString() {
    return where + ": " + (error ? "error: " : "warning: ") + message;
  }
}
