package io.vipd.daemon.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/** Writes config text to a file and loads it, the way users do. */
final class TestFiles {

  private TestFiles() {}

  static Path write(Path dir, String text) {
    try {
      Path f = dir.resolve("vipd.conf");
      Files.writeString(f, text);
      return f;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static LoadResult load(Path dir, String text) {
    return ConfigLoader.load(write(dir, text));
  }

  static String resource(String name) {
    try (InputStream in = TestFiles.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<String> formatted(List<ConfigProblem> problems) {
    return problems.stream().map(ConfigProblem::format).collect(Collectors.toList());
  }

  /** The project root: surefire passes it; else the parent of the module directory. */
  static Path projectRoot() {
    String env = System.getenv("VIPD_PROJECT_ROOT");
    return env != null && !env.isEmpty()
        ? Path.of(env)
        : Path.of(System.getProperty("user.dir")).getParent();
  }
}
