package io.vipd.daemon.importer;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a directive was read: a file name as shown to the user and a 1-based line number.
 *
 * @param file the file as displayed: relative to the directory of the top-level file when it lies
 *     below it, otherwise the path as given
 * @param line 1-based line number
 */
public record SourceLocation(String file, int line) {

  public SourceLocation {
    Objects.requireNonNull(file, "file");
  }

  /** The name under which {@code file} is shown, relative to {@code root} when possible. */
  static String displayName(Path root, Path file) {
    Path normalized = file.toAbsolutePath().normalize();
    if (root != null) {
      Path base = root.toAbsolutePath().normalize();
      if (normalized.startsWith(base) && !normalized.equals(base)) {
        return base.relativize(normalized).toString();
      }
    }
    return file.toString();
  }

  /** {@code file:line}, the form every compiler and editor understands; line 0 means the file. */
  @Override
  public String toString() {
    return line > 0 ? file + ":" + line : file;
  }
}
