package io.vipd.daemon.importer;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/** Reads configuration and script files with size limits, and expands include globs. */
final class SourceFiles {

  /** Configuration files larger than this are refused: they are not hand-written configs. */
  static final long MAX_CONFIG_BYTES = 4L * 1024 * 1024;

  /** An include glob never expands to more files than this. */
  static final int MAX_GLOB_MATCHES = 256;

  private SourceFiles() {}

  /**
   * Reads a UTF-8 text file of at most {@code maxBytes}. A byte order mark (an editor's on a file
   * saved "as UTF-8") is dropped, as keepalived and haproxy see nothing of it that matters; a byte
   * that is not UTF-8 (a Latin-1 comment) becomes U+FFFD, so the file is still read and a value
   * holding one is reported on its own line.
   *
   * @return the text, or empty when the file is missing, unreadable, too large or binary (a NUL)
   */
  static Optional<String> readText(Path file, long maxBytes) {
    try {
      if (!Files.isRegularFile(file) || Files.size(file) > maxBytes) {
        return Optional.empty();
      }
      byte[] bytes = Files.readAllBytes(file);
      for (byte b : bytes) {
        if (b == 0) {
          return Optional.empty();
        }
      }
      String text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPLACE)
              .onUnmappableCharacter(CodingErrorAction.REPLACE)
              .decode(java.nio.ByteBuffer.wrap(bytes))
              .toString();
      return Optional.of(text.startsWith("\uFEFF") ? text.substring(1) : text);
    } catch (CharacterCodingException e) {
      return Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  static boolean hasGlob(String s) {
    return s.indexOf('*') >= 0 || s.indexOf('?') >= 0 || s.indexOf('[') >= 0;
  }

  /**
   * Where to look for what an include pattern names, in order. A relative pattern is itself. An
   * absolute one ({@code /etc/keepalived/conf.d/*.conf}) is first looked for below {@code root},
   * the directory of the given keepalived.conf, which is often a copy of the node's directory:
   * {@code root/etc/keepalived/conf.d/*.conf}, {@code root/keepalived/conf.d/*.conf}, {@code
   * root/conf.d/*.conf}, and the bare file name when it has no wildcard (a bare {@code *.conf}
   * would take keepalived.conf itself); then at the path itself.
   */
  static List<String> includeCandidates(Path root, String pattern) {
    Path p = Path.of(pattern);
    if (!p.isAbsolute() || root == null || p.getNameCount() == 0) {
      return List.of(pattern);
    }
    Set<String> out = new LinkedHashSet<>();
    int n = p.getNameCount();
    for (int i = 0; i < n; i++) {
      Path suffix = p.subpath(i, n);
      if (i == n - 1 && hasGlob(suffix.toString())) {
        break;
      }
      out.add(root.resolve(suffix).toString());
    }
    out.add(pattern);
    return List.copyOf(out);
  }

  /**
   * The regular files an include pattern names, sorted by path so imports are deterministic.
   *
   * @param baseDir directory of the including file; relative patterns resolve against it
   */
  static List<Path> expandInclude(Path baseDir, String pattern) throws IOException {
    Path p = baseDir.resolve(pattern).toAbsolutePath().normalize();
    if (!hasGlob(pattern)) {
      return Files.isRegularFile(p) ? List.of(p) : List.of();
    }
    Path fixed = p.getRoot();
    int i = 0;
    for (; i < p.getNameCount(); i++) {
      String segment = p.getName(i).toString();
      if (hasGlob(segment)) {
        break;
      }
      fixed = fixed.resolve(segment);
    }
    if (!Files.isDirectory(fixed)) {
      return List.of();
    }
    PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + p);
    try (Stream<Path> files = Files.walk(fixed, p.getNameCount() - i)) {
      return files
          .filter(Files::isRegularFile)
          .filter(matcher::matches)
          .sorted()
          .limit(MAX_GLOB_MATCHES)
          .toList();
    }
  }
}
