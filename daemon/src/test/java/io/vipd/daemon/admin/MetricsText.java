package io.vipd.daemon.admin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads Prometheus text and the metric names documented in docs/operations.md. */
final class MetricsText {

  private static final Pattern DOC_ROW = Pattern.compile("^\\| `([a-z_]+)`");

  private MetricsText() {}

  /**
   * The value of the first sample whose line starts with {@code nameAndLabels} (e.g. {@code
   * vipd_vrrp_state{instance="VI_1",state="master"}}), or NaN when there is none.
   */
  static double value(String text, String name, String... labels) {
    for (String line : text.split("\n")) {
      if (line.startsWith("#") || !line.startsWith(name + "{") && !line.startsWith(name + " ")) {
        continue;
      }
      boolean all = true;
      for (String l : labels) {
        all &= line.contains(l);
      }
      if (all) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return Double.NaN;
  }

  /** Every metric name in the tables of docs/operations.md (rows starting with a code name). */
  static List<String> documentedNames() throws IOException {
    Path doc = Path.of("..", "docs", "operations.md");
    List<String> names = new ArrayList<>();
    for (String line : Files.readAllLines(doc)) {
      Matcher m = DOC_ROW.matcher(line);
      if (m.find()) {
        names.add(m.group(1));
      }
    }
    return names;
  }

  /** Whether the exposition has at least one sample of {@code name}. */
  static boolean hasSample(String text, String name) {
    for (String line : text.split("\n")) {
      if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
        return true;
      }
    }
    return false;
  }
}
