package io.vipd.daemon.config;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A typed, problem-recording view of one HOCON object during a load.
 *
 * <p>It pairs what the user wrote for this object ({@code user}: decides which keys are set and
 * which are unknown) with the same object merged over its defaults ({@code merged}: supplies the
 * values). Every getter records a problem instead of throwing and returns {@link Optional#empty()}
 * when the value is missing or wrong; readers check {@link #hasErrors()} before building a record.
 * Keys a reader asks for are remembered, and {@link #finish()} reports every other key the user
 * wrote as unknown, with the closest known key as a suggestion.
 *
 * <p>Not thread-safe; lives for one load.
 */
final class Node {

  /** A duration written without a unit: digits, maybe a fraction, maybe blanks around. */
  private static final Pattern BARE_NUMBER = Pattern.compile("\\s*[+-]?[0-9]+(\\.[0-9]+)?\\s*");

  private static final Set<String> SECRET_KEYS = Set.of("password", "token");
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9._:/\\[\\]@%+-]+");

  /** One scalar element of a list, with where it was written. */
  record Item(String text, ConfigOrigin origin, String path) {}

  private final String path;
  private final ConfigObject user;
  private final ConfigObject merged;
  private final ConfigOrigin origin;
  private final Problems problems;
  private final Node parent;
  private int errors;
  private final Set<String> consumed = new LinkedHashSet<>();

  /** The root of a file. */
  Node(
      String path, ConfigObject user, ConfigObject merged, ConfigOrigin origin, Problems problems) {
    this(null, path, user, merged, origin, problems);
  }

  private Node(
      Node parent,
      String path,
      ConfigObject user,
      ConfigObject merged,
      ConfigOrigin origin,
      Problems problems) {
    this.parent = parent;
    this.path = path;
    this.user = user;
    this.merged = merged;
    this.origin = origin;
    this.problems = problems;
  }

  String path() {
    return path;
  }

  ConfigOrigin origin() {
    return origin;
  }

  Problems problems() {
    return problems;
  }

  /** This object as the user wrote it. */
  ConfigObject userObject() {
    return user;
  }

  /** This object merged over its defaults. */
  ConfigObject mergedObject() {
    return merged;
  }

  /** Marks every key as known; for objects validated by other means. */
  void consumeAll() {
    consumed.addAll(user.keySet());
  }

  /** The full key path of a key of this object, e.g. {@code vrrp.instances[0].priority}. */
  String keyPath(String key) {
    String k =
        PLAIN.matcher(key).matches() && !key.contains(".") ? key : ConfigUtil.quoteString(key);
    return path.isEmpty() ? k : path + "." + k;
  }

  /** True when an error was recorded for this object or anything inside it. */
  boolean hasErrors() {
    return errors > 0;
  }

  /** Records an error at an explicit place (a list element) inside this object. */
  void errorAt(ConfigOrigin where, String keyPath, String message) {
    for (Node n = this; n != null; n = n.parent) {
      n.errors++;
    }
    problems.error(where, keyPath, message);
  }

  /** True when the user's own object (not a default) has this key. */
  boolean isSetByUser(String key) {
    return user.containsKey(key);
  }

  /**
   * Where a key's value was written: the user's line when the user (or the user's {@code defaults}
   * block) set it, otherwise the line of this object.
   */
  ConfigOrigin originOf(String key) {
    ConfigValue v = merged.get(key);
    if (v != null && isUserOrigin(v.origin())) {
      return v.origin();
    }
    return origin;
  }

  /** True for values written in the user's files, false for reference.conf's defaults. */
  static boolean isUserOrigin(ConfigOrigin o) {
    return o.resource() == null && o.filename() != null;
  }

  void error(String key, String message) {
    errorAt(originOf(key), keyPath(key), message);
  }

  void warning(String key, String message) {
    problems.warning(originOf(key), keyPath(key), message);
  }

  /** A problem of this object as a whole. */
  void errorHere(String message) {
    errorAt(origin, path, message);
  }

  /** A warning about this object as a whole. */
  void warningHere(String message) {
    problems.warning(origin, path, message);
  }

  /** {@code key}'s string as written, if it is one; no problem is reported either way. */
  Optional<String> peekString(String key) {
    ConfigValue v = merged.get(key);
    return v != null && v.valueType() == ConfigValueType.STRING
        ? Optional.of((String) v.unwrapped())
        : Optional.empty();
  }

  private ConfigValue value(String key) {
    consumed.add(key);
    ConfigValue v = merged.get(key);
    if (v == null) {
      // Every key the loader reads has a default (null for required ones) in reference.conf.
      throw new IllegalStateException("reference.conf has no default for " + keyPath(key));
    }
    return v;
  }

  private boolean missing(String key, ConfigValue v, String expected) {
    if (v.valueType() == ConfigValueType.NULL) {
      error(key, "missing, expected " + expected);
      return true;
    }
    return false;
  }

  private void wrong(String key, ConfigValue v, String expected) {
    error(key, "found " + describe(key, v) + ", expected " + expected);
  }

  /** How a found value is shown in a message; secrets are never shown. */
  static String describe(String key, ConfigValue v) {
    if (SECRET_KEYS.contains(key)) {
      return "<redacted>";
    }
    switch (v.valueType()) {
      case OBJECT:
        return "an object";
      case LIST:
        return "a list";
      case NULL:
        return "null";
      case STRING:
        return quoteIfNeeded((String) v.unwrapped());
      default:
        return v.render(ConfigRenderOptions.concise());
    }
  }

  static String quoteIfNeeded(String s) {
    return PLAIN.matcher(s).matches() ? s : ConfigUtil.quoteString(s);
  }

  /** An integer within [min, max]; strings holding an integer are accepted, as HOCON does. */
  Optional<Integer> integer(String key, int min, int max) {
    return integer(key, min, max, "an integer " + min + ".." + max);
  }

  Optional<Integer> integer(String key, int min, int max, String expected) {
    ConfigValue v = value(key);
    if (missing(key, v, expected)) {
      return Optional.empty();
    }
    Long n = asLong(v);
    if (n == null || n < min || n > max) {
      wrong(key, v, expected);
      return Optional.empty();
    }
    return Optional.of(n.intValue());
  }

  private static Long asLong(ConfigValue v) {
    if (v.valueType() == ConfigValueType.NUMBER) {
      Number n = (Number) v.unwrapped();
      double d = n.doubleValue();
      if (d != Math.rint(d) || Double.isInfinite(d)) {
        return null;
      }
      return n.longValue();
    }
    if (v.valueType() == ConfigValueType.STRING) {
      try {
        return Long.parseLong(((String) v.unwrapped()).trim());
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }

  Optional<Boolean> bool(String key) {
    ConfigValue v = value(key);
    String expected = "true or false";
    if (missing(key, v, expected)) {
      return Optional.empty();
    }
    if (v.valueType() == ConfigValueType.BOOLEAN) {
      return Optional.of((Boolean) v.unwrapped());
    }
    if (v.valueType() == ConfigValueType.STRING) {
      switch (((String) v.unwrapped()).trim().toLowerCase(java.util.Locale.ROOT)) {
        case "true", "yes", "on":
          return Optional.of(true);
        case "false", "no", "off":
          return Optional.of(false);
        default:
          break;
      }
    }
    wrong(key, v, expected);
    return Optional.empty();
  }

  /**
   * A HOCON duration within [min, max]. A bare number is refused: HOCON would read it as
   * milliseconds, while keepalived users mean seconds ({@code advert_int 1}).
   */
  Optional<Duration> duration(String key, Duration min, Duration max) {
    return duration(
        key,
        min,
        max,
        "a duration "
            + Durations.format(min)
            + ".."
            + Durations.format(max)
            + " (like 1s or 100ms)");
  }

  Optional<Duration> duration(String key, Duration min, Duration max, String expected) {
    ConfigValue v = value(key);
    if (missing(key, v, expected)) {
      return Optional.empty();
    }
    Optional<Duration> d = parseDuration(key, v, expected);
    if (d.isPresent() && (d.get().compareTo(min) < 0 || d.get().compareTo(max) > 0)) {
      wrong(key, v, expected);
      return Optional.empty();
    }
    return d;
  }

  /** Like {@link #duration} but the empty string means "not set". */
  Optional<Duration> optionalDuration(String key, Duration min, Duration max) {
    ConfigValue v = merged.get(key);
    if (v != null
        && v.valueType() == ConfigValueType.STRING
        && ((String) v.unwrapped()).isEmpty()) {
      consumed.add(key);
      return Optional.empty();
    }
    return duration(key, min, max);
  }

  private Optional<Duration> parseDuration(String key, ConfigValue v, String expected) {
    boolean string = v.valueType() == ConfigValueType.STRING;
    if (!string && v.valueType() != ConfigValueType.NUMBER) {
      wrong(key, v, expected);
      return Optional.empty();
    }
    // a number, or a string of one ("60", as an environment variable gives it): HOCON reads
    // either without a unit as milliseconds
    if (!string || BARE_NUMBER.matcher((String) v.unwrapped()).matches()) {
      error(
          key,
          "found "
              + describe(key, v)
              + " (a number without a unit), expected "
              + expected
              + "; HOCON would read it as milliseconds");
      return Optional.empty();
    }
    try {
      return Optional.of(ConfigFactory.empty().withValue("d", v).getDuration("d"));
    } catch (ConfigException e) {
      wrong(key, v, expected);
      return Optional.empty();
    }
  }

  /** A required, non-empty scalar rendered as a string. */
  Optional<String> text(String key, String expected) {
    ConfigValue v = value(key);
    if (missing(key, v, expected)) {
      return Optional.empty();
    }
    Optional<String> s = scalar(key, v, expected);
    if (s.isPresent() && s.get().isBlank()) {
      error(key, "found an empty string, expected " + expected);
      return Optional.empty();
    }
    return s;
  }

  /**
   * A frontend, backend or server name: text of {@link ProxyNames}' characters.
   *
   * @param what "a frontend name", ...
   */
  Optional<String> proxyName(String key, String what) {
    Optional<String> s = text(key, what);
    if (s.isPresent() && !ProxyNames.allowed(s.get())) {
      error(key, ProxyNames.problem(s.get(), what));
      return Optional.empty();
    }
    return s;
  }

  /** An optional scalar: null and the empty string both mean "not set". */
  Optional<String> optionalText(String key, String expected) {
    ConfigValue v = value(key);
    if (v.valueType() == ConfigValueType.NULL) {
      return Optional.empty();
    }
    return scalar(key, v, expected).filter(s -> !s.isEmpty());
  }

  private Optional<String> scalar(String key, ConfigValue v, String expected) {
    switch (v.valueType()) {
      case STRING:
      case NUMBER:
      case BOOLEAN:
        return Optional.of(String.valueOf(v.unwrapped()));
      default:
        wrong(key, v, expected);
        return Optional.empty();
    }
  }

  /** One of a fixed set of names (case-insensitive), with a suggestion for near misses. */
  <E> Optional<E> choice(String key, Map<String, E> names) {
    String expected = "one of " + String.join("|", names.keySet());
    ConfigValue v = value(key);
    if (missing(key, v, expected)) {
      return Optional.empty();
    }
    Optional<String> s = scalar(key, v, expected);
    if (s.isEmpty()) {
      return Optional.empty();
    }
    E e = names.get(s.get().trim().toLowerCase(java.util.Locale.ROOT));
    if (e == null) {
      error(
          key,
          "found "
              + describe(key, v)
              + ", expected "
              + expected
              + Suggestions.hint(s.get(), names.keySet()));
      return Optional.empty();
    }
    return Optional.of(e);
  }

  /** A list of scalars, each with its own origin for precise messages. */
  Optional<List<Item>> scalarList(String key, String elementExpected) {
    return scalarList(key, "a list of " + elementExpected, elementExpected);
  }

  /** As {@link #scalarList(String, String)}, with the whole list's description given apart. */
  Optional<List<Item>> scalarList(String key, String expected, String elementExpected) {
    ConfigValue v = value(key);
    if (missing(key, v, expected)) {
      return Optional.empty();
    }
    if (v.valueType() != ConfigValueType.LIST) {
      wrong(key, v, expected);
      return Optional.empty();
    }
    List<Item> out = new ArrayList<>();
    boolean ok = true;
    int i = 0;
    for (ConfigValue e : (Iterable<ConfigValue>) ((com.typesafe.config.ConfigList) v)) {
      String p = keyPath(key) + "[" + i++ + "]";
      if (e.valueType() == ConfigValueType.OBJECT
          || e.valueType() == ConfigValueType.LIST
          || e.valueType() == ConfigValueType.NULL) {
        errorAt(e.origin(), p, "found " + describe(key, e) + ", expected " + elementExpected);
        ok = false;
      } else {
        out.add(new Item(String.valueOf(e.unwrapped()), e.origin(), p));
      }
    }
    return ok ? Optional.of(out) : Optional.empty();
  }

  /** A nested object, merged with the defaults the enclosing object carries for it. */
  Optional<Node> child(String key) {
    ConfigValue v = value(key);
    if (v.valueType() != ConfigValueType.OBJECT) {
      wrong(key, v, "an object { ... }");
      return Optional.empty();
    }
    ConfigValue u = user.get(key);
    ConfigObject userChild = u instanceof ConfigObject o ? o : ConfigFactory.empty().root();
    ConfigOrigin childOrigin = u != null ? u.origin() : origin;
    return Optional.of(
        new Node(this, keyPath(key), userChild, (ConfigObject) v, childOrigin, problems));
  }

  /**
   * A list of objects; each element is merged over {@code elementDefaults} (HOCON's fallback does
   * not reach into list elements, so the loader does it).
   */
  Optional<List<Node>> objectList(String key, ConfigObject elementDefaults) {
    ConfigValue v = value(key);
    String expected = "a list of objects [ { ... } ]";
    if (missing(key, v, expected)) {
      return Optional.empty();
    }
    if (v.valueType() != ConfigValueType.LIST) {
      wrong(key, v, expected);
      return Optional.empty();
    }
    List<Node> out = new ArrayList<>();
    boolean ok = true;
    int i = 0;
    for (ConfigValue e : (Iterable<ConfigValue>) ((com.typesafe.config.ConfigList) v)) {
      String p = keyPath(key) + "[" + i++ + "]";
      if (e instanceof ConfigObject o) {
        ConfigObject m = o.withFallback(elementDefaults);
        out.add(new Node(this, p, o, m, o.origin(), problems));
      } else {
        errorAt(e.origin(), p, "found " + describe(key, e) + ", expected an object { ... }");
        ok = false;
      }
    }
    return ok ? Optional.of(out) : Optional.empty();
  }

  /**
   * An object whose keys are user-chosen names ({@code checks.<name>}, {@code backends.<name>});
   * each value is merged over {@code entryDefaults}. Sorted by name so output is stable.
   */
  Optional<Map<String, Node>> namedObjects(String key, ConfigObject entryDefaults) {
    Optional<Node> c = child(key);
    if (c.isEmpty()) {
      return Optional.empty();
    }
    Node map = c.get();
    Map<String, Node> out = new LinkedHashMap<>();
    boolean ok = true;
    for (String name : new TreeSet<>(map.merged.keySet())) {
      map.consumed.add(name);
      ConfigValue e = map.merged.get(name);
      if (e instanceof ConfigObject o) {
        out.put(
            name,
            new Node(
                map, map.keyPath(name), o, o.withFallback(entryDefaults), o.origin(), problems));
      } else {
        map.errorAt(
            e.origin(), map.keyPath(name), "found " + describe(name, e) + ", expected an object");
        ok = false;
      }
    }
    return ok ? Optional.of(out) : Optional.empty();
  }

  /** Reports every key the user wrote here that no reader asked for. */
  void finish() {
    for (String k : new TreeSet<>(user.keySet())) {
      if (!consumed.contains(k)) {
        String hint = Suggestions.hint(k, consumed);
        String msg =
            hint.isEmpty()
                ? "unknown key, expected one of: " + String.join(", ", new TreeSet<>(consumed))
                : "unknown key" + hint;
        errorAt(user.get(k).origin(), keyPath(k), msg);
      }
    }
  }
}
