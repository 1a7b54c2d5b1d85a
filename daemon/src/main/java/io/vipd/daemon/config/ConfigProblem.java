package io.vipd.daemon.config;

import java.util.Objects;

/**
 * One finding of the configuration loader, formatted the way compilers do so that editors and
 * {@code grep} can jump to it: {@code file:line: key: found X, expected Y}.
 *
 * <p>Messages never contain a secret (passwords, tokens): the loader renders those as {@code
 * <redacted>}.
 *
 * @param severity whether the daemon refuses the file ({@link Severity#ERROR}) or runs it
 * @param file the file as the user named it, or a resource name for built-in defaults
 * @param line 1-based line, or 0 when unknown (for example an unreadable file)
 * @param key the full key path, such as {@code vrrp.instances[0].virtual-router-id}; empty for
 *     problems of the file as a whole (syntax errors)
 * @param message what was found and what was expected
 */
public record ConfigProblem(Severity severity, String file, int line, String key, String message) {

  /** How serious a problem is. */
  public enum Severity {
    /** The file is refused: {@code vipd check} exits 1 and {@code vipd run} does not start. */
    ERROR,
    /** The file works, but probably not the way its author thinks. */
    WARNING
  }

  public ConfigProblem {
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(message, "message");
  }

  /** True for {@link Severity#ERROR}. */
  public boolean isError() {
    return severity == Severity.ERROR;
  }

  /**
   * The one-line form: {@code file:line: key: message}; warnings read {@code file:line: warning:
   * key: message}.
   */
  public String format() {
    StringBuilder sb = new StringBuilder(file);
    if (line > 0) {
      sb.append(':').append(line);
    }
    sb.append(": ");
    if (severity == Severity.WARNING) {
      sb.append("warning: ");
    }
    if (!key.isEmpty()) {
      sb.append(key).append(": ");
    }
    return sb.append(message).toString();
  }

  @Override
  public String toString() {
    return format();
  }
}
