package io.vipd.daemon.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vipd.daemon.cli.Cli;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs {@code vipd check} on every file of the broken-config corpus ({@code
 * src/test/resources/broken-configs/NN-name.conf}) and compares its output, line for line, with the
 * file's {@code NN-name.expected}. In the expected text {@code FILE} stands for the checked file's
 * path and {@code DIR/} for the corpus directory (files it includes live below it).
 */
class BrokenConfigCorpusTest {

  private static final int MIN_CORPUS = 40;

  static Path corpusDir() throws URISyntaxException {
    URL url = BrokenConfigCorpusTest.class.getResource("/broken-configs");
    if (url == null) {
      throw new IllegalStateException("broken-configs missing from the test classpath");
    }
    return Path.of(url.toURI());
  }

  static List<Path> corpus() throws IOException, URISyntaxException {
    try (Stream<Path> s = Files.list(corpusDir())) {
      return s.filter(p -> p.getFileName().toString().endsWith(".conf"))
          .sorted()
          .collect(Collectors.toList());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void checkPrintsExactlyTheExpectedProblems(Path conf) throws IOException {
    Path expectedFile = expectedOf(conf);
    assertTrue(Files.isRegularFile(expectedFile), "missing " + expectedFile.getFileName());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        new Cli()
            .execute(
                new String[] {"check", "--config", conf.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    String printed =
        out.toString(StandardCharsets.UTF_8)
            .replace(conf.toString(), "FILE")
            .replace(conf.getParent().toString() + "/", "DIR/");
    assertEquals(
        Files.readString(expectedFile, StandardCharsets.UTF_8),
        printed,
        conf.getFileName() + ": vipd check printed other problems than expected");
    assertEquals(1, status, conf.getFileName() + ": vipd check must refuse the file");
    assertEquals("", err.toString(StandardCharsets.UTF_8), "nothing on stderr");
    List<String> lines = List.of(printed.split("\n"));
    for (String line : lines.subList(0, lines.size() - 1)) {
      assertTrue(
          line.matches("(FILE|DIR/[^:]+):[1-9][0-9]*: .*"), "problem without a line: " + line);
    }
    assertTrue(lines.get(lines.size() - 1).startsWith("FILE: invalid, "), printed);
  }

  @Test
  void corpusIsLargeAndEveryExpectationHasItsConfig() throws IOException, URISyntaxException {
    List<Path> confs = corpus();
    assertTrue(confs.size() >= MIN_CORPUS, "only " + confs.size() + " broken configs");
    try (Stream<Path> s = Files.list(corpusDir())) {
      for (Path e :
          s.filter(p -> p.getFileName().toString().endsWith(".expected"))
              .collect(Collectors.toList())) {
        String name = e.getFileName().toString();
        Path conf =
            e.resolveSibling(name.substring(0, name.length() - ".expected".length()) + ".conf");
        assertTrue(Files.isRegularFile(conf), name + " has no .conf");
      }
    }
  }

  private static Path expectedOf(Path conf) {
    String name = conf.getFileName().toString();
    return conf.resolveSibling(name.substring(0, name.length() - ".conf".length()) + ".expected");
  }
}
