package io.vipd.daemon.metrics;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A strict parser of the Prometheus text exposition format 0.0.4: {@code # HELP} and {@code # TYPE}
 * lines, samples {@code name{label="value",...} value [timestamp]} with escaped label values
 * ({@code \\}, {@code \"}, {@code \n}) and the special values {@code NaN}, {@code +Inf}, {@code
 * -Inf}. Any line that is not well formed is refused with its line number, as are a second TYPE or
 * HELP for one name, a TYPE after that metric's samples, a sample repeated with the same labels,
 * and a sample that does not belong to the family its TYPE declared. Stateless; for tests.
 */
public final class PrometheusTextParser {

  private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final Set<String> TYPES =
      Set.of("counter", "gauge", "histogram", "summary", "untyped");

  private PrometheusTextParser() {}

  /** A line the parser refused, with its 1-based number. */
  public static final class MalformedExpositionException extends Exception {
    private static final long serialVersionUID = 1L;

    MalformedExpositionException(int line, String text, String why) {
      super("line " + line + ": " + why + ": " + text);
    }
  }

  /** One sample line. */
  public record Sample(
      String name, Map<String, String> labels, double value, OptionalLong timestampMillis) {}

  /**
   * One metric family: the name of its TYPE line (or of its samples when untyped), its type,
   * whether a TYPE line declared it, help text (empty when none) and samples in exposition order.
   */
  public record Family(
      String name, String type, boolean declared, String help, List<Sample> samples) {}

  /** A whole scrape, families by name in exposition order. */
  public record Exposition(Map<String, Family> families) {

    /** Whether a TYPE line declared {@code name}. */
    public boolean hasType(String name) {
      Family f = families.get(name);
      return f != null && f.declared();
    }

    /** Every sample of family {@code name} (empty when there is no such family). */
    public List<Sample> samples(String name) {
      Family f = families.get(name);
      return f == null ? List.of() : f.samples();
    }

    /**
     * The value of the first sample named {@code sampleName} whose labels include every given
     * {@code key, value} pair.
     */
    public Optional<Double> value(String sampleName, String... labelPairs) {
      for (Family f : families.values()) {
        for (Sample s : f.samples()) {
          if (s.name().equals(sampleName) && hasLabels(s, labelPairs)) {
            return Optional.of(s.value());
          }
        }
      }
      return Optional.empty();
    }

    private static boolean hasLabels(Sample s, String... pairs) {
      for (int i = 0; i + 1 < pairs.length; i += 2) {
        if (!pairs[i + 1].equals(s.labels().get(pairs[i]))) {
          return false;
        }
      }
      return true;
    }
  }

  /** Parses a whole exposition. */
  public static Exposition parse(String text) throws MalformedExpositionException {
    Map<String, String> types = new LinkedHashMap<>();
    Map<String, String> helps = new LinkedHashMap<>();
    Map<String, List<Sample>> samples = new LinkedHashMap<>();
    Set<String> seen = new HashSet<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      int no = i + 1;
      if (line.isEmpty()) {
        continue;
      }
      if (line.startsWith("#")) {
        comment(line, no, types, helps, samples);
        continue;
      }
      Sample s = sample(line, no);
      String family = familyOf(s.name(), types);
      String key = s.name() + s.labels();
      if (!seen.add(key)) {
        throw new MalformedExpositionException(no, line, "sample repeated");
      }
      samples.computeIfAbsent(family, k -> new ArrayList<>()).add(s);
    }
    Map<String, Family> families = new LinkedHashMap<>();
    Set<String> names = new java.util.LinkedHashSet<>(types.keySet());
    names.addAll(samples.keySet());
    for (String n : names) {
      families.put(
          n,
          new Family(
              n,
              types.getOrDefault(n, "untyped"),
              types.containsKey(n),
              helps.getOrDefault(n, ""),
              List.copyOf(samples.getOrDefault(n, List.of()))));
    }
    return new Exposition(Collections.unmodifiableMap(families));
  }

  private static void comment(
      String line,
      int no,
      Map<String, String> types,
      Map<String, String> helps,
      Map<String, List<Sample>> samples)
      throws MalformedExpositionException {
    String[] t = line.substring(1).stripLeading().split("[ \t]+", 3);
    if (t[0].equals("TYPE")) {
      if (t.length != 3 || !METRIC_NAME.matcher(t[1]).matches() || !TYPES.contains(t[2].strip())) {
        throw new MalformedExpositionException(no, line, "malformed TYPE line");
      }
      if (types.containsKey(t[1])) {
        throw new MalformedExpositionException(no, line, "second TYPE for " + t[1]);
      }
      if (samples.containsKey(t[1])) {
        throw new MalformedExpositionException(no, line, "TYPE after samples of " + t[1]);
      }
      types.put(t[1], t[2].strip());
    } else if (t[0].equals("HELP")) {
      if (t.length < 2 || !METRIC_NAME.matcher(t[1]).matches()) {
        throw new MalformedExpositionException(no, line, "malformed HELP line");
      }
      if (helps.containsKey(t[1])) {
        throw new MalformedExpositionException(no, line, "second HELP for " + t[1]);
      }
      helps.put(t[1], t.length == 3 ? unescapeHelp(t[2], no, line) : "");
    }
    // Any other comment is allowed and ignored.
  }

  /** The family a sample belongs to: its own name, or a histogram/summary's base name. */
  private static String familyOf(String name, Map<String, String> types) {
    for (String suffix : List.of("_bucket", "_sum", "_count")) {
      if (name.endsWith(suffix)) {
        String base = name.substring(0, name.length() - suffix.length());
        String type = types.get(base);
        if ("histogram".equals(type) || "summary".equals(type) && !suffix.equals("_bucket")) {
          return base;
        }
      }
    }
    return name;
  }

  private static Sample sample(String line, int no) throws MalformedExpositionException {
    int pos = 0;
    while (pos < line.length()
        && (line.charAt(pos) == '_'
            || line.charAt(pos) == ':'
            || Character.isLetterOrDigit(line.charAt(pos)))) {
      pos++;
    }
    String name = line.substring(0, pos);
    if (!METRIC_NAME.matcher(name).matches()) {
      throw new MalformedExpositionException(no, line, "bad metric name");
    }
    Map<String, String> labels = new LinkedHashMap<>();
    if (pos < line.length() && line.charAt(pos) == '{') {
      pos = labels(line, pos + 1, no, labels);
    }
    String rest = line.substring(pos);
    if (rest.isEmpty() || (rest.charAt(0) != ' ' && rest.charAt(0) != '\t')) {
      throw new MalformedExpositionException(no, line, "expected a blank before the value");
    }
    String[] parts = rest.strip().split("[ \t]+");
    if (parts.length < 1 || parts.length > 2 || parts[0].isEmpty()) {
      throw new MalformedExpositionException(
          no, line, "expected a value and an optional timestamp");
    }
    double value = value(parts[0], no, line);
    OptionalLong ts = OptionalLong.empty();
    if (parts.length == 2) {
      try {
        ts = OptionalLong.of(Long.parseLong(parts[1]));
      } catch (NumberFormatException e) {
        throw new MalformedExpositionException(no, line, "bad timestamp");
      }
    }
    return new Sample(name, Collections.unmodifiableMap(labels), value, ts);
  }

  /** Reads labels after '{'; returns the position after '}'. */
  private static int labels(String line, int pos, int no, Map<String, String> out)
      throws MalformedExpositionException {
    while (true) {
      if (pos < line.length() && line.charAt(pos) == '}') {
        return pos + 1;
      }
      int eq = line.indexOf('=', pos);
      if (eq < 0) {
        throw new MalformedExpositionException(no, line, "label without '='");
      }
      String label = line.substring(pos, eq).strip();
      if (!LABEL_NAME.matcher(label).matches()) {
        throw new MalformedExpositionException(no, line, "bad label name '" + label + "'");
      }
      pos = eq + 1;
      if (pos >= line.length() || line.charAt(pos) != '"') {
        throw new MalformedExpositionException(no, line, "label value not quoted");
      }
      StringBuilder v = new StringBuilder();
      pos++;
      boolean closed = false;
      while (pos < line.length()) {
        char c = line.charAt(pos++);
        if (c == '"') {
          closed = true;
          break;
        }
        if (c == '\\') {
          if (pos >= line.length()) {
            break;
          }
          char e = line.charAt(pos++);
          switch (e) {
            case '\\' -> v.append('\\');
            case '"' -> v.append('"');
            case 'n' -> v.append('\n');
            default -> throw new MalformedExpositionException(no, line, "bad escape \\" + e);
          }
        } else {
          v.append(c);
        }
      }
      if (!closed) {
        throw new MalformedExpositionException(no, line, "unterminated label value");
      }
      if (out.put(label, v.toString()) != null) {
        throw new MalformedExpositionException(no, line, "label " + label + " twice");
      }
      if (pos < line.length() && line.charAt(pos) == ',') {
        pos++;
      } else if (pos >= line.length() || line.charAt(pos) != '}') {
        throw new MalformedExpositionException(no, line, "expected ',' or '}' after a label");
      }
    }
  }

  private static double value(String s, int no, String line) throws MalformedExpositionException {
    switch (s) {
      case "NaN":
        return Double.NaN;
      case "+Inf":
        return Double.POSITIVE_INFINITY;
      case "-Inf":
        return Double.NEGATIVE_INFINITY;
      default:
        // Go's ParseFloat syntax: Java's parser also takes "Infinity", "1d" and hex; refuse those.
        if (!s.matches("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?")) {
          throw new MalformedExpositionException(no, line, "bad value '" + s + "'");
        }
        return Double.parseDouble(s);
    }
  }

  private static String unescapeHelp(String s, int no, String line)
      throws MalformedExpositionException {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '\\') {
        b.append(c);
        continue;
      }
      if (++i >= s.length()) {
        throw new MalformedExpositionException(no, line, "dangling backslash in HELP");
      }
      char e = s.charAt(i);
      if (e == '\\') {
        b.append('\\');
      } else if (e == 'n') {
        b.append('\n');
      } else {
        throw new MalformedExpositionException(no, line, "bad escape \\" + e + " in HELP");
      }
    }
    return b.toString();
  }
}
