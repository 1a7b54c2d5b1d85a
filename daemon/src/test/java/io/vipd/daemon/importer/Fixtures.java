package io.vipd.daemon.importer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the importer fixtures under {@code src/test/resources/importer}. */
final class Fixtures {

  private Fixtures() {}

  /** The fixture file as copied to the test classpath (a real directory, so includes work). */
  static Path path(String relative) {
    URL url = Fixtures.class.getResource("/importer/" + relative);
    if (url == null) {
      throw new IllegalArgumentException("no fixture importer/" + relative);
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static String read(String relative) {
    try {
      return Files.readString(path(relative), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The 1-based number of the first line of {@code fixture} that starts with {@code text} (runs of
   * whitespace count as one space), or else the first line containing it.
   */
  static int lineOf(String fixture, String text) {
    String[] lines = read(fixture).split("\n", -1);
    for (int pass = 0; pass < 2; pass++) {
      for (int i = 0; i < lines.length; i++) {
        String line = lines[i].trim().replaceAll("\\s+", " ");
        if (pass == 0 ? line.startsWith(text) : line.contains(text)) {
          return i + 1;
        }
      }
    }
    throw new IllegalArgumentException("'" + text + "' not in " + fixture);
  }

  /** The source tree copy of a fixture, for regenerating golden files on request. */
  static Path sourcePath(String relative) {
    String root = System.getenv("VIPD_PROJECT_ROOT");
    Path base = root != null ? Path.of(root).resolve("daemon") : Path.of("");
    return base.resolve("src/test/resources/importer").resolve(relative);
  }
}
