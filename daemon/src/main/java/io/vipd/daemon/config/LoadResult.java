package io.vipd.daemon.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What {@link ConfigLoader#load(Path)} found.
 *
 * @param file the file loaded
 * @param config the configuration, present exactly when {@link #errors()} is empty
 * @param errors every error of the file, sorted by line
 * @param warnings every warning, sorted by line
 * @param notYetActive the parts this file uses that this version accepts but does not act on yet
 *     (see {@link FeatureStatus}), one human-readable line each
 */
public record LoadResult(
    Path file,
    Optional<DaemonConfig> config,
    List<ConfigProblem> errors,
    List<ConfigProblem> warnings,
    List<String> notYetActive) {

  public LoadResult {
    errors = List.copyOf(errors);
    warnings = List.copyOf(warnings);
    notYetActive = List.copyOf(notYetActive);
    if (config.isPresent() != errors.isEmpty()) {
      throw new IllegalArgumentException("config is present exactly when there are no errors");
    }
  }

  public boolean isValid() {
    return errors.isEmpty();
  }
}
