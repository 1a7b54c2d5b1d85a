package io.vipd.daemon.config;

import com.typesafe.config.ConfigException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * What to say when a required include cannot be read. Typesafe Config tries a relative include next
 * to the including file and then on the class path, so its own message ("resource not found on
 * classpath") names the wrong place, and it carries no line: the file it looked for and the line of
 * the include are found here instead.
 */
final class MissingInclude {

  private MissingInclude() {}

  /**
   * The problem's text: the include, the file looked for, and why it could not be read.
   *
   * @param includedHere whether {@code including} itself holds the include (else a file it includes
   *     does, whose directory is not known here)
   */
  static String message(Path including, boolean includedHere, ConfigException.IO e, String raw) {
    String name = e.origin() == null ? "" : e.origin().description();
    if (name == null || name.isBlank()) {
      return "cannot read an included file: " + raw;
    }
    Throwable cause = e.getCause();
    if (!notFound(cause)) {
      String why = cause == null ? raw : String.valueOf(cause.getMessage());
      return "cannot read the included file " + name + ": " + why;
    }
    String include = "include \"" + name + "\": ";
    if (name.startsWith("/")) {
      return include + "the file does not exist";
    }
    return include
        + (includedHere ? lookedFor(including, name) : "the file")
        + " does not exist (an include is read relative to the file that includes it)";
  }

  /** The line of {@code file} that includes the missing name, or 0 when it is not this file's. */
  static int lineIn(Path file, ConfigException.IO e) {
    String name = e.origin() == null ? null : e.origin().description();
    if (name == null || name.isBlank()) {
      return 0;
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException unreadable) {
      return 0;
    }
    String quoted = "\"" + name + "\"";
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.contains("include") && line.contains(quoted)) {
        return i + 1;
      }
    }
    return 0;
  }

  private static boolean notFound(Throwable cause) {
    return cause instanceof FileNotFoundException
        || cause instanceof NoSuchFileException
        || (cause != null && String.valueOf(cause.getMessage()).startsWith("resource not found"));
  }

  private static String lookedFor(Path including, String name) {
    try {
      Path dir = including.toAbsolutePath().getParent();
      return dir == null ? name : dir.resolve(name).normalize().toString();
    } catch (InvalidPathException bad) {
      return name;
    }
  }
}
