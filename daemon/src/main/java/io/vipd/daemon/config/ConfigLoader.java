package io.vipd.daemon.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigSyntax;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Loads a vipd HOCON file into a validated {@link DaemonConfig}.
 *
 * <p>The file is parsed with origins (file and line of every value), laid over {@code
 * reference.conf} (which documents every key and holds its default), substitutions are resolved
 * ({@code ${?VIPD_ADMIN_TOKEN}} reads the environment), and then every section is read and checked
 * as a whole: the result lists <em>all</em> problems, not the first. Elements of lists ({@code
 * vrrp.instances}, {@code proxy.frontends}, {@code servers}) and of named maps ({@code checks},
 * {@code proxy.backends}) get their defaults from the {@code defaults} block, because HOCON's
 * fallback does not reach into list elements.
 *
 * <p>Never throws for bad input: syntax errors, unreadable files and invalid values all come back
 * as {@link ConfigProblem}s. Stateless and thread-safe.
 */
public final class ConfigLoader {

  private static final String REFERENCE = "reference.conf";

  private ConfigLoader() {}

  /** Loads and validates {@code file}. */
  public static LoadResult load(Path file) {
    // Includes resolve against the file's directory, which Typesafe Config cannot find for a
    // bare name such as "vipd.conf"; "./vipd.conf" has one.
    Path named = file.getParent() == null ? Path.of(".").resolve(file) : file;
    Problems problems = new Problems(file.toString(), named.toString());
    Optional<DaemonConfig> config = parseAndRead(file, named, problems);
    List<ConfigProblem> errors = problems.ofSeverity(ConfigProblem.Severity.ERROR);
    if (!errors.isEmpty()) {
      config = Optional.empty();
    }
    return new LoadResult(
        file,
        config,
        errors,
        problems.ofSeverity(ConfigProblem.Severity.WARNING),
        config.map(FeatureStatus::notYetActive).orElse(List.of()));
  }

  /** vipd's own {@code reference.conf}: every key, its comment and its default. */
  public static Config reference() {
    return ConfigFactory.parseResources(
        ConfigLoader.class.getClassLoader(),
        REFERENCE,
        ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF).setAllowMissing(false));
  }

  private static Optional<DaemonConfig> parseAndRead(Path file, Path named, Problems problems) {
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      problems.fileError(
          0,
          Files.exists(file)
              ? "cannot read the file (not a readable regular file)"
              : "cannot read the file (it does not exist)");
      return Optional.empty();
    }
    Config user;
    Config merged;
    Config userResolved;
    Config reference = reference();
    try {
      user =
          ConfigFactory.parseFile(
              named.toFile(),
              ConfigParseOptions.defaults()
                  .setSyntax(ConfigSyntax.CONF)
                  .setAllowMissing(false)
                  .setIncluder(new RequiredIncludes()));
    } catch (ConfigException.IO e) {
      int line = MissingInclude.lineIn(file, e);
      problems.fileError(line, MissingInclude.message(named, line > 0, e, withoutOrigin(e)));
      return Optional.empty();
    } catch (ConfigException e) {
      problems.fileError(e.origin(), "syntax error: " + SyntaxMessages.plain(withoutOrigin(e)));
      return Optional.empty();
    }
    try {
      // Self-references first, within the file alone ("type = ${?CHECK_TYPE}" overriding the
      // file's own earlier value): resolved against another root, Typesafe Config cannot replace
      // such a delayed merge. What refers to reference.conf stays unresolved until the next step.
      Config self = user.resolve(ConfigResolveOptions.defaults().setAllowUnresolved(true));
      merged = self.withFallback(reference).resolve(ConfigResolveOptions.defaults());
      userResolved = self.resolveWith(merged, ConfigResolveOptions.defaults());
    } catch (ConfigException e) {
      problems.fileError(e.origin(), withoutOrigin(e));
      return Optional.empty();
    }
    Node root =
        new Node("", userResolved.root(), merged.root(), userResolved.root().origin(), problems);
    ConfigObject referenceDefaults = (ConfigObject) reference.root().get("defaults");
    try {
      return DaemonConfigReader.read(file, root, referenceDefaults);
    } catch (ConfigException e) {
      // Values were checked before use; this is a last line of defence, still reported as a result.
      problems.fileError(e.origin(), withoutOrigin(e));
      return Optional.empty();
    }
  }

  /**
   * Typesafe Config prefixes messages with "file: line: "; the problem carries that already. Some
   * of its internal resolve errors append a dump of the whole configuration, secrets included: that
   * part is cut off.
   */
  private static String withoutOrigin(ConfigException e) {
    String m = String.valueOf(e.getMessage());
    int dump = m.indexOf(" in ResolveSource(");
    if (dump >= 0) {
      m = m.substring(0, dump) + " (configuration not shown: it may hold secrets)";
    }
    if (e.origin() != null) {
      String prefix = e.origin().description() + ": ";
      if (m.startsWith(prefix)) {
        return m.substring(prefix.length());
      }
    }
    return m;
  }
}
