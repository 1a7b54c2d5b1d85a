package io.vipd.daemon.config;

import com.typesafe.config.ConfigOrigin;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Collects every problem of one load; single-threaded, owned by one {@link ConfigLoader} call. */
final class Problems {

  private final String fallbackFile;
  private final String parsedAs;
  private final Set<ConfigProblem> all = new LinkedHashSet<>();
  private int errorCount;

  /**
   * @param fallbackFile the file as the user named it
   * @param parsedAs the name the parser saw ({@code ./vipd.conf} for {@code vipd.conf}); shown as
   *     {@code fallbackFile}
   */
  Problems(String fallbackFile, String parsedAs) {
    this.fallbackFile = fallbackFile;
    this.parsedAs = parsedAs;
  }

  void error(ConfigOrigin origin, String key, String message) {
    add(ConfigProblem.Severity.ERROR, origin, key, message);
  }

  void warning(ConfigOrigin origin, String key, String message) {
    add(ConfigProblem.Severity.WARNING, origin, key, message);
  }

  void fileError(int line, String message) {
    if (all.add(new ConfigProblem(ConfigProblem.Severity.ERROR, fallbackFile, line, "", message))) {
      errorCount++;
    }
  }

  /**
   * An error of the file as a whole (syntax, resolution) found at {@code origin}: the file it names
   * may be an included one, whose name and line are the ones to show.
   */
  void fileError(ConfigOrigin origin, String message) {
    add(ConfigProblem.Severity.ERROR, origin, "", message);
  }

  private void add(ConfigProblem.Severity severity, ConfigOrigin origin, String key, String msg) {
    String file = fallbackFile;
    int line = 0;
    if (origin != null) {
      if (origin.resource() != null) {
        file = origin.resource();
      } else if (origin.filename() != null) {
        file = origin.filename().equals(parsedAs) ? fallbackFile : origin.filename();
      }
      line = Math.max(0, origin.lineNumber());
    }
    // The same default can be the culprit for several elements; say it once.
    if (all.add(new ConfigProblem(severity, file, line, key, msg))
        && severity == ConfigProblem.Severity.ERROR) {
      errorCount++;
    }
  }

  int errorCount() {
    return errorCount;
  }

  List<ConfigProblem> ofSeverity(ConfigProblem.Severity severity) {
    List<ConfigProblem> out = new ArrayList<>();
    for (ConfigProblem p : all) {
      if (p.severity() == severity) {
        out.add(p);
      }
    }
    // Stable: problems on the same line keep the order in which the loader found them.
    out.sort(Comparator.comparing(ConfigProblem::file).thenComparingInt(ConfigProblem::line));
    return List.copyOf(out);
  }
}
