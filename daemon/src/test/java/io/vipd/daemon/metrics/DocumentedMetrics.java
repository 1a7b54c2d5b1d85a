package io.vipd.daemon.metrics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names {@code docs/operations.md} promises: every row of its metric tables (name and
 * type column) and the Micrometer standard names listed under "JVM and process" (a name ending in
 * {@code _*} stands for a prefix). Read from the project root that surefire passes as {@code
 * VIPD_PROJECT_ROOT}, or from {@code ../docs} relative to the module directory.
 */
public final class DocumentedMetrics {

  /**
   * One documented metric.
   *
   * @param name the metric name, or a prefix when {@link #prefix()} is true
   * @param type {@code gauge} or {@code counter} for table rows; empty for the JVM list
   * @param section the heading it was documented under, e.g. "Proxy frontends (label `frontend`)"
   * @param prefix true for wildcard names such as {@code jvm_memory_*}
   */
  public record Metric(String name, String type, String section, boolean prefix) {}

  private static final Pattern ROW = Pattern.compile("^\\| `([a-z_:]+)` \\| ([a-z]+) \\|");
  private static final Pattern CODE = Pattern.compile("`([a-z_]+)(_\\*)?`");

  private DocumentedMetrics() {}

  /** The documentation file. */
  public static Path file() {
    String root = System.getenv("VIPD_PROJECT_ROOT");
    Path base = root == null || root.isEmpty() ? Path.of("..") : Path.of(root);
    return base.resolve("docs").resolve("operations.md");
  }

  /** Every documented metric, in document order. */
  public static List<Metric> all() throws IOException {
    List<Metric> out = new ArrayList<>();
    String section = "";
    for (String line : Files.readAllLines(file())) {
      if (line.startsWith("#")) {
        section = line.replaceFirst("^#+\\s*", "");
        continue;
      }
      Matcher row = ROW.matcher(line);
      if (row.find()) {
        out.add(new Metric(row.group(1), row.group(2), section, false));
      } else if (section.equals("JVM and process")) {
        Matcher code = CODE.matcher(line);
        while (code.find()) {
          out.add(new Metric(code.group(1), "", section, code.group(2) != null));
        }
      }
    }
    return out;
  }
}
